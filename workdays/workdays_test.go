package workdays

import (
	"testing"
	"time"

	"helhed/plan"
)

func d(y int, m time.Month, day int) plan.Date { return plan.NewDate(y, m, day) }

func TestHolidaysAndWeekends(t *testing.T) {
	cases := []struct {
		date plan.Date
		want bool
	}{
		{d(2026, 4, 2), false},   // Skærtorsdag
		{d(2026, 4, 3), false},   // Langfredag
		{d(2026, 4, 6), false},   // 2. påskedag
		{d(2026, 4, 7), true},    // Tuesday after Easter
		{d(2023, 5, 5), false},   // Store bededag 2023
		{d(2024, 4, 26), true},   // Store bededag abolished from 2024
		{d(2026, 6, 5), false},   // Grundlovsdag
		{d(2026, 11, 28), false}, // Saturday
		{d(2026, 11, 26), true},  // Thursday
		{d(2026, 12, 25), false},
		{d(2026, 12, 24), true}, // Juleaftensdag: no public holiday
		{d(2026, 12, 31), true}, // Nytårsaftensdag: no public holiday
	}
	for _, c := range cases {
		if got := IsWeekday(c.date); got != c.want {
			t.Errorf("IsWeekday(%s) = %v, want %v", c.date, got, c.want)
		}
	}
	if name, ok := Holiday(d(2026, 4, 3)); !ok || name != "Langfredag" {
		t.Errorf("Holiday(2026-04-03) = %q %v", name, ok)
	}
}

func TestAddAcrossEaster(t *testing.T) {
	// Wednesday 1 April 2026 + 3 weekdays skips Easter Thursday–Monday.
	if got := Add(d(2026, 4, 1), 3); got != d(2026, 4, 9) {
		t.Errorf("Add = %s, want 2026-04-09", got)
	}
	if got := Add(d(2026, 4, 9), -3); got != d(2026, 4, 1) {
		t.Errorf("Add back = %s, want 2026-04-01", got)
	}
	if got := Add(d(2026, 11, 27), 1); got != d(2026, 11, 30) { // Friday → Monday
		t.Errorf("Add over weekend = %s", got)
	}
	if got := OnOrAfter(d(2026, 4, 3)); got != d(2026, 4, 7) {
		t.Errorf("OnOrAfter(Langfredag) = %s", got)
	}
	if got := OnOrBefore(d(2026, 4, 6)); got != d(2026, 4, 1) {
		t.Errorf("OnOrBefore(2. påskedag) = %s", got)
	}
	if got := Between(d(2026, 4, 1), d(2026, 4, 9)); got != 3 {
		t.Errorf("Between = %d", got)
	}
}
