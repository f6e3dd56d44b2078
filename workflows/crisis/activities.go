package crisis

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"

	"helhed/plan"
)

// Activities are the crisis workflow's side effects other than mail (the
// shared Mail.SendMail activity sends that).
type Activities struct {
	Plan      *plan.Plan
	Redis     redis.Cmdable
	PublicURL string // base of the operator links in e-mails
}

// GroupRequest asks for the crisis group as the plan has it now.
type GroupRequest struct {
	WorkflowID  string `json:"workflowId"`
	ActivatedBy string `json:"activatedBy"`
	Area        string `json:"area"`
}

// CrisisGroup reads the crisis group, the activator's title, the area's name
// and the resident-information recipients from the plan.
func (a *Activities) CrisisGroup(_ context.Context, req GroupRequest) (Group, error) {
	p := a.Plan
	c := p.Governance.Crisis
	g := Group{PlanID: p.ID, Convenor: c.Convenor, PoliceFallback: c.PoliceFallback,
		RunURL: strings.TrimRight(a.PublicURL, "/") + "/operator/runs/" + url.PathEscape(req.WorkflowID)}
	for _, r := range c.Roles {
		partner, ok := p.Partner(r.Partner)
		if !ok || partner.Email == "" {
			return Group{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("crisis role %s: partner %q has no e-mail in plan %s", r.ID, r.Partner, p.ID), "PlanError", nil)
		}
		g.Members = append(g.Members, Member{Role: r.ID, Title: r.Title, Partner: r.Partner, Email: partner.Email, Duties: r.Duties})
	}
	g.ActivatorTitle = activatorTitle(p, req.ActivatedBy)
	if area, ok := p.Area(req.Area); ok {
		g.AreaName = area.Name
	} else {
		g.AreaName = req.Area
	}
	g.Residents = residentRecipients(p, req.Area)
	return g, nil
}

// activatorTitle names who activated: a crisis role's title, or a police
// partner's name.
func activatorTitle(p *plan.Plan, id string) string {
	for _, r := range p.Governance.Crisis.Roles {
		if r.ID == id {
			return r.Title
		}
	}
	if partner, ok := p.Partner(id); ok {
		return partner.Name
	}
	return id
}

// residentRecipients are the addresses that pass resident information on:
// the administrators of the housing organisations with departments in the
// area (they reach the department boards and residents) and the
// secretariat (the convenor's partner, whose staff inform residents).
func residentRecipients(p *plan.Plan, area string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(partnerID string) {
		if partner, ok := p.Partner(partnerID); ok && partner.Email != "" && !seen[partner.Email] {
			seen[partner.Email] = true
			out = append(out, partner.Email)
		}
	}
	for _, d := range p.DepartmentsOf(area) {
		if o, ok := p.HousingOrganisation(d.Organisation); ok {
			if o.Administrator != "" {
				add(o.Administrator)
			} else {
				add(o.ID)
			}
		}
	}
	for _, r := range p.Governance.Crisis.Roles {
		if r.ID == p.Governance.Crisis.Convenor {
			add(r.Partner)
		}
	}
	return out
}

// Redis keys of the read model (prefix helhed:crisis:): the set of
// activation IDs, and one hash per activation (Record.Hash).
const (
	KeyRuns      = "helhed:crisis:runs"
	KeyRunPrefix = "helhed:crisis:run:"
)

// RecordOf is the read-model record of an activation in state s; the
// workflow writes it, and a reconcile can rebuild it from the state query.
func RecordOf(workflowID string, s State) Record {
	r := Record{WorkflowID: workflowID, Incident: s.Input.Incident, Stage: s.Stage, ActivatedAt: s.ActivatedAt}
	if s.MeetingHeld && s.Meeting != nil {
		at := s.Meeting.At
		r.FirstMeetingAt = &at
	}
	return r
}

// Hash is the record's hash fields, as stored under KeyRunPrefix+ID.
func (r Record) Hash() map[string]string {
	h := map[string]string{"incident": r.Incident, "stage": r.Stage, "activatedAt": r.ActivatedAt.UTC().Format(time.RFC3339)}
	if r.FirstMeetingAt != nil {
		h["firstMeetingAt"] = r.FirstMeetingAt.UTC().Format(time.RFC3339)
	}
	return h
}

// CrisisRecord writes the activation's read-model entry. It is idempotent: the
// same record written twice is the same entry, and the first meeting time,
// once set, stays.
func (a *Activities) CrisisRecord(ctx context.Context, r Record) error {
	key := KeyRunPrefix + r.WorkflowID
	_, err := a.Redis.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		h := r.Hash()
		first, hasFirst := h["firstMeetingAt"]
		delete(h, "firstMeetingAt")
		pipe.SAdd(ctx, KeyRuns, r.WorkflowID)
		pipe.HSet(ctx, key, h)
		if hasFirst {
			// The first meeting stays the first.
			pipe.HSetNX(ctx, key, "firstMeetingAt", first)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record crisis %s: %w", r.WorkflowID, err)
	}
	return nil
}
