package suppress

import (
	"cmp"
	"slices"
)

// A Table is counts published together and the additive relations a
// reader knows between them: a total and its parts (areas and "alle",
// stages and their total, quarters and the year, a stage × area table
// with row and column totals), or two ways of counting the same persons.
// Rule.Suppress decides which of its counts to hide.
//
// Primary suppression hides every count from 1 to the threshold minus
// one. Secondary suppression then hides further counts until no hidden
// count can be worked out from the published ones: while some protected
// count (a primary one, or a small Internal one) is fixed by the
// relations, it hides the smallest non-zero published count that shares
// a relation with it and frees it (else the smallest that shares a
// relation, else the smallest connected to it). A relation with exactly
// one hidden count, the classic case, is the simplest instance; the exact
// test also catches a count fixed only by combining relations (two rows
// minus two columns of a table, say). Last, it publishes again, largest
// first, every secondary count that no protected count needs. Zeros are
// published: they identify no one, and an empty cell is never chosen
// while a non-zero one will do.
//
// The guarantee: a reader who knows every published count, every Known
// figure, every zero (Internal ones included) and every relation cannot
// work out any hidden count, nor any Internal count below the threshold:
// read as linear equations, the relations leave each of them free
// (checked exactly, by elimination over the rationals). Every hidden
// count is at least 1, so where the relations form a network (a list
// with its total; a two-dimensional table with row, column and grand
// totals; a total counted two ways) each hidden count also has two
// different completions in non-negative integers consistent with all that
// is published (the property test checks this). Beyond the primary
// counts, a count is hidden only when needed: publishing any one of them
// again would let a protected count be worked out. Not covered: a reader
// knows a hidden count is at least 1, so may bound it, and counts
// published at other times (an earlier quarter, an earlier scrape) are
// not in the table.
type Table struct {
	cells []tableCell
	rels  [][]term
}

type role uint8

const (
	published role = iota // to publish, unless hidden
	internal              // never published; protected when small
	known                 // published elsewhere: never hidden
)

type tableCell struct {
	n    int
	role role
}

// term is one cell of a relation; a relation says its terms add up to 0.
type term struct{ cell, coef int }

func (t *Table) add(n int, r role) int {
	t.cells = append(t.cells, tableCell{n: n, role: r})
	return len(t.cells) - 1
}

// Count adds a count to publish and returns its index.
func (t *Table) Count(n int) int { return t.add(n, published) }

// Internal adds a count that is never published but that a relation
// involves, and returns its index: the persons outside a published part
// of a total (6 pupils of whom 5 are flagged leaves 1 who is not), so
// that it is protected like a published count when it is small.
func (t *Table) Internal(n int) int { return t.add(n, internal) }

// Known adds a figure the reader already has (published elsewhere or
// earlier, such as a plan's own baseline) and returns its index; it is
// never hidden.
func (t *Table) Known(n int) int { return t.add(n, known) }

// Sum records that the cell total is the sum of the cells parts.
func (t *Table) Sum(total int, parts ...int) { t.Same([]int{total}, parts) }

// Same records that the cells a and the cells b add up to the same
// number: the same persons counted two ways.
func (t *Table) Same(a, b []int) {
	rel := make([]term, 0, len(a)+len(b))
	for _, c := range a {
		rel = append(rel, term{c, -1})
	}
	for _, c := range b {
		rel = append(rel, term{c, 1})
	}
	t.rels = append(t.rels, rel)
}

// Grid is a two-dimensional table's cells in its Table.
type Grid struct {
	Cells     [][]int // [row][column]
	RowTotals []int   // per row, the sum over the columns
	ColTotals []int   // per column, the sum over the rows
	Total     int
}

