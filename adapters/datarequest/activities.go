package datarequest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.temporal.io/sdk/temporal"

	"helhed/adapters/datarequest/tokens"
	"helhed/mail"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// Activities are the data request's side effects: the read model, portal
// tokens and e-mail. The workflow calls them by their method names
// (datarequest.ActivityOpenTask, …); register with
// worker.RegisterActivity(&Activities{…}).
type Activities struct {
	Plan      *plan.Plan
	Store     *Store
	Tokens    *tokens.Tokens
	Mail      mailer.Sender
	PublicURL string // base of portal links
}

// OpenTask checks the partner against the plan, resolves the contact (the
// input's, or the partner's role address) and puts the task in the read
// model.
func (a *Activities) OpenTask(ctx context.Context, in datarequest.OpenInput) (datarequest.Opened, error) {
	p, ok := a.Plan.Partner(in.Task.Partner)
	if !ok {
		return datarequest.Opened{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("partner %q is not in plan %s", in.Task.Partner, a.Plan.ID), "UnknownPartner", nil)
	}
	for _, area := range in.Task.Areas {
		if _, ok := a.Plan.Area(area); !ok {
			return datarequest.Opened{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("area %q is not in plan %s", area, a.Plan.ID), "UnknownArea", nil)
		}
	}
	contact := in.Contact
	if contact == "" {
		contact = p.Email
	}
	if _, err := a.Store.Save(ctx, in.Task); err != nil {
		return datarequest.Opened{}, err
	}
	return datarequest.Opened{Contact: contact, TimeZone: a.Plan.Location().String()}, nil
}

// SaveTask writes the task's state to the read model (never an older one
// over a newer).
func (a *Activities) SaveTask(ctx context.Context, t datarequest.Task) error {
	_, err := a.Store.Save(ctx, t)
	return err
}

// SendNotice composes and sends one e-mail. Links carry the partner's
// portal token, which this activity issues or reuses itself so that the
// token never enters the workflow's history.
func (a *Activities) SendNotice(ctx context.Context, n datarequest.Notice) error {
	p, ok := a.Plan.Partner(n.Partner)
	if !ok {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("partner %q is not in plan %s", n.Partner, a.Plan.ID), "UnknownPartner", nil)
	}
	to := n.To
	var taskURL, listURL string
	switch n.Kind {
	case datarequest.NoticeEscalation:
		sec, err := a.secretariat()
		if err != nil {
			return err
		}
		to = sec
	case datarequest.NoticeInvite, datarequest.NoticeReminder, datarequest.NoticeExtension, datarequest.NoticeReassigned:
		issued, err := a.Tokens.Ensure(ctx, n.Partner)
		if err != nil {
			return err
		}
		listURL = PortalURL(a.PublicURL, issued.Token)
		taskURL = TaskURL(a.PublicURL, issued.Token, n.RequestID)
	}
	if to == "" {
		return temporal.NewNonRetryableApplicationError("notice "+n.Key+" has no recipient", "NoRecipient", nil)
	}
	n.Shown = shownWithNames(a.Plan, n.Shown)
	subject, text := datarequest.Compose(n, p.Name, a.Plan.Name, taskURL, listURL, a.Plan.Location())
	err := a.Mail.Send(ctx, mail.Message{Key: n.Key, To: []string{to}, Subject: subject, Text: text})
	if err != nil && strings.Contains(err.Error(), "recipient") {
		// A malformed address will not heal on retry.
		return temporal.NewNonRetryableApplicationError(err.Error(), "BadRecipient", err)
	}
	return err
}

// shownWithNames is shown with each per-area line's area id replaced by
// the plan's name for it.
func shownWithNames(p *plan.Plan, shown []datarequest.Shown) []datarequest.Shown {
	out := make([]datarequest.Shown, len(shown))
	for i, s := range shown {
		name := ""
		if ar, ok := p.Area(s.Area); ok {
			name = ar.Name
		}
		out[i] = s.AreaName(name)
	}
	return out
}

// secretariat is the address escalations go to: the steering group's
// secretariat partner, else the plan's partner of kind secretariat.
func (a *Activities) secretariat() (string, error) {
	if id := a.Plan.Governance.SteeringGroup.Secretariat; id != "" {
		if p, ok := a.Plan.Partner(id); ok && p.Email != "" {
			return p.Email, nil
		}
	}
	for _, p := range a.Plan.Partners {
		if p.Kind == plan.KindSecretariat && p.Email != "" {
			return p.Email, nil
		}
	}
	return "", temporal.NewNonRetryableApplicationError("plan "+a.Plan.ID+" names no secretariat to escalate to", "NoSecretariat", errors.New("no secretariat"))
}

// PortalURL is a partner's overview page.
func PortalURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/portal/t/" + token
}

// TaskURL is a task's page in the portal.
func TaskURL(base, token, requestID string) string {
	return PortalURL(base, token) + "/opgave/" + url.PathEscape(requestID)
}
