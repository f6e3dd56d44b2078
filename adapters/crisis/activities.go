package crisis

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"

	"helhed/plan"
	"helhed/workflows/crisis"
)

// Activities are the crisis workflows' side effects other than mail (the
// shared Mail.SendMail activity sends that). The workflows call them by
// their method names, which must stay as they are.
type Activities struct {
	Plan      *plan.Plan
	Redis     redis.Cmdable
	PublicURL string // base of the operator links in e-mails
}

// CrisisGroup reads the crisis group, the activator's title, the area's name
// and the resident-information recipients from the plan.
func (a *Activities) CrisisGroup(_ context.Context, req crisis.GroupRequest) (crisis.Group, error) {
	p := a.Plan
	c := p.Governance.Crisis
	g := crisis.Group{PlanID: p.ID, Convenor: c.Convenor, PoliceFallback: c.PoliceFallback,
		RunURL: strings.TrimRight(a.PublicURL, "/") + "/operator/runs/" + url.PathEscape(req.WorkflowID)}
	for _, r := range c.Roles {
		partner, ok := p.Partner(r.Partner)
		if !ok || partner.Email == "" {
			return crisis.Group{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("crisis role %s: partner %q has no e-mail in plan %s", r.ID, r.Partner, p.ID), "PlanError", nil)
		}
		g.Members = append(g.Members, crisis.Member{Role: r.ID, Title: r.Title, Partner: r.Partner, Email: partner.Email, Duties: r.Duties})
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

// CrisisRecord writes the activation's read-model entry. It is idempotent: the
// same record written twice is the same entry, and the first meeting time,
// once set, stays.
func (a *Activities) CrisisRecord(ctx context.Context, r crisis.Record) error {
	key := KeyRunPrefix + r.WorkflowID
	_, err := a.Redis.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		h := RecordHash(r)
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
