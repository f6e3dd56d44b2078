package absence

import (
	"helhed/plan"
	"helhed/schedules"
	"helhed/workdays"
)

// FireWeekdays: a quarter's round starts this many weekdays after it ends,
// at FireHour, when the schools have closed their registrations.
const (
	FireWeekdays = 3
	FireHour     = 8
)

// ScheduleSpecs is the absence schedule: one occurrence per calendar
// quarter overlapping the plan period, stale once the next one fires.
func ScheduleSpecs(p *plan.Plan) ([]schedules.Spec, error) {
	loc := p.Location()
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleAbsenceFollowUp), Cycle: schedules.CycleAbsenceFollowUp,
		Title: "Kvartalsvis opfølgning på elevfravær"}
	fire := func(q Quarter) plan.Date { return workdays.Add(q.End(), FireWeekdays) }
	last := QuarterOf(p.Period.End)
	for q := QuarterOf(p.Period.Start); !q.Start().After(last.Start()); q = q.Next() {
		in := Input{Plan: p.ID, Quarter: q.String()}
		o, err := schedules.NewOccurrence(schedules.LocalAt(fire(q), FireHour, 0, loc), schedules.LocalAt(fire(q.Next()), FireHour, 0, loc),
			WorkflowName, WorkflowID(in), "Fraværsopfølgning "+q.String(), in)
		if err != nil {
			return nil, err
		}
		spec.Occurrences = append(spec.Occurrences, o)
	}
	return []schedules.Spec{spec}, nil
}
