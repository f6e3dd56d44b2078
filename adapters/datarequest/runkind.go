package datarequest

import (
	"time"

	"helhed/plan"
	"helhed/runs"
	"helhed/workdays"
	"helhed/workflows/datarequest"
)

// RunKind describes the data request to the run layer (operator API,
// starter, operator pages).
func RunKind() runs.Kind {
	return runs.Kind{
		Name:        datarequest.Kind,
		Workflow:    datarequest.WorkflowName,
		Title:       "Dataanmodning",
		Description: "En opgave til en partner: data inden en frist, med påmindelser, eskalering og svar i partnerportalen.",
		NewInput:    func() any { return &datarequest.Input{} },
		Validate: func(p *plan.Plan, input any) error {
			in := input.(*datarequest.Input)
			if err := datarequest.CheckInput(in); err != nil {
				return err
			}
			if err := datarequest.CheckAgainstPlan(p, in, p.DateOf(time.Now())); err != nil {
				return err
			}
			return nil
		},
		WorkflowID: func(input any) string { return datarequest.WorkflowID(input.(*datarequest.Input).RequestID) },
		Updates: []runs.Update{
			{Name: datarequest.UpdateExtend, Title: "Forlæng fristen", Description: "Flyt fristen; påmindelser, der endnu ikke er sendt, flytter med.",
				NewArg: func() any { return &datarequest.Extension{} }},
			{Name: datarequest.UpdateReassign, Title: "Send til en anden kontakt", Description: "Send opgaven til en anden e-mailadresse hos partneren.",
				NewArg: func() any { return &datarequest.Reassignment{} }},
			{Name: datarequest.UpdateCancel, Title: "Annuller", Description: "Afslut opgaven uden data; partneren får besked. Er opgaven besvaret og endnu åben for rettelser, afsluttes den i stedet med det seneste svar.",
				NewArg: func() any { return &datarequest.Cancellation{} }},
			{Name: datarequest.UpdateCorrect, Title: "Ret svaret", Description: "Ret et besvaret svar med en begrundelse (reason) og de rettede værdier (values) eller rækker (rows); også efter fristen, indtil opgaven afsluttes. Svaret bliver en ny version, de tidligere gemmes, og partneren får besked med begrundelsen.",
				NewArg: func() any { return &datarequest.Correction{} }},
		},
		StateQuery: datarequest.QueryState,
		StageTitles: map[string]string{
			datarequest.StageOpen: "Åben", datarequest.StageEscalated: "Eskaleret", datarequest.StageAnswered: "Besvaret", datarequest.StageCancelled: "Annulleret",
		},
		Example: Example,
		// A task's deadline is its last day (HelhedDueAt is the end of it,
		// datarequest.Deadline): lists show that day, not the next midnight.
		DueIsDate: true,
		// A request id is used once: partners and the portal know a task by it.
		Rerun: runs.RerunRefused,
	}
}

// Example is a small valid request for the plan: the first partner is
// asked for one number per area of the plan's first two areas, due in
// three weeks (on the next weekday, if that day is a weekend or holiday).
func Example(p *plan.Plan) any {
	var areas []string
	for _, a := range p.Areas {
		if len(areas) < 2 {
			areas = append(areas, a.ID)
		}
	}
	partner := ""
	if len(p.Partners) > 0 {
		partner = p.Partners[0].ID
	}
	today := p.DateOf(time.Now())
	period := ""
	if y, ok := p.YearOf(today); ok {
		period = y.Label
	}
	return &datarequest.Input{
		RequestID:    "eksempel/" + partner + "/" + today.String(),
		Partner:      partner,
		Title:        "Antal deltagere i aktiviteten",
		Instructions: "Oplys antal deltagere i perioden for hvert område.",
		Period:       period,
		Areas:        areas,
		Due:          workdays.OnOrAfter(today.AddDays(21)).String(),
		Fields: []datarequest.Field{
			{Key: "deltagere", Label: "Antal deltagere", Type: datarequest.Integer, Unit: "personer", Required: true, PerArea: true},
			{Key: "bemaerkning", Label: "Bemærkning", Type: datarequest.Text},
		},
		Origin: "operator",
	}
}
