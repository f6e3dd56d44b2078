package eviction

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"helhed/danish"
	"helhed/mail"
	"helhed/plan"
)

// Activities are the eviction cases' side effects. Register them with the
// name prefix "eviction." (Module.Register does).
type Activities struct {
	Plan  *plan.Plan
	Model *ReadModel
	Inbox *Inbox // nil: no inbox pick-up on this worker
}

// ResolveInput names an operator's tenancy as written.
type ResolveInput struct {
	Organisation string `json:"organisation"`
	Department   string `json:"department"`
}

// Resolved is the tenancy's place in the plan.
type Resolved struct {
	PlanID       string `json:"planId"`
	Organisation string `json:"organisation"` // plan id
	Owner        string `json:"owner"`        // the organisation's administrator partner
	Area         string `json:"area"`
}

// Resolve maps an operator's organisation and department to the plan.
// Validation has checked them already; a plan that changed in between
// fails the case without retries.
func (a *Activities) Resolve(_ context.Context, in ResolveInput) (Resolved, error) {
	org, ok := a.Plan.HousingOrganisation(in.Organisation)
	if !ok {
		return Resolved{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("organisation %q is not in plan %s", in.Organisation, a.Plan.ID), "UnknownOrganisation", nil)
	}
	area, ok := a.Plan.AreaForDepartment(org.ID, in.Department)
	if !ok {
		return Resolved{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("department %q of %s is in none of plan %s's areas", in.Department, org.ID, a.Plan.ID), "UnknownDepartment", nil)
	}
	return Resolved{PlanID: a.Plan.ID, Organisation: org.ID, Owner: org.Administrator, Area: area.ID}, nil
}

// Publish writes a case's view and its facts to the read model. Writes
// carry the case's sequence number, so a retry or a late duplicate is a
// no-op.
func (a *Activities) Publish(ctx context.Context, v View) error {
	_, err := a.Model.Put(ctx, v, Facts(v, a.Plan))
	return err
}

// NoticeInput is what the kommune notice says. It holds the contact, so
// it travels only in encrypted payloads.
type NoticeInput struct {
	CaseID        string    `json:"caseId"`
	TenancyID     string    `json:"tenancyId"`
	PlanID        string    `json:"planId"`
	Organisation  string    `json:"organisation"`
	Department    string    `json:"department"`
	Area          string    `json:"area"`
	TenancyNumber string    `json:"tenancyNumber"`
	Contact       Contact   `json:"contact"`
	Amount        Money     `json:"amount"`
	DueDate       plan.Date `json:"dueDate"`
	DemandSentOn  plan.Date `json:"demandSentOn"`
	Deadline      plan.Date `json:"deadline"`
	TerminatedOn  plan.Date `json:"terminatedOn"`
}

// NoticeKey is the idempotency key of a case's § 92 notice: pseudonymous.
func NoticeKey(tenancyID, caseID string) string {
	return Kind + "/" + tenancyID + "/" + caseID + "/kommune-92"
}

// KommuneNotice composes the written notice to the kommune under
// almenlejeloven § 92, in Danish, addressed to the plan's kommune contact
// for eviction prevention (see KommuneContact). The shared mail activity
// sends it.
func (a *Activities) KommuneNotice(_ context.Context, in NoticeInput) (mail.Message, error) {
	to, ok := KommuneContact(a.Plan)
	if !ok {
		return mail.Message{}, temporal.NewNonRetryableApplicationError("the plan names no municipal partner to notify", "NoKommuneContact", nil)
	}
	orgName := in.Organisation
	if o, ok := a.Plan.HousingOrganisation(in.Organisation); ok {
		orgName = o.Name
	}
	areaName := in.Area
	if ar, ok := a.Plan.Area(in.Area); ok {
		areaName = ar.Name
	}
	date := func(d plan.Date) string { // dd-mm-yyyy, "-" when not set
		if d.IsZero() {
			return "-"
		}
		return danish.ShortDate(d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Til %s\n\n", to.Name)
	b.WriteString("Efter almenlejelovens § 92 underretter vi hermed kommunen om, at nedenstående lejemål er ophævet " +
		"på grund af manglende betaling, og at udlejer kan indgive begæring om udsættelse til fogedretten.\n\n")
	rows := [][2]string{
		{"Boligorganisation", orgName},
		{"Afdeling", in.Department + " (" + areaName + ")"},
		{"Lejemålsnummer", in.TenancyNumber},
		{"Lejer", in.Contact.Name},
		{"Adresse", in.Contact.Address},
		{"Restance", in.Amount.String()},
		{"Forfaldsdato", date(in.DueDate)},
		{"Påkrav sendt", date(in.DemandSentOn)},
		{"Betalingsfrist", date(in.Deadline)},
		{"Ophævet", date(in.TerminatedOn)},
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "%-18s %s\n", r[0]+":", r[1])
	}
	fmt.Fprintf(&b, "\nSagen følges i helhedsplanens forebyggelse af udsættelser (sag %s).\n\nMed venlig hilsen\n%s\nForebyggelse af udsættelser\n", in.CaseID, a.Plan.Name)
	return mail.Message{
		Key:     NoticeKey(in.TenancyID, in.CaseID),
		To:      []string{to.Email},
		Subject: fmt.Sprintf("Underretning efter almenlejelovens § 92: ophævelse af lejemål, %s afd. %s", orgName, in.Department),
		Text:    b.String(),
	}, nil
}

// KommuneContact is the municipal partner that receives § 92 notices: the
// first municipal partner responsible for (then contributing to) the
// plan's eviction-prevention activity, else the plan's first municipal
// partner.
func KommuneContact(p *plan.Plan) (plan.Partner, bool) {
	for _, act := range p.Activities {
		if !evictionActivity(act) {
			continue
		}
		for _, id := range append(append([]string(nil), act.Responsible...), act.Contributors...) {
			if x, ok := p.Partner(id); ok && x.Kind == plan.KindMunicipal {
				return x, true
			}
		}
	}
	for _, x := range p.Partners {
		if x.Kind == plan.KindMunicipal {
			return x, true
		}
	}
	return plan.Partner{}, false
}

// evictionActivity recognises the plan's eviction-prevention activity by
// its at-risk-tenants target.
func evictionActivity(a plan.Activity) bool {
	for _, t := range a.Targets {
		if t.Metric == "udsaettelsestruede-beboere" {
			return true
		}
	}
	return false
}

// ScanInbox imports the arrears lists waiting in $DATA_DIR/inbox.
func (a *Activities) ScanInbox(ctx context.Context) (InboxReport, error) {
	if a.Inbox == nil {
		return InboxReport{}, nil
	}
	return a.Inbox.Scan(ctx)
}
