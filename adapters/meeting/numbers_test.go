package meeting

import (
	"testing"

	"helhed/internal/promtest"
	"helhed/internal/testredis"
	"helhed/plan"
)

// TestMilestoneActualsSummedExactly: the members' figures are summed
// exactly and the published actual is rounded half up once: 0,15 + 0,3
// is 0,45 (0.44999999999999996 in float64) and published as 0.5, and the
// annual report's sum reads "0.45".
func TestMilestoneActualsSummedExactly(t *testing.T) {
	_, rdb := testredis.StartT(t)
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]string{"npu|alle|daginstitutioner|a": "0.15", "npu|alle|daginstitutioner|b": "0.3"}
	if err := rdb.HSet(t.Context(), milestoneKey(p.ID, "2022-23"), reported).Err(); err != nil {
		t.Fatal(err)
	}
	got := promtest.Collect(t, &Collector{Plan: p, Redis: rdb})
	name := `helhed_milestone_actual{activity="npu",area="alle",metric="daginstitutioner",year="2022-23"}`
	if v, ok := got[name]; !ok || v != 0.5 {
		t.Errorf("%s = %v (%v), want 0.5", name, v, ok)
	}
	if sums := milestoneSums(reported); sums["npu/daginstitutioner"] != "0.45" {
		t.Errorf("report sums %q, want 0.45", sums)
	}
}
