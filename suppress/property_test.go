package suppress_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"helhed/suppress"
)

// The property test builds random tables (a list with its total; a
// two-dimensional table with row, column and grand totals; sizes and
// counts random, many of them small), suppresses them, and checks with
// its own model of the table's relations, independent of the package:
//
//   - every count from 1 to the threshold minus one is hidden, no zero
//     is hidden, and every published cell shows its true count;
//   - no hidden cell is determined by the published ones: for each, the
//     test builds a second table in non-negative integers that agrees
//     with every published cell and satisfies every relation, yet differs
//     in that cell;
//   - a cell of the threshold or more is hidden only when needed:
//     publishing it alone lets some hidden cell be worked out, which the
//     test shows by a combination of relations that leaves that cell as
//     the only unknown.
//
// The relations of such tables form a graph: a relation is a node, a cell
// the edge between the (one or two) relations it is in, a cell in only
// one relation an edge to a free "ground" node. A hidden cell on a cycle
// of hidden cells can move by ±1 around the cycle (the second table); a
// hidden cell that is a bridge is fixed by the relations on one side of
// it (the combination).

const (
	threshold = 5
	cases1D   = 3000
	cases2D   = 3000
)

func TestSuppressionSurvivesSubtraction(t *testing.T) {
	rule := suppress.Rule{Threshold: threshold}
	rng := rand.New(rand.NewPCG(61, 2026))
	for n := range cases1D {
		m := list(rng)
		m.check(t, fmt.Sprintf("list %d", n), rule)
	}
	for n := range cases2D {
		m := grid(rng)
		m.check(t, fmt.Sprintf("grid %d", n), rule)
	}
}

// count draws a count: 0 a fifth of the time, 1–4 two fifths, else up
// to 40.
func count(rng *rand.Rand) int {
	switch r := rng.IntN(5); {
	case r == 0:
		return 0
	case r <= 2:
		return 1 + rng.IntN(threshold-1)
	}
	return threshold + rng.IntN(36)
}

// model is a table as the test knows it: the true counts by cell index,
// and the relations (cell → coefficient; the terms add up to 0).
type model struct {
	table *suppress.Table
	x     []int
	rels  []map[int]int
	shape string
}

func list(rng *rand.Rand) *model {
	m := &model{table: &suppress.Table{}}
	parts := make([]int, 1+rng.IntN(7))
	rel, sum := map[int]int{}, 0
	for i := range parts {
		v := count(rng)
		parts[i] = m.table.Count(v)
		m.x = append(m.x, v)
		rel[parts[i]] = 1
		sum += v
	}
	total := m.table.Count(sum)
	m.x = append(m.x, sum)
	rel[total] = -1
	m.table.Sum(total, parts...)
	m.rels = []map[int]int{rel}
	m.shape = fmt.Sprint(m.x[:len(parts)], " total ", sum)
	return m
}

func grid(rng *rand.Rand) *model {
	rows, cols := 1+rng.IntN(5), 1+rng.IntN(5)
	counts := make([][]int, rows)
	for i := range counts {
		counts[i] = make([]int, cols)
		for j := range counts[i] {
			counts[i][j] = count(rng)
		}
	}
	m := &model{table: &suppress.Table{}, shape: fmt.Sprint(counts)}
	g := m.table.Grid(counts)
	set := func(cell, v int) {
		for len(m.x) <= cell {
			m.x = append(m.x, -1)
		}
		m.x[cell] = v
	}
	grand := 0
	colRels := make([]map[int]int, cols)
	for j := range colRels {
		colRels[j] = map[int]int{g.ColTotals[j]: -1}
	}
	rowTotals, colTotals := map[int]int{g.Total: -1}, map[int]int{g.Total: -1}
	colSums := make([]int, cols)
	for i := range rows {
		rel, sum := map[int]int{g.RowTotals[i]: -1}, 0
		for j := range cols {
			set(g.Cells[i][j], counts[i][j])
			rel[g.Cells[i][j]] = 1
			colRels[j][g.Cells[i][j]] = 1
			sum += counts[i][j]
			colSums[j] += counts[i][j]
		}
		set(g.RowTotals[i], sum)
		rowTotals[g.RowTotals[i]] = 1
		grand += sum
		m.rels = append(m.rels, rel)
	}
	for j := range cols {
		set(g.ColTotals[j], colSums[j])
		colTotals[g.ColTotals[j]] = 1
	}
	set(g.Total, grand)
	m.rels = append(m.rels, colRels...)
	m.rels = append(m.rels, rowTotals, colTotals)
	return m
}

