package absence

import (
	"helhed/suppress"
	"helhed/workflows/absence"
)

// statCells are an area's quarter figures (or the total's) as they may be
// published.
type statCells struct {
	pupils, flags10, flags15 suppress.Cell
	percent                  suppress.Cell // the absence percent: an average over the pupils
	hasPercent               bool          // false when there are no pupils
}

// publishedStats are the quarter's figures per area (in o.Areas' order)
// and in all, suppressed as one table, so the note, the read model and
// /metrics hide the same cells. Per column the areas add up to "alle";
// within an area the pupils at 15 % or more are part of those at 10 % or
// more, who are part of the pupils, and the pupils in between are counts
// too (6 pupils of whom 5 are flagged says 1 is not), so a small one of
// those is protected as well. The percent is hidden when the pupils are
// fewer than the threshold.
func publishedStats(threshold int, o absence.Outcome) (areas []statCells, total statCells) {
	rule := suppress.Rule{Threshold: threshold}
	var t suppress.Table
	type row struct{ pupils, flags10, flags15 int }
	add := func(st absence.AreaStat) row {
		r := row{t.Count(st.Pupils), t.Count(st.Flags10), t.Count(st.Flags15)}
		t.Sum(r.flags10, r.flags15, t.Internal(st.Flags10-st.Flags15))
		t.Sum(r.pupils, r.flags10, t.Internal(st.Pupils-st.Flags10))
		return r
	}
	all := add(o.Total)
	var parts []row
	for _, st := range o.Areas {
		parts = append(parts, add(st))
	}
	column := func(pick func(row) int) []int {
		ids := make([]int, len(parts))
		for i, r := range parts {
			ids[i] = pick(r)
		}
		return ids
	}
	t.Sum(all.pupils, column(func(r row) int { return r.pupils })...)
	t.Sum(all.flags10, column(func(r row) int { return r.flags10 })...)
	t.Sum(all.flags15, column(func(r row) int { return r.flags15 })...)
	cells := rule.Suppress(&t)
	out := func(st absence.AreaStat, r row) statCells {
		sc := statCells{pupils: cells[r.pupils], flags10: cells[r.flags10], flags15: cells[r.flags15]}
		sc.percent, sc.hasPercent = rule.Average(st.Percent, float64(st.Pupils))
		return sc
	}
	for i, st := range o.Areas {
		areas = append(areas, out(st, parts[i]))
	}
	return areas, out(o.Total, all)
}

// publishedCourses are the quarter's new individual courses and the plan
// year's to date as they may be published. The year's count is the
// earlier quarters' plus this one's, so once a quarter's new courses are
// hidden the year's count stays hidden for the rest of the plan year
// (Outcome.CoursesHidden); else the quarters' notes would give it away.
func publishedCourses(threshold int, o absence.Outcome) (added, ytd suppress.Cell) {
	rule := suppress.Rule{Threshold: threshold}
	added, ytd = rule.Count(float64(o.NewCourses)), rule.Count(float64(o.CoursesYTD))
	if o.CoursesHidden {
		ytd = suppress.Cell{Suppressed: true}
	}
	return added, ytd
}
