package eviction

import (
	"fmt"
	"strings"
	"time"

	"helhed/arrears"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
)

// kindDeps are what runs.Kind's functions need but are not given: the
// process's pseudonym hasher and plan, stored by Module.Register.
type kindDeps struct {
	hasher *pseudonym.Hasher
	plan   *plan.Plan
}

// inputFields maps the arrears list's columns to the Input's JSON fields.
var inputFields = map[string]string{
	arrears.ColTenancy: "tenancyNumber", arrears.ColOrganisation: "organisation", arrears.ColDepartment: "department",
	arrears.ColName: "contact.name", arrears.ColAddress: "contact.address", arrears.ColPhone: "contact.phone",
	arrears.ColArrears: "arrears", arrears.ColDueDate: "dueDate", arrears.ColReminders: "reminders",
}

// Kinds is RunKind as the list app/modules.go takes.
func Kinds() []runs.Kind { return []runs.Kind{RunKind()} }

// StageTitles are the stages' Danish names.
var StageTitles = map[string]string{
	string(StageArrears):     "Restance",
	string(StageOutreach):    "Opsøgende kontakt",
	string(StageCounselling): "Økonomisk rådgivning",
	string(StagePaymentPlan): "Afdragsordning",
	string(StageResolved):    "Afsluttet: restancen betalt",
	string(StageEscalated):   "Juridisk forløb",
}

// OutreachTitles are the outreach outcomes' Danish names.
var OutreachTitles = map[string]string{ContactMade: "Kontakt opnået", NotReached: "Ikke truffet"}

// OutcomeTitles are the case outcomes' Danish names.
var OutcomeTitles = map[string]string{OutcomeAverted: "Afværget", OutcomeEvicted: "Udsat (effektiv udsættelse)"}

// RunKind is the eviction-case kind for the runs layer: an operator opens
// a case for a tenancy that is not on a list (yet).
func RunKind() runs.Kind {
	return runs.Kind{
		Name:        Kind,
		Workflow:    WorkflowName,
		Title:       "Forebyggelse af udsættelse",
		Description: "En sag pr. lejemål i restance: opsøgende kontakt, økonomisk rådgivning, afdragsordning – eller påkrav, ophævelse og fogedret med underretning af kommunen (almenlejeloven § 92).",
		NewInput:    func() any { return &CaseInput{} },
		Validate:    validateInput,
		WorkflowID:  kindWorkflowID,
		Updates: []runs.Update{
			{Name: UpdateOutreach, Title: "Opsøgende kontakt", Description: "Kontakt opnået (contact_made) eller ikke truffet (not_reached).", NewArg: func() any { return &OutreachArg{} },
				Choices: outcomeChoices(OutreachTitles, ContactMade, NotReached)},
			{Name: UpdatePaymentPlan, Title: "Afdragsordning", Description: "Aftalt afdragsordning med rater (forfaldsdato og beløb).", NewArg: func() any { return &PaymentPlanArg{} }},
			{Name: UpdatePayment, Title: "Indbetaling", Description: "Registrér en indbetaling.", NewArg: func() any { return &PaymentArg{} }},
			{Name: UpdateEscalate, Title: "Eskalér", Description: "Start det juridiske forløb (påkrav).", NewArg: func() any { return &EscalateArg{} }},
			{Name: UpdateDemand, Title: "Påkrav sendt", Description: "Tidligst 3 hverdage efter forfaldsdagen; 14 dages betalingsfrist.", NewArg: func() any { return &DateArg{} }},
			{Name: UpdateTerminate, Title: "Ophævelse", Description: "Lejemålet ophævet efter betalingsfristen; kommunen underrettes skriftligt.", NewArg: func() any { return &DateArg{} }},
			{Name: UpdateCourt, Title: "Begæring til fogedretten", Description: "Kræver at kommunen er underrettet.", NewArg: func() any { return &DateArg{} }},
			{Name: UpdateOutcome, Title: "Udfald", Description: "Udsættelse afværget (averted) eller gennemført (evicted).", NewArg: func() any { return &OutcomeArg{} },
				Choices: outcomeChoices(OutcomeTitles, OutcomeAverted, OutcomeEvicted)},
			{Name: UpdateResolve, Title: "Restance indfriet", Description: "Luk sagen: restancen er betalt.", NewArg: func() any { return &ResolveArg{} }},
		},
		StateQuery:  QueryState,
		Example:     Example,
		Choices:     choices,
		StageTitles: StageTitles,
	}
}

