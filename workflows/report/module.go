package report

import (
	"time"

	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows/statistics"
)

// StatisticsSchedules is the yearly statistics pull; ReportSchedules the
// yearly annual report.
var (
	StatisticsSchedules = scheduleSpecs(schedules.CycleStatisticsPull)
	ReportSchedules     = scheduleSpecs(schedules.CycleAnnualReport)
)

// scheduleSpecs are the yearly occurrences: the pull on 15 August after a
// plan year ends (06:00), the report six weeks before the autumn board
// meeting that approves it (1 October when the plan has no such meeting).
func scheduleSpecs(cycle string) schedules.Source {
	return func(p *plan.Plan) ([]schedules.Spec, error) {
		loc := p.Location()
		spec := schedules.Spec{ID: schedules.ID(p.ID, cycle), Cycle: cycle}
		autumn := map[string]plan.Date{}
		for _, m := range p.BoardMeetings() {
			if m.Kind == plan.MeetingAutumn {
				autumn[m.Year] = m.Date
			}
		}
		years := p.PlanYears()
		for i, y := range years {
			var at time.Time
			var occ schedules.Occurrence
			var err error
			end := y.Period.End
			switch cycle {
			case schedules.CycleStatisticsPull:
				spec.Title = "Årligt statistikudtræk"
				at = time.Date(end.Year, time.August, 15, 6, 0, 0, 0, loc)
				in := statistics.Input{PlanYear: y.Label}
				occ, err = schedules.NewOccurrence(at, time.Time{}, statistics.WorkflowName, statistics.WorkflowID(in), "Statistikudtræk "+y.Label, in)
			default:
				spec.Title = "Årsrapport"
				at = time.Date(end.Year, time.October, 1, 6, 0, 0, 0, loc)
				if i+1 < len(years) {
					if d, ok := autumn[years[i+1].Label]; ok {
						at = d.AddDays(-42).In(loc).Add(6 * time.Hour)
					}
				}
				in := Input{PlanYear: y.Label}
				occ, err = schedules.NewOccurrence(at, time.Time{}, WorkflowName, WorkflowID(in), "Årsrapport "+y.Label, in)
			}
			if err != nil {
				return nil, err
			}
			spec.Occurrences = append(spec.Occurrences, occ)
		}
		return []schedules.Spec{spec}, nil
	}
}
