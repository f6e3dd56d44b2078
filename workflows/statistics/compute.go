package statistics

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"helhed/danish"
	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/datarequest"
)

// cellKey addresses one delivered value.
type cellKey struct {
	Area   string
	Year   int
	Figure string
}

// cell is a delivered value that passed validation, or a suppressed one.
type cell struct {
	Value      float64
	Suppressed bool
}

// sheet is the validated key-figure table.
type sheet struct {
	cells  map[cellKey]cell
	reason map[cellKey]string // why a delivered value is not used
	issues []Issue
}

// evaluator computes a pull's result; it is pure.
type evaluator struct {
	p    *plan.Plan
	prep Prepared
	base Baselines
	rule suppress.Rule
	s    sheet
	figs map[string]keyFigure
}

// Evaluate validates the delivered key figures and computes indicators,
// the § 61 a criteria and the verdicts (law.go). answer is nil when the
// data request gave nothing.
func Evaluate(p *plan.Plan, prep Prepared, base Baselines, answer *datarequest.Result) Result {
	e := &evaluator{p: p, prep: prep, base: base, rule: suppress.Rule{Threshold: prep.Threshold}, figs: map[string]keyFigure{}}
	for _, k := range keyFigures(p) {
		e.figs[k.ID] = k
	}
	res := Result{PlanID: prep.PlanID, PlanYear: prep.PlanYear, DataYear: prep.DataYear, Years: prep.Years,
		Threshold: prep.Threshold, Baselines: base}
	e.s = sheet{cells: map[cellKey]cell{}, reason: map[cellKey]string{}}
	switch {
	case answer == nil:
		res.KeyFigures = "none"
		e.s.issues = append(e.s.issues, Issue{Kind: IssueNoAnswer, Message: "Monitoreringsenheden har ikke leveret nøgletal."})
	case answer.Status != datarequest.StatusAnswered:
		res.KeyFigures = answer.Status
		e.s.issues = append(e.s.issues, Issue{Kind: IssueNoAnswer, Message: "Dataanmodningen til monitoreringsenheden blev annulleret: " + answer.Reason})
	default:
		res.KeyFigures, res.KeyFiguresOnTime = answer.Status, answer.OnTime
		e.read(answer.Rows)
	}
	res.Indicators = e.indicators()
	res.Criteria = e.criteria()
	res.ListDate = ListDate(prep.DataYear).String()
	res.Designations = e.designations(res.Criteria)
	res.Issues = e.s.issues
	return res
}

