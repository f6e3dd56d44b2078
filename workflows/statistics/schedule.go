package statistics

import (
	"time"

	"helhed/plan"
	"helhed/schedules"
)

// Schedules is the yearly pull: one occurrence per plan year, on 15 August
// (06:00) after the plan year ends.
func Schedules(p *plan.Plan) ([]schedules.Spec, error) {
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleStatisticsPull), Cycle: schedules.CycleStatisticsPull,
		Title: "Årligt statistikudtræk"}
	for _, y := range p.PlanYears() {
		at := time.Date(y.Period.End.Year, time.August, 15, 6, 0, 0, 0, p.Location())
		in := Input{PlanYear: y.Label}
		occ, err := schedules.NewOccurrence(at, time.Time{}, WorkflowName, WorkflowID(in), "Statistikudtræk "+y.Label, in)
		if err != nil {
			return nil, err
		}
		spec.Occurrences = append(spec.Occurrences, occ)
	}
	return []schedules.Spec{spec}, nil
}
