package meeting

import (
	"cmp"
	"math"
	"slices"

	"helhed/plan"
	"helhed/suppress"
)

// ActualKey names a milestone actual: an activity's metric in an area, or
// in AllAreas.
type ActualKey struct{ Activity, Area, Metric string }

// noPersons are the target units that count no persons; every other unit
// (persons, youths, families, tenants, courses, grants, and any new one)
// is a count of persons and is suppressed like one.
var noPersons = map[string]bool{"percent": true, "grade": true, "weeks": true, "workshops": true, "institutions": true}

// PublishedActuals are a plan year's milestone actuals (each the sum of the
// responsible members' latest figures) as they may be published, so
// /metrics and the annual report show the same. An actual that counts
// persons follows the plan's discretion rule, and an activity's actuals
// of one metric per area and in AllAreas are one table, the areas
// adding up to AllAreas (with the activity's areas that have no target
// of their own as one more, unpublished part), so no hidden one can be
// worked out by subtraction.
func PublishedActuals(p *plan.Plan, year string, sums map[ActualKey]float64) map[ActualKey]suppress.Cell {
	rule := suppress.Rule{Threshold: p.DiscretionThreshold}
	persons := map[ActualKey]bool{}
	for k := range sums {
		persons[k] = true // a figure without a target of the year: be safe
	}
	for _, t := range p.Targets() {
		k := ActualKey{Activity: t.Activity, Area: t.Area, Metric: t.Metric}
		if k.Area == "" {
			k.Area = AllAreas
		}
		if _, ok := sums[k]; ok && t.Activity != "" && t.Year == year {
			persons[k] = !noPersons[t.Unit]
		}
	}
	out := make(map[ActualKey]suppress.Cell, len(sums))
	groups := map[[2]string][]ActualKey{}
	for k, v := range sums {
		if !persons[k] {
			out[k] = suppress.Cell{Value: v}
			continue
		}
		g := [2]string{k.Activity, k.Metric}
		groups[g] = append(groups[g], k)
	}
	for g, keys := range groups {
		// All-areas first, then the areas in order: the table's cells
		// are numbered in a fixed order, so the result is too.
		rank := func(k ActualKey) int {
			if k.Area == AllAreas {
				return 0
			}
			return 1
		}
		slices.SortFunc(keys, func(a, b ActualKey) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Area, b.Area))
		})
		var t suppress.Table
		ids := make([]int, len(keys))
		for i, k := range keys {
			ids[i] = t.Count(count(sums[k]))
		}
		if len(keys) > 1 && keys[0].Area == AllAreas {
			parts, rest := ids[1:], count(sums[keys[0]])
			covered := map[string]bool{}
			for _, k := range keys[1:] {
				covered[k.Area] = true
				rest -= count(sums[k])
			}
			act, _ := p.Activity(g[0])
			for _, a := range act.Areas {
				if !covered[a] {
					parts = append(parts, t.Internal(rest))
					break
				}
			}
			t.Sum(ids[0], parts...)
		}
		cells := rule.Suppress(&t)
		for i, k := range keys {
			if c := cells[ids[i]]; c.Suppressed {
				out[k] = c
			} else {
				out[k] = suppress.Cell{Value: sums[k]}
			}
		}
	}
	return out
}

// count is a figure as a whole count of persons.
func count(v float64) int { return int(math.Round(v)) }