// read parses and validates the rows; nothing invalid enters the sheet.
func (e *evaluator) read(rows []map[string]string) {
	type delivered struct {
		key  cellKey
		cell cell
		line int
	}
	var all []delivered
	seen := map[cellKey]int{}
	for i, row := range rows {
		line := i + 2 // line 1 is the header
		area, fig := strings.TrimSpace(row[ColArea]), strings.TrimSpace(row[ColFigure])
		year, err := strconv.Atoi(strings.TrimSpace(row[ColYear]))
		is := Issue{Line: line, Area: area, KeyFigure: fig, Year: year}
		if err != nil || (year != e.prep.Years[0] && year != e.prep.Years[1]) {
			is.Kind, is.Message = IssueOutsideYears, fmt.Sprintf("linje %d: året %q er ikke %d eller %d; rækken er ikke brugt", line, row[ColYear], e.prep.Years[0], e.prep.Years[1])
			e.s.issues = append(e.s.issues, is)
			continue
		}
		k := cellKey{area, year, fig}
		if first, dup := seen[k]; dup {
			is.Kind, is.Message = IssueDuplicate, fmt.Sprintf("linje %d: %s for %s %d står også i linje %d; kun linje %d er brugt", line, fig, area, year, first, first)
			e.s.issues = append(e.s.issues, is)
			continue
		}
		seen[k] = line
		raw := strings.TrimSpace(row[ColValue])
		if raw == ".." {
			is.Kind, is.Message = IssueSuppressed, fmt.Sprintf("linje %d: %s for %s %d er diskretioneret af leverandøren (..)", line, fig, area, year)
			e.s.issues = append(e.s.issues, is)
			e.s.cells[k] = cell{Suppressed: true}
			e.s.reason[k] = "diskretioneret af leverandøren"
			continue
		}
		v, err := danish.ParseNumber(raw)
		if err != nil {
			is.Kind, is.Message = IssueBadNumber, fmt.Sprintf("linje %d: %s for %s %d: %q er ikke et tal", line, fig, area, year, raw)
			e.s.issues = append(e.s.issues, is)
			e.s.reason[k] = "ugyldigt tal i linje " + strconv.Itoa(line)
			continue
		}
		kf := e.figs[fig]
		switch {
		case kf.Kind == kindPercent && (v < 0 || v > 100):
			is.Kind, is.Message = IssueOver100, fmt.Sprintf("linje %d: %s for %s %d er %s %%, men en procent skal ligge mellem 0 og 100; tallet er ikke brugt", line, fig, area, year, raw)
		case (kf.Kind == kindCount || kf.Kind == kindAmount) && v < 0:
			is.Kind, is.Message = IssueBadNumber, fmt.Sprintf("linje %d: %s for %s %d er negativ (%s); tallet er ikke brugt", line, fig, area, year, raw)
		}
		if is.Kind != "" {
			e.s.issues = append(e.s.issues, is)
			e.s.reason[k] = "ugyldigt tal i linje " + strconv.Itoa(line)
			continue
		}
		all = append(all, delivered{k, cell{Value: v}, line})
	}
	// Counts against their populations, once every row is in: a count
	// larger than the population it belongs to is not used.
	vals := map[cellKey]float64{}
	for _, d := range all {
		vals[d.key] = d.cell.Value
	}
	for _, d := range all {
		kf := e.figs[d.key.Figure]
		if kf.Kind == kindCount && kf.Population != "-" {
			pop, popName := e.population(vals, d.key, kf.Population)
			if pop >= 0 && d.cell.Value > pop {
				e.s.issues = append(e.s.issues, Issue{Line: d.line, Area: d.key.Area, KeyFigure: d.key.Figure, Year: d.key.Year, Kind: IssueOverPop,
					Message: fmt.Sprintf("linje %d: %s for %s %d er %s, flere end %s (%s); tallet er ikke brugt", d.line, d.key.Figure, d.key.Area, d.key.Year,
						danish.FormatNumber(d.cell.Value, -1), popName, danish.FormatNumber(pop, -1))})
				e.s.reason[d.key] = "større end befolkningen (linje " + strconv.Itoa(d.line) + ")"
				continue
			}
		}
		e.s.cells[d.key] = d.cell
	}
	// Areas without a single row.
	have := map[string]bool{}
	for _, row := range rows {
		have[strings.TrimSpace(row[ColArea])] = true
	}
	for _, a := range e.prep.Areas {
		if !have[a] {
			name := a
			if ar, ok := e.p.Area(a); ok {
				name = ar.Name
			}
			e.s.issues = append(e.s.issues, Issue{Area: a, Kind: IssueMissingArea, Message: "Der er ingen nøgletal for " + name + "."})
		}
	}
}

// population returns the population a count is checked against: the
// delivered figure, else the area's residents (delivered, else the plan's).
func (e *evaluator) population(vals map[cellKey]float64, k cellKey, fig string) (float64, string) {
	if fig != "" {
		if v, ok := vals[cellKey{k.Area, k.Year, fig}]; ok {
			return v, e.figs[fig].Label
		}
	}
	if v, ok := vals[cellKey{k.Area, k.Year, KFResidents}]; ok {
		return v, "beboerne"
	}
	if a, ok := e.p.Area(k.Area); ok && a.Residents > 0 {
		return float64(a.Residents), "beboerne ifølge planen"
	}
	if k.Area == AllAreas {
		total := 0
		for _, a := range e.p.Areas {
			total += a.Residents
		}
		return float64(total), "beboerne ifølge planen"
	}
	return -1, ""
}

// get returns a cell's value; missing says why there is none (Danish).
func (e *evaluator) get(area string, year int, fig string) (v cell, missing string) {
	k := cellKey{area, year, fig}
	if c, ok := e.s.cells[k]; ok {
		if c.Suppressed {
			return c, e.s.reason[k]
		}
		return c, ""
	}
	if r, ok := e.s.reason[k]; ok {
		return cell{}, r
	}
	return cell{}, "ikke leveret"
}

// ratio is a share of two delivered counts in one area and year.
type ratio struct {
	num, den float64
	missing  string
}

func (e *evaluator) ratio(area string, year int, num, den string) ratio {
	n, m1 := e.get(area, year, num)
	d, m2 := e.get(area, year, den)
	switch {
	case m1 != "":
		return ratio{missing: fmt.Sprintf("%s %d: %s", e.figs[num].Label, year, m1)}
	case m2 != "":
		return ratio{missing: fmt.Sprintf("%s %d: %s", e.figs[den].Label, year, m2)}
	case d.Value == 0:
		return ratio{missing: fmt.Sprintf("%s %d er 0", e.figs[den].Label, year)}
	}
	return ratio{num: n.Value, den: d.Value}
}

// derived are indicators computed from the criteria key figures.
var derived = map[string][2]string{
	"uden-tilknytning-18-64-aar": {KFOutside1864, KFResidents1864},
	"grundskole-30-59-aar":       {KFPrimaryOnly3059, ""},
}

