package crisis

import (
	"time"

	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/crisis"
)

// RunKind describes CrisisActivation for the run layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     crisis.Kind,
		Workflow: crisis.WorkflowName,
		Title:    "Aktivering af beredskabsplanen",
		Description: "Efter ildspåsættelse, hærværk, overfald, skyderi, chikane, slåskampe eller trusler mod medarbejdere: " +
			"krisegruppen underrettes straks, sekretariatslederen indkalder til møde, og SSP-aktivering, " +
			"beboerinformation og evaluering følges op.",
		NewInput:    func() any { return new(crisis.Input) },
		Validate:    func(p *plan.Plan, in any) error { return crisis.Validate(p, in.(*crisis.Input), time.Now()) },
		WorkflowID:  func(in any) string { return crisis.WorkflowID(*in.(*crisis.Input)) },
		StateQuery:  crisis.QueryState,
		Example:     func(p *plan.Plan) any { return crisis.Example(p, time.Now()) },
		Choices:     choices,
		StageTitles: crisis.StageTitles,
		Updates: []runs.Update{
			{Name: crisis.UpdateConfirmMeeting, Title: "Bekræft mødetidspunkt", NewArg: func() any { return new(crisis.MeetingTime) },
				Description: "Sekretariatslederen bekræfter tid og sted for mødet i beredskabets styregruppe; indkaldelsen sendes."},
			{Name: crisis.UpdateMoveMeeting, Title: "Flyt mødet", NewArg: func() any { return new(crisis.MeetingTime) },
				Description: "Ny tid eller nyt sted; en ændret indkaldelse sendes."},
			{Name: crisis.UpdateSSP, Title: "Registrér SSP-aktivering", NewArg: func() any { return new(crisis.SSPDecision) },
				Description: "Er SSP-netværket aktiveret – eller var det ikke nødvendigt?"},
			{Name: crisis.UpdateResidentInfo, Title: "Registrér aftalt beboerinformation", NewArg: func() any { return new(crisis.ResidentInfo) },
				Description: "Hvad styregruppen aftalte at fortælle beboerne og afdelingsbestyrelserne."},
			{Name: crisis.UpdateApproveInfo, Title: "Godkend og send beboerinformation", NewArg: func() any { return new(crisis.Approval) },
				Description: "Den aftalte tekst sendes til boligorganisationerne og sekretariatet, som videregiver den."},
			{Name: crisis.UpdateClose, Title: "Afslut aktiveringen", NewArg: func() any { return new(crisis.Closing) },
				Description: "Styregruppen beslutter, om indsatsen skal evalueres."},
			{Name: crisis.UpdateEvaluation, Title: "Registrér evaluering", NewArg: func() any { return new(crisis.Evaluation) }},
			{Name: crisis.UpdateCancel, Title: "Annullér aktiveringen", NewArg: func() any { return new(crisis.Cancellation) },
				Description: "Fx ved falsk alarm. Krisegruppen får besked."},
		},
		// Activated again after a cancel (same area, day and incident): a new run.
		Rerun: runs.RerunAllowed,
		Roles: []runs.Role{runs.RoleKrisegruppe},
	}
}

// choices feed the start form's drop-downs.
func choices(p *plan.Plan) map[string][]runs.Choice {
	var by, inc, areas []runs.Choice
	for _, r := range p.Governance.Crisis.Roles {
		by = append(by, runs.Choice{Value: r.ID, Label: r.Title})
	}
	for _, x := range p.Partners {
		if x.Kind == plan.KindPolice {
			by = append(by, runs.Choice{Value: x.ID, Label: x.Name})
		}
	}
	for _, i := range crisis.Incidents {
		inc = append(inc, runs.Choice{Value: i.Type, Label: i.Title})
	}
	for _, a := range p.Areas {
		areas = append(areas, runs.Choice{Value: a.ID, Label: a.Name})
	}
	return map[string][]runs.Choice{"activatedBy": by, "incident": inc, "area": areas}
}