func (m *model) check(t *testing.T, name string, rule suppress.Rule) {
	t.Helper()
	cells := rule.Suppress(m.table)
	if len(cells) != len(m.x) {
		t.Fatalf("%s: %d cells, want %d", name, len(cells), len(m.x))
	}
	hidden := make([]bool, len(cells))
	for i, c := range cells {
		hidden[i] = c.Suppressed
		switch {
		case rule.Hide(float64(m.x[i])) && !c.Suppressed:
			t.Fatalf("%s (%s): cell %d = %d published", name, m.shape, i, m.x[i])
		case m.x[i] == 0 && c.Suppressed:
			t.Fatalf("%s (%s): zero cell %d hidden", name, m.shape, i)
		case !c.Suppressed && c.Value != float64(m.x[i]):
			t.Fatalf("%s: cell %d published as %v, is %d", name, i, c.Value, m.x[i])
		}
	}
	for h, isHidden := range hidden {
		if !isHidden {
			continue
		}
		y, ok := m.otherCompletion(hidden, h)
		if !ok {
			t.Fatalf("%s (%s): hidden cell %d (%d) is determined by the published cells; hidden %v", name, m.shape, h, m.x[h], hidden)
		}
		if err := m.consistent(y, hidden); err != nil || y[h] == m.x[h] {
			t.Fatalf("%s: second table for cell %d is wrong (%v): %v", name, h, err, y)
		}
	}
	for s, isHidden := range hidden {
		if !isHidden || m.x[s] < threshold {
			continue
		}
		hidden[s] = false
		needed := false
		for h, hh := range hidden {
			if hh && m.worksOut(hidden, h) {
				needed = true
				break
			}
		}
		hidden[s] = true
		if !needed {
			t.Fatalf("%s (%s): cell %d (%d) hidden though publishing it reveals nothing; hidden %v", name, m.shape, s, m.x[s], hidden)
		}
	}
}

// consistent checks a completion: non-negative, equal to the true counts
// where published, and every relation holds.
func (m *model) consistent(y []int, hidden []bool) error {
	for i, v := range y {
		if v < 0 {
			return fmt.Errorf("cell %d negative", i)
		}
		if !hidden[i] && v != m.x[i] {
			return fmt.Errorf("published cell %d changed", i)
		}
	}
	for r, rel := range m.rels {
		sum := 0
		for c, coef := range rel {
			sum += coef * y[c]
		}
		if sum != 0 {
			return fmt.Errorf("relation %d off by %d", r, sum)
		}
	}
	return nil
}

// ends are the nodes a cell joins: its relations, or ground (-1) for a
// cell in a single relation.
func (m *model) ends(cell int) [2]int {
	var e []int
	for r, rel := range m.rels {
		if _, ok := rel[cell]; ok {
			e = append(e, r)
		}
	}
	if len(e) == 1 {
		e = append(e, -1)
	}
	return [2]int{e[0], e[1]}
}

// path finds hidden cells other than h leading from node a to node b:
// the cells in order and the nodes they arrive at.
func (m *model) path(hidden []bool, h, a, b int) (cells, nodes []int, reached map[int]bool) {
	type step struct{ cell, from int }
	prev := map[int]step{a: {-1, -1}}
	queue := []int{a}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for c, hh := range hidden {
			if !hh || c == h {
				continue
			}
			e := m.ends(c)
			next := -2
			switch n {
			case e[0]:
				next = e[1]
			case e[1]:
				next = e[0]
			}
			if _, seen := prev[next]; next == -2 || seen {
				continue
			}
			prev[next] = step{c, n}
			queue = append(queue, next)
		}
	}
	reached = map[int]bool{}
	for n := range prev {
		reached[n] = true
	}
	if !reached[b] {
		return nil, nil, reached
	}
	for n := b; n != a; n = prev[n].from {
		cells = append([]int{prev[n].cell}, cells...)
		nodes = append([]int{n}, nodes...)
	}
	return cells, nodes, reached
}

// otherCompletion moves h by ±1 around a cycle of hidden cells and
// returns the completion that stays non-negative.
func (m *model) otherCompletion(hidden []bool, h int) ([]int, bool) {
	e := m.ends(h)
	cells, nodes, _ := m.path(hidden, h, e[0], e[1])
	if cells == nil {
		return nil, false
	}
	d := map[int]int{h: 1}
	at, last := e[0], h // node e[0] is always a relation
	for k, c := range cells {
		if at >= 0 {
			d[c] = -m.rels[at][last] * d[last] * m.rels[at][c]
		} else {
			d[c] = 1
		}
		at, last = nodes[k], c
	}
	for _, sign := range []int{1, -1} {
		y := append([]int(nil), m.x...)
		ok := true
		for c, v := range d {
			y[c] += sign * v
			ok = ok && y[c] >= 0
		}
		if ok {
			return y, true
		}
	}
	return nil, false
}

// worksOut reports whether hidden cell h is fixed by the published ones:
// it is a bridge of the hidden cells, and the relations on one side of
// it, weighted so the other hidden cells there cancel, leave h as the
// only unknown (a combination the test checks term by term).
func (m *model) worksOut(hidden []bool, h int) bool {
	e := m.ends(h)
	_, _, side := m.path(hidden, h, e[0], e[1])
	if side[e[1]] || side[-1] {
		return false
	}
	weight := map[int]int{e[0]: 1}
	for changed := true; changed; {
		changed = false
		for c, hh := range hidden {
			if !hh || c == h {
				continue
			}
			ce := m.ends(c)
			for k := range 2 {
				a, b := ce[k], ce[1-k]
				if w, ok := weight[a]; ok && side[a] {
					if _, done := weight[b]; !done {
						weight[b] = -w * m.rels[a][c] * m.rels[b][c]
						changed = true
					}
				}
			}
		}
	}
	comb := map[int]int{}
	for r, w := range weight {
		for c, coef := range m.rels[r] {
			comb[c] += w * coef
		}
	}
	for c, v := range comb {
		if hidden[c] && v != 0 && c != h {
			return false
		}
	}
	if comb[h] == 0 {
		return false
	}
	// The combination gives h's true value from published cells alone.
	sum := 0
	for c, v := range comb {
		if c != h {
			sum += v * m.x[c]
		}
	}
	return -sum == comb[h]*m.x[h]
}
