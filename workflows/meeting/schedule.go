package meeting

import (
	"helhed/plan"
	"helhed/schedules"
)

// ScheduleSpecs is the meeting-round schedule: one occurrence per autumn
// and spring board meeting and per summer meeting, firing when the round
// opens (OpenWeekdays before the steering group meets, at StepHour) and
// stale once the steering group has met.
func ScheduleSpecs(p *plan.Plan) ([]schedules.Spec, error) {
	loc := p.Location()
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleMeetingRound), Cycle: schedules.CycleMeetingRound,
		Title: "Mødeforløb: styregruppe og bestyrelse"}
	for _, m := range p.SteeringGroupMeetings() {
		var in Input
		var tl Timeline
		if m.Kind == plan.MeetingSummer {
			in, tl = Input{Plan: p.ID, SummerDate: m.Date.String()}, DeriveSummer(m.Date)
		} else {
			in, tl = Input{Plan: p.ID, BoardDate: m.ForBoard.String()}, Derive(m.ForBoard, p.Governance.SteeringGroup.OffsetDays)
		}
		o, err := schedules.NewOccurrence(
			schedules.LocalAt(tl.Open, StepHour, 0, loc), schedules.LocalAt(tl.Steering, 0, 0, loc),
			WorkflowName, WorkflowID(in), "Mødeforløb "+in.Key(), in)
		if err != nil {
			return nil, err
		}
		spec.Occurrences = append(spec.Occurrences, o)
	}
	if len(spec.Occurrences) == 0 {
		return nil, nil
	}
	return []schedules.Spec{spec}, nil
}
