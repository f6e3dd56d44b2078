package crisis

import (
	"time"

	"helhed/plan"
	"helhed/schedules"
	"helhed/workdays"
)

// StatusMeetingSchedules derives the status meetings from the plan: the
// plan's status_meetings_per_year in each plan year, the first on the
// first weekday from 1 September (after the summer holidays) at 09:00, the
// others spread evenly over the year. Each stays due until its plan year
// ends. A plan without status meetings gets no schedule.
func StatusMeetingSchedules(p *plan.Plan) ([]schedules.Spec, error) {
	n := p.Governance.Crisis.StatusMeetingsPerYear
	if n <= 0 {
		return nil, nil
	}
	loc := p.Location()
	var occs []schedules.Occurrence
	for _, y := range p.PlanYears() {
		for i := range n {
			first := plan.NewDate(y.Period.Start.Year, time.September, 1)
			d := workdays.OnOrAfter(plan.DateOf(first.In(time.UTC).AddDate(0, i*12/n, 0)))
			if !y.Period.Contains(d) {
				continue
			}
			id := StatusMeetingID(y.Label)
			if n > 1 {
				id += "/" + string(rune('a'+i))
			}
			o, err := schedules.NewOccurrence(schedules.LocalAt(d, 9, 0, loc), p.Midnight(y.Period.End.AddDays(1)),
				StatusMeetingWorkflowName, id, "Årligt statusmøde i beredskabets styregruppe "+y.Label, StatusMeetingInput{Year: y.Label})
			if err != nil {
				return nil, err
			}
			occs = append(occs, o)
		}
	}
	if len(occs) == 0 {
		return nil, nil
	}
	return []schedules.Spec{{
		ID:          schedules.ID(p.ID, schedules.CycleCrisisStatusMeeting),
		Cycle:       schedules.CycleCrisisStatusMeeting,
		Title:       "Beredskabets årlige statusmøde",
		Occurrences: occs,
	}}, nil
}