// Example is a valid operator case for the plan: its first department.
// The contact is made up.
func Example(p *plan.Plan) any {
	in := &CaseInput{TenancyNumber: "EKS-0001", Arrears: arrears.Kroner(5000), Reminders: 1,
		Contact: Contact{Name: "Eksempel Lejer", Address: "Eksempelvej 1, 8930 Randers NØ", Phone: "12 34 56 78"}}
	if len(p.Departments) > 0 {
		in.Organisation, in.Department = p.Departments[0].Organisation, p.Departments[0].Number
	}
	today := plan.DateOf(time.Now().In(zone))
	in.DueDate = plan.NewDate(today.Year, today.Month, 1)
	return in
}

// choices offers the plan's housing organisations.
func choices(p *plan.Plan) map[string][]runs.Choice {
	var orgs []runs.Choice
	for _, o := range p.HousingOrganisations {
		orgs = append(orgs, runs.Choice{Value: o.ID, Label: o.Name})
	}
	return map[string][]runs.Choice{"organisation": orgs}
}

func outcomeChoices(titles map[string]string, values ...string) func(*plan.Plan) map[string][]runs.Choice {
	return func(*plan.Plan) map[string][]runs.Choice {
		var cs []runs.Choice
		for _, v := range values {
			cs = append(cs, runs.Choice{Value: v, Label: titles[v]})
		}
		return map[string][]runs.Choice{"outcome": cs}
	}
}

// validateInput checks an operator's case against the plan, names the
// JSON field at fault, and normalises the organisation to its plan id and
// the tenancy number, so WorkflowID hashes the same key as the importer.
func validateInput(p *plan.Plan, input any) error {
	in, ok := input.(*CaseInput)
	if !ok {
		return &fielderr.Error{Field: "", Message: "ikke et input til en udsættelsessag"}
	}
	// CPR first, in a fixed order, before any message could quote a value.
	for _, f := range []struct{ field, v string }{
		{"organisation", in.Organisation}, {"department", in.Department}, {"tenancyNumber", in.TenancyNumber},
		{"contact.name", in.Contact.Name}, {"contact.address", in.Contact.Address}, {"contact.phone", in.Contact.Phone},
	} {
		if arrears.LooksLikeCPR(f.v) {
			return &fielderr.Error{Field: f.field, Message: "ligner et CPR-nummer; CPR-numre må ikke indtastes"}
		}
	}
	number := arrears.NormaliseTenancyNumber(in.TenancyNumber)
	orgID, _, problems := arrears.CheckTenancy(p, in.Organisation, in.Department, number)
	problems = append(problems, arrears.CheckContact(in.Contact)...)
	if pr := arrears.CheckArrears(in.Arrears); pr != nil {
		problems = append(problems, *pr)
	}
	// An operator's case has no list date: the due date must be set and
	// not in the future.
	if pr := arrears.CheckDueDate(in.DueDate, plan.Date{}); pr != nil {
		problems = append(problems, *pr)
	} else if today := plan.DateOf(time.Now().In(zone)); in.DueDate.After(today) {
		problems = append(problems, arrears.Problem{Column: arrears.ColDueDate,
			Message: fmt.Sprintf("%s %s ligger i fremtiden", arrears.ColDueDate, in.DueDate)})
	}
	if in.Reminders < 0 {
		problems = append(problems, arrears.Problem{Column: arrears.ColReminders, Message: arrears.ColReminders + " skal være 0 eller mere"})
	}
	if len(problems) > 0 {
		pr := problems[0]
		field := inputFields[pr.Column]
		return &fielderr.Error{Field: field, Message: strings.Replace(pr.Message, pr.Column, field, 1)}
	}
	in.Organisation, in.TenancyNumber = orgID, number
	return nil
}

// kindWorkflowID is the case's workflow ID from the operator's input; it
// resolves the organisation itself, so it does not depend on Validate
// having run.
func kindWorkflowID(input any) string {
	in, ok := input.(*CaseInput)
	d := kindDepsFor()
	if !ok || d.hasher == nil {
		return ""
	}
	org := in.Organisation
	if o, ok := d.plan.HousingOrganisation(org); ok {
		org = o.ID
	}
	return WorkflowID(arrears.TenancyID(d.hasher, org, in.TenancyNumber))
}
