package datarequest_test

import (
	"testing"
	"time"

	"helhed/plan"
	"helhed/workflows/datarequest"
)

var cph = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	return loc
}()

func eventDates(evs []datarequest.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.At.In(cph).Format("2006-01-02 15:04")+" "+e.Kind)
	}
	return out
}

func sameList(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("at %d got %q want %q\n(all: %v)", i, got[i], want[i], got)
		}
	}
}

// Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter
// Monday 6 April. Due Tuesday 7 April.
func TestScheduleAcrossEaster(t *testing.T) {
	got := eventDates(datarequest.Schedule(plan.NewDate(2026, 4, 7), datarequest.DefaultReminders(), cph))
	sameList(t, got, []string{
		"2026-03-30 08:00 reminder",   // 3 weekdays before: 1 Apr, 31 Mar, 30 Mar
		"2026-04-07 08:00 reminder",   // on the due date
		"2026-04-09 08:00 reminder",   // 2 weekdays after: 8, 9 Apr
		"2026-04-14 08:00 escalation", // 5 weekdays after: 8, 9, 10, 13, 14 Apr
	})
}

// A due date on a Saturday: the on-due reminder goes the Friday before;
// counting after it starts on Monday.
func TestScheduleDueOnWeekend(t *testing.T) {
	got := eventDates(datarequest.Schedule(plan.NewDate(2026, 6, 13), datarequest.DefaultReminders(), cph))
	sameList(t, got, []string{
		"2026-06-10 08:00 reminder",
		"2026-06-12 08:00 reminder",
		"2026-06-16 08:00 reminder",
		"2026-06-19 08:00 escalation",
	})
}

func TestScheduleCustomPolicyMergesDays(t *testing.T) {
	p := datarequest.ReminderPolicy{BeforeDue: []int{5, 1}, OnDue: true, AfterDue: []int{1, 1}}
	got := eventDates(datarequest.Schedule(plan.NewDate(2026, 4, 7), p, cph))
	sameList(t, got, []string{
		"2026-03-26 08:00 reminder", // 5 weekdays before: 1 Apr, 31, 30, 27, 26 Mar
		"2026-04-01 08:00 reminder", // 1 weekday before: Wednesday before Easter
		"2026-04-07 08:00 reminder",
		"2026-04-08 08:00 reminder", // two rules on one day send one reminder
	})
}