// indicators computes every plan indicator per area.
func (e *evaluator) indicators() []IndicatorValue {
	var out []IndicatorValue
	yearIdx := 0
	if y, ok := e.p.PlanYear(e.prep.PlanYear); ok {
		yearIdx = y.Index
	}
	for _, ind := range e.p.Indicators {
		var rows []IndicatorValue
		for _, a := range e.indicatorAreas(ind) {
			iv := IndicatorValue{Indicator: ind.ID, Area: a, Unit: ind.Unit, Better: ind.Better}
			iv.Baseline = baselineOf(ind, a, e.combineAreas(ind))
			if len(ind.Kommune) > 0 {
				v := ind.Kommune[0].Value
				iv.Kommune = &v
			}
			iv.Target = targetOf(ind, a, e.prep.PlanYear, yearIdx, iv.Baseline)
			e.value(ind, &iv)
			rows = append(rows, iv)
		}
		if countsPersons(ind.Unit) {
			e.suppressCounts(ind, rows)
		}
		for i := range rows {
			rows[i].Status = status(rows[i])
		}
		out = append(out, rows...)
	}
	return out
}

// countsPersons reports whether an indicator of unit is a count of
// persons, the figures the discretion rule hides when small. A share
// computed from counts is hidden by them (value); a percentage or an
// average the monitoring unit delivers comes without its counts and is
// published as delivered; the plan's own baselines and targets are never
// hidden.
func countsPersons(unit string) bool { return unit == "persons" || unit == "count" }

// suppressCounts applies the discretion rule to the figures of an
// indicator that counts persons (rows, one per area and AllAreas). They
// are one suppress.Table: the areas add up to AllAreas, so with a small
// area count hidden, enough further figures are hidden that subtracting
// the published areas from the total gives none of them away. An area
// without a usable figure is part of the total too: the areas without
// one are a count nobody publishes (Internal), protected when it is
// small. A figure the monitoring unit delivered as ".." is hidden
// whatever its size, so it is taken as a small count.
func (e *evaluator) suppressCounts(ind plan.Indicator, rows []IndicatorValue) {
	var t suppress.Table
	ids := make([]int, len(rows))
	byArea := map[string]int{}
	for i, iv := range rows {
		switch {
		case iv.Value.Suppressed:
			ids[i] = t.Count(1)
		case iv.HasValue:
			ids[i] = t.Count(count(iv.Value.Value))
		default:
			ids[i] = -1 // no figure
		}
		byArea[iv.Area] = i
	}
	if all, ok := byArea[AllAreas]; ok && ids[all] >= 0 {
		parts, _ := e.allAreasParts(ind)
		var partIDs []int
		rest, restKnown, uncovered := count(rows[all].Value.Value), !rows[all].Value.Suppressed, false
		for _, a := range parts {
			i, ok := byArea[a]
			if !ok || ids[i] < 0 {
				uncovered = true
				continue
			}
			partIDs = append(partIDs, ids[i])
			if rows[i].Value.Suppressed {
				restKnown = false
			} else {
				rest -= count(rows[i].Value.Value)
			}
		}
		if uncovered {
			if !restKnown {
				rest = 1 // the rest's size is unknown: protect it
			}
			partIDs = append(partIDs, t.Internal(rest))
		}
		if len(partIDs) > 0 {
			t.Sum(ids[all], partIDs...)
		}
	}
	cells := e.rule.Suppress(&t)
	for i, id := range ids {
		if id >= 0 && cells[id].Suppressed {
			rows[i].Value = suppress.Cell{Suppressed: true}
		}
	}
}

// allAreasParts are the areas an indicator's AllAreas figure adds up:
// every plan area when the monitoring unit delivered the figure ("alle"
// is the areas together), else the areas value adds up itself
// (combineAreas).
func (e *evaluator) allAreasParts(ind plan.Indicator) (parts []string, delivered bool) {
	_, isDerived := derived[ind.ID]
	if _, ok := e.s.cells[cellKey{AllAreas, e.prep.DataYear, ind.ID}]; ok && !isDerived {
		return e.prep.Areas, true
	}
	return e.combineAreas(ind), false
}

// count is a figure as a whole count of persons.
func count(v float64) int { return int(math.Round(v)) }