// Grid adds counts[row][column] (rectangular) with their row, column and
// grand totals, all to publish, and the sums between them.
func (t *Table) Grid(counts [][]int) Grid {
	var g Grid
	cols := 0
	if len(counts) > 0 {
		cols = len(counts[0])
	}
	colSum, total := make([]int, cols), 0
	for _, row := range counts {
		ids, sum := make([]int, cols), 0
		for j := range cols {
			ids[j] = t.Count(row[j])
			sum += row[j]
			colSum[j] += row[j]
		}
		g.Cells = append(g.Cells, ids)
		g.RowTotals = append(g.RowTotals, t.Count(sum))
		total += sum
	}
	for j := range cols {
		g.ColTotals = append(g.ColTotals, t.Count(colSum[j]))
	}
	g.Total = t.Count(total)
	for i, ids := range g.Cells {
		t.Sum(g.RowTotals[i], ids...)
	}
	for j, c := range g.ColTotals {
		col := make([]int, len(g.Cells))
		for i := range g.Cells {
			col[i] = g.Cells[i][j]
		}
		t.Sum(c, col...)
	}
	t.Sum(g.Total, g.RowTotals...)
	t.Sum(g.Total, g.ColTotals...)
	return g
}

// Suppress returns t's cells as they may be published, in the order they
// were added: hidden cells and Internal ones are suppressed. See Table
// for the method and its guarantee.
func (r Rule) Suppress(t *Table) []Cell {
	s := newSolver(t)
	for i, c := range t.cells {
		if !r.Hide(float64(c.n)) {
			continue
		}
		switch c.role {
		case published:
			s.hidden[i], s.primary[i] = true, true
			s.protect = append(s.protect, i)
		case internal:
			s.protect = append(s.protect, i)
		}
	}
	for {
		d := s.firstDetermined()
		if d < 0 {
			s.prune()
			break
		}
		c := s.cover(d)
		if c < 0 {
			break // nothing left to hide: the counts do not satisfy the relations
		}
		s.hidden[c] = true
	}
	out := make([]Cell, len(t.cells))
	for i, c := range t.cells {
		if s.hidden[i] || c.role == internal {
			out[i] = Cell{Suppressed: true}
		} else {
			out[i] = Cell{Value: float64(c.n)}
		}
	}
	return out
}

type solver struct {
	t       *Table
	hidden  []bool  // published cells hidden so far
	primary []bool  // hidden because they are small
	protect []int   // cells no reader may work out
	near    [][]int // per cell, the cells sharing a relation with it
}

func newSolver(t *Table) *solver {
	n := len(t.cells)
	s := &solver{t: t, hidden: make([]bool, n), primary: make([]bool, n), near: make([][]int, n)}
	for _, rel := range t.rels {
		for _, a := range rel {
			for _, b := range rel {
				if a.cell != b.cell {
					s.near[a.cell] = append(s.near[a.cell], b.cell)
				}
			}
		}
	}
	return s
}

// unknown reports whether a reader lacks cell i. Zeros are taken as known
// even when Internal: assuming the reader knows more only makes the
// result safer, and it keeps every unknown cell at 1 or more.
func (s *solver) unknown(i int) bool {
	c := s.t.cells[i]
	return s.hidden[i] || (c.role == internal && c.n != 0)
}

// firstDetermined is the first protected cell a reader can work out, or -1.
func (s *solver) firstDetermined() int {
	det := s.determined()
	for _, p := range s.protect {
		if det[p] {
			return p
		}
	}
	return -1
}

// cover picks the cell to hide so that cell d can no longer be worked
// out, or -1 when no cell is left to hide.
func (s *solver) cover(d int) int {
	near := s.candidates(s.near[d])
	for _, c := range near {
		if s.t.cells[c].n == 0 {
			break
		}
		s.hidden[c] = true
		freed := !s.determined()[d]
		s.hidden[c] = false
		if freed {
			return c
		}
	}
	if len(near) > 0 && s.t.cells[near[0]].n != 0 {
		return near[0]
	}
	if far := s.candidates(s.connected(d)); len(far) > 0 {
		return far[0]
	}
	return -1
}

