package suppress_test

import (
	"testing"

	"helhed/suppress"
)

// TestCombinedRelations: small counts in two 2×2 blocks joined by one
// more small count. Every row and column holds two or more of them, so
// the classic rule (hide more where a relation has exactly one hidden
// cell) hides nothing further; yet rows 1–2 minus columns 1–2 give the
// joining cell. Suppress finds it and hides more.
func TestCombinedRelations(t *testing.T) {
	small := map[[2]int]bool{{0, 0}: true, {0, 1}: true, {1, 0}: true, {1, 1}: true, {2, 2}: true, {2, 3}: true, {3, 2}: true, {3, 3}: true, {1, 2}: true}
	counts := make([][]int, 4)
	for i := range counts {
		counts[i] = []int{10, 10, 10, 10}
		for j := range counts[i] {
			if small[[2]int{i, j}] {
				counts[i][j] = 2
			}
		}
	}
	m := &model{table: &suppress.Table{}}
	g := m.table.Grid(counts)
	// The test's own relations, as in grid().
	m.x = make([]int, 25)
	var rows []map[int]int
	cols := make([]map[int]int, 4)
	rowTotals, colTotals := map[int]int{g.Total: -1}, map[int]int{g.Total: -1}
	for j := range cols {
		cols[j] = map[int]int{g.ColTotals[j]: -1}
		colTotals[g.ColTotals[j]] = 1
	}
	for i := range counts {
		rel := map[int]int{g.RowTotals[i]: -1}
		for j, v := range counts[i] {
			m.x[g.Cells[i][j]] = v
			m.x[g.RowTotals[i]] += v
			m.x[g.ColTotals[j]] += v
			m.x[g.Total] += v
			rel[g.Cells[i][j]] = 1
			cols[j][g.Cells[i][j]] = 1
		}
		rowTotals[g.RowTotals[i]] = 1
		rows = append(rows, rel)
	}
	m.rels = append(append(append(m.rels, rows...), cols...), rowTotals, colTotals)

	rule := suppress.Rule{Threshold: 5}
	primary := make([]bool, len(m.x))
	for i, v := range m.x {
		primary[i] = rule.Hide(float64(v))
	}
	for r, rel := range m.rels {
		n := 0
		for c := range rel {
			if primary[c] {
				n++
			}
		}
		if n == 1 {
			t.Fatalf("relation %d has one small cell: not the case this test is about", r)
		}
	}
	if !m.worksOut(primary, g.Cells[1][2]) {
		t.Fatal("with only the small cells hidden, the joining cell should be worked out")
	}
	m.check(t, "two blocks", rule)
	more := 0
	for _, c := range rule.Suppress(m.table) {
		if c.Suppressed {
			more++
		}
	}
	if more <= len(small) {
		t.Errorf("%d cells hidden, want more than the %d small ones", more, len(small))
	}
}

// TestComplementAndKnown: a part whose complement is small is hidden
// (6 pupils, 5 flagged, so 1 is not); a figure already published stays
// published, so the new total goes instead (12 courses last quarter, 3
// new, 15 in the year).
func TestComplementAndKnown(t *testing.T) {
	rule := suppress.Rule{Threshold: 5}
	var tab suppress.Table
	pupils, flagged := tab.Count(6), tab.Count(5)
	rest := tab.Internal(1)
	tab.Sum(pupils, flagged, rest)
	got := rule.Suppress(&tab)
	if got[pupils].Suppressed || got[pupils].Value != 6 || !got[flagged].Suppressed || !got[rest].Suppressed {
		t.Errorf("complement: %+v", got)
	}

	var year suppress.Table
	before, added := year.Known(12), year.Count(3)
	ytd := year.Count(15)
	year.Sum(ytd, before, added)
	got = rule.Suppress(&year)
	if got[before].Suppressed || got[before].Value != 12 || !got[added].Suppressed || !got[ytd].Suppressed {
		t.Errorf("known: %+v", got)
	}

	// Nothing small: nothing hidden; zeros published.
	var plain suppress.Table
	g := plain.Grid([][]int{{0, 7}, {9, 0}})
	for i, c := range rule.Suppress(&plain) {
		if c.Suppressed {
			t.Errorf("cell %d hidden in %+v", i, g)
		}
	}
}