// indicatorAreas are the areas an indicator is reported for: those with a
// baseline or a delivered value, plus AllAreas for an indicator with a
// baseline or target for the areas together.
func (e *evaluator) indicatorAreas(ind plan.Indicator) []string {
	want := map[string]bool{}
	for _, b := range ind.Baselines {
		want[orAll(b.Area)] = true
	}
	for _, t := range ind.Targets {
		want[orAll(t.Area)] = true
	}
	figs := []string{ind.ID}
	if d, ok := derived[ind.ID]; ok {
		figs = []string{d[0]}
	}
	for k := range e.s.cells {
		for _, f := range figs {
			if k.Figure == f && k.Year == e.prep.DataYear {
				want[k.Area] = true
			}
		}
	}
	var out []string
	for _, a := range append([]string{AllAreas}, e.prep.Areas...) {
		if want[a] {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = []string{AllAreas}
	}
	return out
}

// combineAreas are the areas summed for AllAreas: the indicator's area
// baselines' areas, else every plan area.
func (e *evaluator) combineAreas(ind plan.Indicator) []string {
	var out []string
	for _, b := range ind.Baselines {
		if b.Area != "" {
			out = append(out, b.Area)
		}
	}
	if len(out) == 0 {
		out = e.prep.Areas
	}
	return out
}

// value fills iv's value; a share is suppressed where few persons are in
// it or outside it.
func (e *evaluator) value(ind plan.Indicator, iv *IndicatorValue) {
	y := e.prep.DataYear
	d, isDerived := derived[ind.ID]
	parts := []string{iv.Area}
	if sum, delivered := e.allAreasParts(ind); iv.Area == AllAreas && !delivered {
		parts = sum
	}
	var num, den float64
	for _, a := range parts {
		switch {
		case isDerived && d[1] != "":
			r := e.ratio(a, y, d[0], d[1])
			if r.missing != "" {
				iv.Missing = areaName(e.p, a) + ": " + r.missing
				return
			}
			num, den = num+r.num, den+r.den
		default:
			fig := ind.ID
			if isDerived {
				fig = d[0]
			}
			c, m := e.get(a, y, fig)
			if m != "" {
				iv.Missing = areaName(e.p, a) + ": " + m
				if c.Suppressed {
					iv.Value = suppress.Cell{Suppressed: true}
				}
				return
			}
			if len(parts) > 1 && (ind.Unit == "percent" || ind.Unit == "grade") {
				iv.Missing = "procenter og gennemsnit kan ikke lægges sammen på tværs af områderne; lever en række for \"alle\""
				return
			}
			num += c.Value
		}
	}
	iv.HasValue = true
	switch {
	case isDerived && d[1] != "":
		iv.Value, _ = e.rule.Share(num, den)
		iv.Value.Value = danish.Round(iv.Value.Value, 1)
	default:
		// A count of persons is suppressed with the indicator's other
		// figures (suppressCounts).
		iv.Value = suppress.Cell{Value: num}
	}
}

// status compares the value with the baseline in the direction of better.
func status(iv IndicatorValue) string {
	switch {
	case iv.Value.Suppressed:
		return StatusSuppressed
	case !iv.HasValue:
		return StatusMissing
	case iv.Baseline == nil:
		return StatusNoBaseline
	}
	diff := iv.Value.Value - *iv.Baseline
	switch {
	case math.Abs(diff) < 1e-9:
		return StatusSame
	case (diff < 0) == (iv.Better == plan.BetterLower):
		return StatusBetter
	}
	return StatusWorse
}

// baselineOf is the plan's baseline for an area; for AllAreas the
// areas-together baseline, else the sum of the area baselines of a count.
func baselineOf(ind plan.Indicator, area string, combine []string) *float64 {
	var sum float64
	var n int
	for _, b := range ind.Baselines {
		if orAll(b.Area) == area {
			v := b.Value
			return &v
		}
	}
	if area != AllAreas || (ind.Unit != "persons" && ind.Unit != "count") {
		return nil
	}
	for _, b := range ind.Baselines {
		for _, c := range combine {
			if b.Area == c {
				sum += b.Value
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	return &sum
}

// targetOf is the level an indicator should be at by the plan year's end:
// a "faerre-…" target (so many fewer per year) counts down from the
// baseline; any other target is the level itself.
func targetOf(ind plan.Indicator, area, year string, yearIdx int, baseline *float64) *float64 {
	for _, t := range ind.Targets {
		if t.Year != year || orAll(t.Area) != area {
			continue
		}
		v := t.Headline()
		if strings.HasPrefix(t.Metric, "faerre-") {
			if baseline == nil {
				return nil
			}
			v = *baseline - v*float64(yearIdx+1)
		}
		return &v
	}
	return nil
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func orAll(area string) string {
	if area == "" {
		return AllAreas
	}
	return area
}

func areaName(p *plan.Plan, id string) string {
	if a, ok := p.Area(id); ok {
		return a.Name
	}
	if id == AllAreas {
		return "Alle områder"
	}
	return id
}
