package statistics_test

import (
	"testing"
	"time"

	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

// TestPullReadyBeforeTheList checks every plan year's pull: it starts
// after the plan year has ended, and the monitoring unit's deadline with
// its escalation falls well before the 1 December list the early warning
// speaks of.
func TestPullReadyBeforeTheList(t *testing.T) {
	p := statstest.Randers(t)
	specs, err := statistics.Schedules(p)
	if err != nil || len(specs) != 1 {
		t.Fatalf("%v %v", specs, err)
	}
	want := map[string]string{"2021-22": "2022-12-01", "2022-23": "2023-12-01", "2023-24": "2024-12-01", "2024-25": "2025-12-01"}
	for i, y := range p.PlanYears() {
		at := specs[0].Occurrences[i].At
		list := statistics.ListDate(statistics.DataYear(y))
		if list.String() != want[y.Label] {
			t.Errorf("%s: list date %s, want %s", y.Label, list, want[y.Label])
		}
		start := p.DateOf(at)
		if !start.After(y.Period.End) || at.In(p.Location()).Hour() != 6 {
			t.Errorf("%s: pull at %v, before the plan year ends %s", y.Label, at, y.Period.End)
		}
		// Due after the default 15 weekdays, escalated 5 weekdays later.
		escalated := workdays.Add(workdays.Add(start, statistics.DefaultDueWeekdays), datarequest.DefaultReminders().EscalateAfter)
		if left := workdays.Between(escalated, list); left < 40 {
			t.Errorf("%s: pull %s, escalation %s, only %d weekdays before the list %s", y.Label, start, escalated, left, list)
		}
	}
	if got := specs[0].Occurrences[3].At; !got.Equal(time.Date(2025, 8, 15, 6, 0, 0, 0, p.Location())) {
		t.Errorf("2024-25 pull at %v, want 15 August 2025 06:00", got)
	}
}

// TestPullAfterAPlanYearEndingLate: a plan year that ends after 15 August
// pulls the day after it ends.
func TestPullAfterAPlanYearEndingLate(t *testing.T) {
	p := statstest.Randers(t)
	y := plan.PlanYear{Label: "2024-25", Period: plan.Period{Start: plan.NewDate(2024, time.September, 1), End: plan.NewDate(2025, time.August, 31)}}
	if got := statistics.PullAt(p, y); !got.Equal(time.Date(2025, 9, 1, 6, 0, 0, 0, p.Location())) {
		t.Errorf("pull at %v, want 1 September 2025 06:00", got)
	}
}
