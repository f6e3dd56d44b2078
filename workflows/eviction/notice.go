package eviction

import (
	"fmt"
	"strings"

	"helhed/danish"
	"helhed/mail"
	"helhed/plan"
)

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

// NoticeMessage is the written notice to the kommune under almenlejeloven
// § 92, in Danish, addressed to to (the plan's KommuneContact). The
// KommuneNotice activity composes it from the plan; the shared mail
// activity sends it.
func NoticeMessage(p *plan.Plan, to plan.Partner, in NoticeInput) mail.Message {
	orgName := in.Organisation
	if o, ok := p.HousingOrganisation(in.Organisation); ok {
		orgName = o.Name
	}
	areaName := in.Area
	if ar, ok := p.Area(in.Area); ok {
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
	fmt.Fprintf(&b, "\nSagen følges i helhedsplanens forebyggelse af udsættelser (sag %s).\n\nMed venlig hilsen\n%s\nForebyggelse af udsættelser\n", in.CaseID, p.Name)
	return mail.Message{
		Key:     NoticeKey(in.TenancyID, in.CaseID),
		To:      []string{to.Email},
		Subject: fmt.Sprintf("Underretning efter almenlejelovens § 92: ophævelse af lejemål, %s afd. %s", orgName, in.Department),
		Text:    b.String(),
	}
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
