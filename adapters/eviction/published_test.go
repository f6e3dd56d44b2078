package eviction

import (
	"slices"
	"testing"

	"helhed/suppress"
	"helhed/workflows/eviction"
)

// TestCountTableTotals: the API's counts carry the stage and area totals,
// hidden where they would give a small cell away, and a filter selects
// from the one table, so two filtered requests cannot be combined into
// more than the whole shows.
func TestCountTableTotals(t *testing.T) {
	p := examplePlan(t)
	agg := map[string]int64{
		factCases(eviction.StageOutreach, "vangdalen"):                    9,
		factCases(eviction.StageOutreach, "gl-jennumparken"):              3,
		factCases(eviction.StageCounselling, "vangdalen"):                 8,
		factCases(eviction.StageCounselling, "gl-jennumparken"):           12,
		factTransition(fromNew, eviction.StageArrears):                    32,
		factTransition(eviction.StageArrears, eviction.StageOutreach):     32,
		factTransition(eviction.StageOutreach, eviction.StageCounselling): 20,
	}
	all := countTable(newCasesTable(p, agg), Filter{})
	// 6 stages × 5 areas, 6 stage totals, 5 area totals, 1 grand total.
	if len(all) != 30+6+5+1 {
		t.Fatalf("%d counts", len(all))
	}
	get := func(counts []Count, st eviction.Stage, area string) Count {
		i := slices.IndexFunc(counts, func(c Count) bool { return c.Stage == st && c.Area == area })
		if i < 0 {
			t.Fatalf("no count %s/%s in %+v", st, area, counts)
		}
		return counts[i]
	}
	if c := get(all, totalLabel, totalLabel); c.Count == nil || *c.Count != 32 {
		t.Errorf("grand total %+v", c)
	}
	if c := get(all, eviction.StageOutreach, "gl-jennumparken"); !c.Suppressed || c.Count != nil {
		t.Errorf("3 published: %+v", c)
	}
	// The outreach total (12) less vangdalen's 9 is the 3: one of them is
	// hidden, and so is a cell that keeps gl-jennumparken's column safe.
	hidden := 0
	for _, c := range all {
		if c.Suppressed {
			hidden++
		}
	}
	if hidden < 4 {
		t.Errorf("only %d counts hidden: %+v", hidden, all)
	}
	for _, f := range []Filter{{Stage: eviction.StageOutreach}, {Area: "gl-jennumparken"}, {Stage: eviction.StageOutreach, Area: "vangdalen"}} {
		for _, c := range countTable(newCasesTable(p, agg), f) {
			if w := get(all, c.Stage, c.Area); w.Suppressed != c.Suppressed || (c.Count != nil && *c.Count != *w.Count) {
				t.Errorf("filter %+v: %+v, whole table %+v", f, c, w)
			}
		}
	}
}

// TestPublishedBounds: a histogram bound is left out where the cases
// between it and the bound before (or above the last bound, up to the
// count) would be 1–4.
func TestPublishedBounds(t *testing.T) {
	rule := suppress.Rule{Threshold: 5}
	for _, c := range []struct {
		count      int64
		cumulative []int64
		want       []int
	}{
		{12, []int64{6, 7, 7, 12, 12}, []int{0, 3, 4}},
		{10, []int64{6, 6, 6}, nil}, // the 4 above every bound: keep none
		{10, []int64{0, 5, 10}, []int{0, 1, 2}},
		{9, []int64{2, 9}, []int{1}},
	} {
		if got := publishedBounds(rule, c.count, c.cumulative); !slices.Equal(got, c.want) {
			t.Errorf("count %d, buckets %v: bounds %v, want %v", c.count, c.cumulative, got, c.want)
		}
	}
}
