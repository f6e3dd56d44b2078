package eviction

import (
	"time"

	"helhed/arrears"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// RunKind is the eviction-case kind for the runs layer: an operator opens
// a case for a tenancy that is not on a list (yet). Its workflow ID is the
// importer's for the same tenancy, hashed with hasher (nil: the process
// holds no pseudonym key and the kind gives no workflow ID).
func RunKind(p *plan.Plan, hasher *pseudonym.Hasher) runs.Kind {
	return runs.Kind{
		Name:        eviction.Kind,
		Workflow:    eviction.WorkflowName,
		Title:       "Forebyggelse af udsættelse",
		Description: "En sag pr. lejemål i restance: opsøgende kontakt, økonomisk rådgivning, afdragsordning – eller påkrav, ophævelse og fogedret med underretning af kommunen (almenlejeloven § 92).",
		NewInput:    func() any { return &eviction.CaseInput{} },
		Validate:    validateInput,
		WorkflowID:  func(input any) string { return workflowID(p, hasher, input) },
		Updates: []runs.Update{
			{Name: eviction.UpdateOutreach, Title: "Opsøgende kontakt", Description: "Registrér et forsøg på at kontakte lejeren: kontakt opnået eller ikke truffet.", NewArg: func() any { return &eviction.OutreachArg{} },
				Choices: outcomeChoices(eviction.OutreachTitles, eviction.ContactMade, eviction.NotReached)},
			{Name: eviction.UpdatePaymentPlan, Title: "Afdragsordning", Description: "Aftalt afdragsordning med rater (forfaldsdato og beløb). Hver rate vurderes den dag, et påkrav tidligst kunne sendes for den; en misset rate starter det juridiske forløb.", NewArg: func() any { return &eviction.PaymentPlanArg{} }},
			{Name: eviction.UpdatePayment, Title: "Indbetaling", Description: "Registrér en indbetaling.", NewArg: func() any { return &eviction.PaymentArg{} }},
			{Name: eviction.UpdateEscalate, Title: "Eskalér", Description: "Start det juridiske forløb (påkrav).", NewArg: func() any { return &eviction.EscalateArg{} }},
			{Name: eviction.UpdateDemand, Title: "Påkrav sendt", Description: "Påkravet kan tidligst sendes den første hverdag efter 3. hverdag efter sidste rettidige betalingsdag (lørdage tæller som hverdage; søn- og helligdage, grundlovsdag samt 24. og 31. december gør ikke). " +
				"Angiv forsendelsesmåden og modtagelsesdagen, hvis en kvittering viser den: lejeren har 14 hele dage fra modtagelsen. " +
				"Uden kvittering antages modtagelsen efter planens regler (som standard Digital Post samme dag, Quickbrev næste omdelingsdag og almindeligt brev 5. omdelingsdag).",
				NewArg: func() any { return &eviction.DemandArg{} }, Choices: methodChoices},
			{Name: eviction.UpdateTerminate, Title: "Ophævelse", Description: "Lejemålet ophævet, tidligst dagen efter betalingsfristens udløb; kommunen underrettes skriftligt.", NewArg: func() any { return &eviction.DateArg{} }},
			{Name: eviction.UpdateRetryNotice, Title: "Send underretningen til kommunen igen", Description: "Når underretningen efter almenlejelovens § 92 er mislykkedes (mailserveren modtog den ikke, eller planen nævner ingen kommunal partner), sendes den igen, med samme nøgle, så kommunen ikke får den to gange. Begæringen til fogedretten afvises, til underretningen er sendt.",
				NewArg: func() any { return &eviction.RetryNoticeArg{} }},
			{Name: eviction.UpdateCourt, Title: "Begæring til fogedretten", Description: "Kræver at kommunen er underrettet.", NewArg: func() any { return &eviction.DateArg{} }},
			{Name: eviction.UpdateOutcome, Title: "Udfald", Description: "Luk det juridiske forløb: udsættelsen afværget eller gennemført.", NewArg: func() any { return &eviction.OutcomeArg{} },
				Choices: outcomeChoices(eviction.OutcomeTitles, eviction.OutcomeAverted, eviction.OutcomeEvicted)},
			{Name: eviction.UpdateResolve, Title: "Restance indfriet", Description: "Luk sagen: restancen er betalt.", NewArg: func() any { return &eviction.ResolveArg{} }},
		},
		StateQuery:  eviction.QueryState,
		Example:     example,
		Choices:     choices,
		StageTitles: eviction.StageTitles,
		DueIsDate:   true,
		// A case worker opens and steers their housing organisations'
		// cases (the state's "organisation" says a run's).
		Roles:        caseWorkers,
		Organisation: organisation,
	}
}

// caseWorkers may open and steer cases and import arrears lists, beside
// the secretariat.
var caseWorkers = []runs.Role{runs.RoleSagsbehandler}

// organisation is the plan id of the input's housing organisation (an
// unknown one as given, which no case worker's list holds).
func organisation(p *plan.Plan, input any) string {
	in, ok := input.(*eviction.CaseInput)
	if !ok {
		return ""
	}
	if o, ok := p.HousingOrganisation(in.Organisation); ok {
		return o.ID
	}
	return in.Organisation
}

// example is a valid operator case for the plan: its first department.
// The contact is made up.
func example(p *plan.Plan) any {
	in := &eviction.CaseInput{TenancyNumber: "EKS-0001", Arrears: arrears.Kroner(5000), Reminders: 1,
		Contact: eviction.Contact{Name: "Eksempel Lejer", Address: "Eksempelvej 1, 8930 Randers NØ", Phone: "12 34 56 78"}}
	if len(p.Departments) > 0 {
		in.Organisation, in.Department = p.Departments[0].Organisation, p.Departments[0].Number
	}
	today := eviction.DateOf(time.Now())
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

// methodChoices offers the ways a påkrav can be sent.
func methodChoices(*plan.Plan) map[string][]runs.Choice {
	var cs []runs.Choice
	for _, m := range legal.Methods {
		cs = append(cs, runs.Choice{Value: string(m), Label: legal.MethodTitles[m]})
	}
	return map[string][]runs.Choice{"method": cs}
}

// validateInput is eviction.ValidateCaseInput on today's date.
func validateInput(p *plan.Plan, input any) error {
	in, ok := input.(*eviction.CaseInput)
	if !ok {
		return &fielderr.Error{Field: "", Message: "ikke et input til en udsættelsessag"}
	}
	return eviction.ValidateCaseInput(p, in, eviction.DateOf(time.Now()))
}

// workflowID is the case's workflow ID from the operator's input; it
// resolves the organisation itself, so it does not depend on Validate
// having run.
func workflowID(p *plan.Plan, hasher *pseudonym.Hasher, input any) string {
	in, ok := input.(*eviction.CaseInput)
	if !ok || hasher == nil {
		return ""
	}
	return eviction.WorkflowID(arrears.TenancyID(hasher, organisation(p, in), in.TenancyNumber))
}
