package meeting

import (
	"testing"

	"helhed/plan"
	"helhed/suppress"
)

// TestPublishedActuals: counts of persons follow the discretion rule, an
// activity's areas and "alle" are one table, and actuals that count no
// persons (workshops here) are published as they are.
func TestPublishedActuals(t *testing.T) {
	target := func(metric, area, unit string) plan.Target {
		return plan.Target{Metric: metric, Year: "2022-23", Area: area, Unit: unit, Min: new(float64)}
	}
	p := &plan.Plan{DiscretionThreshold: 5, Activities: []plan.Activity{{ID: "club", Areas: []string{"a", "b", "c"},
		Targets: []plan.Target{target("youths", "", "youths"), target("youths", "a", "youths"), target("youths", "b", "youths"),
			target("youths", "c", "youths"), target("workshops", "", "workshops")}}}}
	sums := map[ActualKey]float64{
		{"club", AllAreas, "youths"}: 30, {"club", "a", "youths"}: 3, {"club", "b", "youths"}: 12, {"club", "c", "youths"}: 15,
		{"club", AllAreas, "workshops"}: 2,
	}
	got := PublishedActuals(p, "2022-23", sums)
	want := map[ActualKey]suppress.Cell{
		{"club", AllAreas, "youths"}:    {Value: 30},
		{"club", "a", "youths"}:         {Suppressed: true},
		{"club", "b", "youths"}:         {Suppressed: true}, // else 30 - 12 - 15 = 3
		{"club", "c", "youths"}:         {Value: 15},
		{"club", AllAreas, "workshops"}: {Value: 2},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%+v = %+v, want %+v", k, got[k], w)
		}
	}

	// Without a target of its own for area c, the rest of "alle" (30 - 3
	// - 12 = 15) is an unpublished part: a's 3 cannot be worked out, and
	// b is published.
	ts := p.Activities[0].Targets
	p.Activities[0].Targets = append(ts[:3:3], ts[4])
	delete(sums, ActualKey{"club", "c", "youths"})
	got = PublishedActuals(p, "2022-23", sums)
	if !got[ActualKey{"club", "a", "youths"}].Suppressed || got[ActualKey{"club", "b", "youths"}] != (suppress.Cell{Value: 12}) ||
		got[ActualKey{"club", AllAreas, "youths"}] != (suppress.Cell{Value: 30}) || got[ActualKey{"club", AllAreas, "workshops"}].Suppressed {
		t.Errorf("without c: %+v", got)
	}
}
