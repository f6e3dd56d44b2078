package statistics

import (
	"time"

	"helhed/plan"
	"helhed/schedules"
)

// DataYear is the register year a plan year's pull describes: the
// calendar year the plan year starts in. The § 61 a two-year averages use
// it and the year before.
func DataYear(py plan.PlanYear) int { return py.Period.Start.Year }

// ListDate is the 1 December on which the minister publishes the lists
// (almenboligloven § 61 a, stk. 5) that a pull's data years lead to: the
// year after the data year. The early warning speaks of that list.
func ListDate(dataYear int) plan.Date { return plan.NewDate(dataYear+1, time.December, 1) }

// pullDay is when in the list year the pull starts: 15 August, after the
// plan year (July-June) has ended and with three months left before the
// list for the monitoring unit's 15 weekdays, the reminders and the
// escalation (about 25 weekdays in all).
const (
	pullMonth = time.August
	pullDay   = 15
	pullHour  = 6
)

// PullAt is when the yearly pull for py starts: 15 August of the list
// year, or the day after the plan year ends if that is later (a plan year
// that does not end in June).
func PullAt(p *plan.Plan, py plan.PlanYear) time.Time {
	list := ListDate(DataYear(py))
	d := plan.NewDate(list.Year, pullMonth, pullDay)
	if after := py.Period.End.AddDays(1); d.Before(after) {
		d = after
	}
	return p.Midnight(d).Add(pullHour * time.Hour)
}

// Schedules is the yearly pull: one occurrence per plan year (PullAt).
func Schedules(p *plan.Plan) ([]schedules.Spec, error) {
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleStatisticsPull), Cycle: schedules.CycleStatisticsPull,
		Title: "Årligt statistikudtræk"}
	for _, y := range p.PlanYears() {
		in := Input{PlanYear: y.Label}
		occ, err := schedules.NewOccurrence(PullAt(p, y), time.Time{}, WorkflowName, WorkflowID(in), "Statistikudtræk "+y.Label, in)
		if err != nil {
			return nil, err
		}
		spec.Occurrences = append(spec.Occurrences, occ)
	}
	return []schedules.Spec{spec}, nil
}
