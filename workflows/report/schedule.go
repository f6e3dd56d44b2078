package report

import (
	"time"

	"helhed/plan"
	"helhed/schedules"
)

// Schedules is the yearly report: one occurrence per plan year, six weeks
// before the autumn board meeting of the next plan year, which approves it
// (06:00), or 1 October after the plan year ends when the plan has no such
// meeting.
func Schedules(p *plan.Plan) ([]schedules.Spec, error) {
	loc := p.Location()
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleAnnualReport), Cycle: schedules.CycleAnnualReport, Title: "Årsrapport"}
	autumn := map[string]plan.Date{}
	for _, m := range p.BoardMeetings() {
		if m.Kind == plan.MeetingAutumn {
			autumn[m.Year] = m.Date
		}
	}
	years := p.PlanYears()
	for i, y := range years {
		at := time.Date(y.Period.End.Year, time.October, 1, 6, 0, 0, 0, loc)
		if i+1 < len(years) {
			if d, ok := autumn[years[i+1].Label]; ok {
				at = d.AddDays(-42).In(loc).Add(6 * time.Hour)
			}
		}
		in := Input{PlanYear: y.Label}
		occ, err := schedules.NewOccurrence(at, time.Time{}, WorkflowName, WorkflowID(in), "Årsrapport "+y.Label, in)
		if err != nil {
			return nil, err
		}
		spec.Occurrences = append(spec.Occurrences, occ)
	}
	return []schedules.Spec{spec}, nil
}
