package meeting

import (
	"time"

	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/meeting"
)

// RunKind describes the meeting round to the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     meeting.Kind,
		Workflow: meeting.WorkflowName,
		Title:    "Mødeforløb (styregruppe og bestyrelse)",
		Description: "Ét forløb pr. bestyrelsesmøde: dataanmodninger til styregruppens medlemmer og monitoreringsenheden, " +
			"fremdriftsrapport og dagsorden, invitationer, styregruppens indstillinger og bestyrelsens beslutninger. " +
			"Sommermødet kører samme forløb uden bestyrelse.",
		NewInput: func() any { return &meeting.Input{} },
		Validate: func(p *plan.Plan, input any) error {
			in := input.(*meeting.Input)
			if fe := in.Check(p, p.DateOf(time.Now()), true); fe != nil {
				return fe
			}
			return nil
		},
		WorkflowID: func(input any) string { return meeting.WorkflowID(*input.(*meeting.Input)) },
		Updates: []runs.Update{
			{Name: meeting.UpdateMoveBoard, Title: "Flyt bestyrelsesmødet",
				Description: "Flytter bestyrelsesmødet; styregruppens møde, frister, påmindelser og invitationer, der endnu ikke er passeret, flyttes med. " +
					"En dato, der ikke er et af planens bestyrelsesmøder, kræver en begrundelse. En dato, der ville lukke dataindsamlingen før partnernes frist, " +
					"afvises med den første dato, der virker.",
				NewArg: func() any { return &meeting.MoveBoard{} }},
			{Name: meeting.UpdateReportNow, Title: "Send fremdriftsrapporten nu",
				Description: "Udarbejder og sender dagsorden og fremdriftsrapport til styregruppen nu i stedet for på rapportdagen, med de svar, der er kommet. " +
					"Partnere, der ikke har svaret, får besked om, at de ikke har overskredet fristen. Kræver en begrundelse.",
				NewArg: func() any { return &meeting.ReportNow{} }},
			{Name: meeting.UpdateRecordRecommendations, Title: "Registrér styregruppens indstillinger",
				Description: "Indstillingerne kommer med i bestyrelsens mødemateriale.", NewArg: func() any { return &meeting.Record{} }},
			{Name: meeting.UpdateRecordDecisions, Title: "Registrér bestyrelsens beslutninger",
				Description: "Afslutter forløbet med et referat.", NewArg: func() any { return &meeting.Record{} }},
		},
		StateQuery:  meeting.QueryState,
		StageTitles: meeting.StageTitles,
		Example:     func(p *plan.Plan) any { return example(p, p.DateOf(time.Now())) },
		// A round relaunched after a cancel runs, and invites, again.
		Rerun: runs.RerunAllowed,
	}
}

// example is a valid input: the first board meeting a round may still
// start for today (one that leaves the partners their deadline), or the
// last one, if none may.
func example(p *plan.Plan, today plan.Date) meeting.Input {
	var last meeting.Input
	for _, m := range p.BoardMeetings() {
		if m.Kind != plan.MeetingAutumn && m.Kind != plan.MeetingSpring {
			continue
		}
		last = meeting.Input{Plan: p.ID, BoardDate: m.Date.String()}
		if last.Check(p, today, true) == nil {
			return last
		}
	}
	return last
}
