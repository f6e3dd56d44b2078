package meeting

import (
	"testing"

	"helhed/plan"
	"helhed/suppress"
)

// TestMilestoneStatus: a yearly count is held to the share of the year
// passed; a level (per month, at a time, percent) to its bounds as they
// are; not reported and hidden are statuses of their own, not 0.
func TestMilestoneStatus(t *testing.T) {
	atLeast := func(min float64, per, unit string) plan.FlatTarget {
		return plan.FlatTarget{Bound: plan.BoundAtLeast, Min: min, Per: per, Unit: unit}
	}
	between := plan.FlatTarget{Bound: plan.BoundBetween, Min: 15, Max: 20, Per: plan.PerAtATime, Unit: "youths"}
	atMost := plan.FlatTarget{Bound: plan.BoundAtMost, Max: 10, Per: plan.PerYear, Unit: "tenants"}
	value := func(v float64) suppress.Cell { return suppress.Cell{Value: v} }
	for _, tc := range []struct {
		name         string
		target       plan.FlatTarget
		passed       float64
		actual       suppress.Cell
		reported     bool
		want         string
		wantExpected float64
	}{
		{"yearly count, a quarter in, a quarter done", atLeast(40, plan.PerYear, "persons"), 0.25, value(10), true, StatusOnTrack, 10},
		{"yearly count, half in, a fifth done", atLeast(40, plan.PerYear, "persons"), 0.5, value(8), true, StatusBehind, 20},
		{"yearly count reached early", atLeast(40, plan.PerYear, "persons"), 0.5, value(41), true, StatusReached, 20},
		{"yearly count, year over, short", atLeast(40, plan.PerYear, "persons"), 1, value(39), true, StatusBehind, 40},
		{"45 a month is a level, not a share of the year", atLeast(45, plan.PerMonth, "tenants"), 0.1, value(30), true, StatusBehind, 45},
		{"a percent is a level", atLeast(80, plan.PerYear, "percent"), 0.1, value(80), true, StatusReached, 80},
		{"15–20 at a time: inside", between, 0.5, value(17), true, StatusReached, 15},
		{"15–20 at a time: above", between, 0.5, value(23), true, StatusOver, 15},
		{"15–20 at a time: below", between, 0.5, value(9), true, StatusBehind, 15},
		{"at most 10 a year, under it mid-year", atMost, 0.5, value(4), true, StatusOnTrack, 5},
		{"at most 10 a year, over it", atMost, 0.5, value(11), true, StatusOver, 5},
		{"at most 10 a year, year over under it", atMost, 1, value(9), true, StatusReached, 10},
		{"not reported is not 0", atLeast(40, plan.PerYear, "persons"), 0.5, suppress.Cell{}, false, StatusNotReported, 20},
		{"hidden by the discretion rule", atLeast(40, plan.PerYear, "persons"), 0.5, suppress.Cell{Suppressed: true}, true, StatusSuppressed, 20},
	} {
		got, expected := MilestoneStatus(tc.target, tc.passed, tc.actual, tc.reported)
		if got != tc.want || expected != tc.wantExpected {
			t.Errorf("%s: %s, expected %g; want %s, %g", tc.name, got, expected, tc.want, tc.wantExpected)
		}
	}
}