// candidates are the published, not yet hidden cells among ids, smallest
// non-zero first, zeros last, each once.
func (s *solver) candidates(ids []int) []int {
	var out []int
	for _, c := range ids {
		if s.t.cells[c].role == published && !s.hidden[c] && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b int) int {
		na, nb := s.t.cells[a].n, s.t.cells[b].n
		if (na == 0) != (nb == 0) {
			if na == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(na, nb), cmp.Compare(a, b))
	})
	return out
}

// connected are the cells reachable from d through relations.
func (s *solver) connected(d int) []int {
	seen := map[int]bool{d: true}
	queue := []int{d}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, x := range s.near[c] {
			if !seen[x] {
				seen[x] = true
				queue = append(queue, x)
			}
		}
	}
	out := make([]int, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// prune publishes again, largest first, each secondary cell whose
// publication would let no protected cell be worked out, until every one
// left is needed.
func (s *solver) prune() {
	for changed := true; changed; {
		changed = false
		var secondary []int
		for i, h := range s.hidden {
			if h && !s.primary[i] {
				secondary = append(secondary, i)
			}
		}
		slices.SortFunc(secondary, func(a, b int) int {
			return cmp.Or(cmp.Compare(s.t.cells[b].n, s.t.cells[a].n), cmp.Compare(b, a))
		})
		for _, c := range secondary {
			s.hidden[c] = false
			if s.firstDetermined() >= 0 {
				s.hidden[c] = true
			} else {
				changed = true
			}
		}
	}
}

// determined reports, per cell, whether it is unknown and yet fixed by
// the relations given every known cell: whether its unit vector lies in
// the row space of the relations restricted to the unknown cells.
func (s *solver) determined() []bool {
	col := make([]int, len(s.t.cells))
	var unknown []int
	for i := range s.t.cells {
		col[i] = -1
		if s.unknown(i) {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	det := make([]bool, len(s.t.cells))
	var m [][]int64
	for _, rel := range s.t.rels {
		row := make([]int64, len(unknown))
		touched := false
		for _, tm := range rel {
			if j := col[tm.cell]; j >= 0 {
				row[j] += int64(tm.coef)
				touched = true
			}
		}
		if touched {
			m = append(m, row)
		}
	}
	pivot, exact := reduce(m, len(unknown))
	for j, cell := range unknown {
		if !exact {
			det[cell] = true // cannot tell: assume the worst
			continue
		}
		r := pivot[j]
		if r < 0 {
			continue
		}
		det[cell] = true
		for k, p := range pivot {
			if p < 0 && m[r][k] != 0 {
				det[cell] = false
				break
			}
		}
	}
	return det
}

// reduce brings m to reduced row echelon form in place with integer
// arithmetic, dividing each row by the gcd of its entries. It returns each
// column's pivot row (-1 for a free column) and false if an entry grew
// too large to stay exact (never for the ±1 relations of tables and
// networks, whose entries stay within ±1).
func reduce(m [][]int64, ncol int) ([]int, bool) {
	const limit = 1 << 30
	pivot := make([]int, ncol)
	for j := range pivot {
		pivot[j] = -1
	}
	row := 0
	for c := 0; c < ncol && row < len(m); c++ {
		p := row
		for p < len(m) && m[p][c] == 0 {
			p++
		}
		if p == len(m) {
			continue
		}
		m[row], m[p] = m[p], m[row]
		for i := range m {
			if i == row || m[i][c] == 0 {
				continue
			}
			g := gcd(m[row][c], m[i][c])
			a, b := m[row][c]/g, m[i][c]/g
			for k := range ncol {
				v := a*m[i][k] - b*m[row][k]
				if v > limit || v < -limit {
					return nil, false
				}
				m[i][k] = v
			}
			divideByGCD(m[i])
		}
		pivot[c] = row
		row++
	}
	return pivot, true
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func divideByGCD(row []int64) {
	var g int64
	for _, v := range row {
		g = gcd(g, v)
	}
	if g > 1 {
		for k := range row {
			row[k] /= g
		}
	}
}
