package readmodel

import "testing"

// TestIncrementalPassLeavesTotals: an incremental pass projects only some
// runs, so the totals it summed are partial; they are dropped from its
// model (the live writers keep them), every other key stays.
func TestIncrementalPassLeavesTotals(t *testing.T) {
	spec := Spec{KindName: "probe", KeyPatterns: []string{"helhed:probe:*"}, TotalKeyPatterns: []string{"helhed:probe:counts"}}
	m := NewModel("probe", spec.Keys())
	m.HSet("helhed:probe:rec:1", "json", "{}")
	m.HIncr("helhed:probe:counts", "open|a", 1)
	m.SAdd("helhed:probe:index", "1")
	dropTotals(spec, m)
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.keys["helhed:probe:counts"]; ok {
		t.Error("the total key is still in the incremental pass's model")
	}
	for _, k := range []string{"helhed:probe:rec:1", "helhed:probe:index"} {
		if _, ok := m.keys[k]; !ok {
			t.Errorf("%s was dropped with the totals", k)
		}
	}

	without := Spec{KindName: "probe", KeyPatterns: []string{"helhed:probe:*"}}
	m = NewModel("probe", without.Keys())
	m.HIncr("helhed:probe:counts", "open|a", 1)
	dropTotals(without, m)
	if _, ok := m.keys["helhed:probe:counts"]; !ok {
		t.Error("a kind without total keys lost a key")
	}
}

// TestHDelLeavesNoZeroCounter: a counter a projection takes back to 0 is
// removed, as the live writers' scripts delete it.
func TestHDelLeavesNoZeroCounter(t *testing.T) {
	m := NewModel("probe", []string{"helhed:probe:*"})
	m.HIncr("helhed:probe:counts", "a", 1)
	m.HIncr("helhed:probe:counts", "b", 1)
	m.HDel("helhed:probe:counts", "a")
	m.HDel("helhed:probe:nothing", "a") // no key: nothing happens
	if _, ok := m.HGet("helhed:probe:counts", "a"); ok {
		t.Error("field a still there")
	}
	if v, _ := m.HGet("helhed:probe:counts", "b"); v != "1" {
		t.Errorf("field b = %q, want 1", v)
	}
	if _, ok := m.keys["helhed:probe:nothing"]; ok {
		t.Error("HDel created a key")
	}
}
