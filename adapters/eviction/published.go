package eviction

import (
	"cmp"
	"slices"

	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/eviction"
)

// totalLabel is the stage or area of a total in the API's counts (and, for
// the stage totals, in helhed_eviction_cases): area "alle" is a stage's
// total over the areas, stage "alle" an area's total over the stages.
const totalLabel = "alle"

// casesTable is what the API and /metrics publish about the current
// cases: the stage × area counts with their totals per stage (both), per
// area and in all (the API), and the stage transitions (/metrics). A stage's
// cases are the transitions into it less those out of it, so all of it is
// one suppress.Table: the API and /metrics hide the same cells, and no
// hidden count can be worked out from a total or from the transitions.
type casesTable struct {
	stages      []eviction.Stage
	areas       []string
	cells       [][]suppress.Cell // [stage][area]
	stageTotals []suppress.Cell
	areaTotals  []suppress.Cell
	total       suppress.Cell
	transitions []transitionCell // ordered by from, to
}

type transitionCell struct {
	from, to string
	cell     suppress.Cell
}

func newCasesTable(p *plan.Plan, agg map[string]int64) casesTable {
	ct := casesTable{stages: eviction.Stages, areas: caseAreas(p, agg)}
	counts := make([][]int, len(ct.stages))
	for i, st := range ct.stages {
		counts[i] = make([]int, len(ct.areas))
		for j, a := range ct.areas {
			counts[i][j] = int(agg[factCases(st, a)])
		}
	}
	var t suppress.Table
	g := t.Grid(counts)
	for k := range agg {
		if f := splitFact(k); f[0] == "trans" && len(f) == 3 {
			ct.transitions = append(ct.transitions, transitionCell{from: f[1], to: f[2]})
		}
	}
	slices.SortFunc(ct.transitions, func(a, b transitionCell) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	ids := make([]int, len(ct.transitions))
	in, out := map[string][]int{}, map[string][]int{}
	for i, tr := range ct.transitions {
		ids[i] = t.Count(int(agg[factTransition(eviction.Stage(tr.from), eviction.Stage(tr.to))]))
		out[tr.from] = append(out[tr.from], ids[i])
		in[tr.to] = append(in[tr.to], ids[i])
	}
	// Every stage change is a transition, and a case's first one comes
	// from "new" (the source, with no balance of its own).
	for i, st := range ct.stages {
		t.Same(in[string(st)], append([]int{g.RowTotals[i]}, out[string(st)]...))
	}
	cells := suppress.Rule{Threshold: p.DiscretionThreshold}.Suppress(&t)
	for i := range ct.stages {
		row := make([]suppress.Cell, len(ct.areas))
		for j := range ct.areas {
			row[j] = cells[g.Cells[i][j]]
		}
		ct.cells = append(ct.cells, row)
		ct.stageTotals = append(ct.stageTotals, cells[g.RowTotals[i]])
	}
	for j := range ct.areas {
		ct.areaTotals = append(ct.areaTotals, cells[g.ColTotals[j]])
	}
	ct.total = cells[g.Total]
	for i := range ct.transitions {
		ct.transitions[i].cell = cells[ids[i]]
	}
	return ct
}

// caseAreas are the plan's areas plus any the read model has from an
// earlier plan.
func caseAreas(p *plan.Plan, agg map[string]int64) []string {
	var out []string
	for _, a := range p.Areas {
		out = append(out, a.ID)
	}
	var earlier []string
	for k := range agg {
		if f := splitFact(k); f[0] == "cases" && len(f) == 3 && !slices.Contains(out, f[2]) && !slices.Contains(earlier, f[2]) {
			earlier = append(earlier, f[2])
		}
	}
	slices.Sort(earlier)
	return append(out, earlier...)
}
