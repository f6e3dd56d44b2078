package meeting

import (
	"time"

	"helhed/plan"
	"helhed/runs"
)

// RunKind describes the meeting round to the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     Kind,
		Workflow: WorkflowName,
		Title:    "Mødeforløb (styregruppe og bestyrelse)",
		Description: "Ét forløb pr. bestyrelsesmøde: dataanmodninger til styregruppens medlemmer og monitoreringsenheden, " +
			"fremdriftsrapport og dagsorden, invitationer, styregruppens indstillinger og bestyrelsens beslutninger. " +
			"Sommermødet kører samme forløb uden bestyrelse.",
		NewInput: func() any { return &Input{} },
		Validate: func(p *plan.Plan, input any) error {
			in := input.(*Input)
			if fe := in.Check(p, p.DateOf(time.Now()), true); fe != nil {
				return fe
			}
			return nil
		},
		WorkflowID: func(input any) string { return WorkflowID(*input.(*Input)) },
		Updates: []runs.Update{
			{Name: UpdateMoveBoard, Title: "Flyt bestyrelsesmødet",
				Description: "Flytter bestyrelsesmødet; styregruppens møde, frister, påmindelser og invitationer, der endnu ikke er passeret, flyttes med.",
				NewArg:      func() any { return &MoveBoard{} }},
			{Name: UpdateRecordRecommendations, Title: "Registrér styregruppens indstillinger",
				Description: "Indstillingerne kommer med i bestyrelsens mødemateriale.", NewArg: func() any { return &Record{} }},
			{Name: UpdateRecordDecisions, Title: "Registrér bestyrelsens beslutninger",
				Description: "Afslutter forløbet med et referat.", NewArg: func() any { return &Record{} }},
		},
		StateQuery:  QueryState,
		StageTitles: StageTitles,
		Example:     func(p *plan.Plan) any { return Example(p, p.DateOf(time.Now())) },
	}
}

// Example is a valid input: the first board meeting whose steering-group
// meeting is not before today (or the last one, if all have passed).
func Example(p *plan.Plan, today plan.Date) Input {
	var last Input
	for _, m := range p.BoardMeetings() {
		if m.Kind != plan.MeetingAutumn && m.Kind != plan.MeetingSpring {
			continue
		}
		last = Input{Plan: p.ID, BoardDate: m.Date.String()}
		if !Derive(m.Date, p.Governance.SteeringGroup.OffsetDays).Steering.Before(today) {
			return last
		}
	}
	return last
}
