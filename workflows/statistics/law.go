package statistics

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"helhed/danish"
	"helhed/suppress"
)

// Almenboligloven § 61 a as the ministry applies it for the list of 1
// December (stk. 5):
//
//   - stk. 1: an udsat boligområde meets at least two of four criteria:
//     nr. 1 over 40 % of the residents 18-64 years outside work and
//     education (average of the last two years); nr. 2 the share of the
//     residents (18 years and over) convicted under the penal code, the
//     weapons acts or the drugs act at least three times the national
//     share (average of the last two years); nr. 3 over 60 % of the
//     residents 30-59 years with only primary school; nr. 4 the average
//     gross income of taxpayers 15-64 years, excluding those in education,
//     under 55 % of the same group's average in the region;
//   - stk. 3: the area has at least 1,000 residents;
//   - stk. 2: a parallelsamfund is an area that meets two of the criteria
//     (and stk. 3) where immigrants and descendants from non-western
//     countries are over 50 %.
//
// The area figures are the monitoring unit's key figures, computed as the
// ministry does; the national and regional comparators come from Statbank.
// Where Statbank lacks the statute's population, the stand-in errs the
// safe way for an early warning: the area is flagged early rather than
// late (Approximation says so in each criterion).
const (
	MinResidents        = 1000 // stk. 3
	CriteriaToList      = 2    // stk. 1: at least two of the four
	LimitOutsideWork    = 40.0 // nr. 1: over, percent
	ConvictionsFactor   = 3.0  // nr. 2: at least, times the national share
	LimitEducation      = 60.0 // nr. 3: over, percent
	LimitIncome         = 55.0 // nr. 4: under, percent of the region
	LimitNonWestern     = 50.0 // stk. 2: over, percent
	criteriaInStatute   = 4
	trendTolerancePoint = 0.05 // margins are rounded to 0.1 point
)

// criterionName names a criterion in the reasons (Danish).
var criterionName = map[string]string{
	CritOutsideWork: "uden for arbejde og uddannelse",
	CritConvictions: "dømte for kriminalitet",
	CritEducation:   "alene grundskole",
	CritIncome:      "indkomst",
}

// Where Statbank lacks the statute's population: what stands in, and why
// that errs toward an early warning.
const (
	approxConvictions = "Danmarks Statistik har ikke dømte personer efter straffeloven, våbenloven og lov om euforiserende stoffer samlet, " +
		"og tabellen over skyldige personer har ikke 18 år som aldersgrænse. Landsgennemsnittet er derfor personer med en dom efter " +
		"straffeloven (STRAFNA8: ubetinget og betinget frihedsstraf, bøde og foranstaltningsdom) minus alle afgørelser for 15-17-årige " +
		"(STRAF40), i procent af befolkningen på 18 år og derover (FOLK1A). Det er et tal i underkanten, så grænsen er lidt lavere end " +
		"ministeriets: området varsles hellere for tidligt end for sent."
	approxIncome = "Danmarks Statistik har ikke regionens gennemsnit for skattepligtige 15-64 år uden uddannelsessøgende. Brugt er den " +
		"gennemsnitlige indkomst før skat for personer 25-64 år med indkomst (INDKP111), hvor de 15-24-årige og dermed de fleste " +
		"uddannelsessøgende ikke er med. Det er et tal i overkanten, så området når grænsen hellere for tidligt end for sent."
)

// comparator is a national or regional figure a threshold is computed
// from.
type comparator struct {
	value   float64
	years   []int
	basis   string // Danish
	missing string // Danish, when there is none
}

// criteria computes the four § 61 a criteria per plan area.
func (e *evaluator) criteria() []CriterionValue {
	nat := e.nationalConvictedShare()
	var out []CriterionValue
	for _, a := range e.prep.Areas {
		out = append(out, e.outsideWork(a), e.convictions(a, nat), e.education(a), e.income(a))
	}
	return out
}

// nr. 1: over 40 % of 18-64 outside work and education, two-year average.
func (e *evaluator) outsideWork(area string) CriterionValue {
	c := CriterionValue{Criterion: CritOutsideWork, Area: area, Threshold: LimitOutsideWork, Comparison: CompareOver, Years: e.prep.Years}
	if avg, ok := e.twoYear(&c, area, KFOutside1864, KFResidents1864); ok {
		judge(&c, avg)
	}
	c.Basis = "Beboere 18-64 år uden for arbejde og uddannelse i procent af beboerne 18-64 år, gennemsnit af " + years(c.Years) +
		" (monitoreringsenhedens nøgletal); grænsen er lovens."
	return c
}

// nr. 2: the share of 18+ convicted at least three times the national
// share, both two-year averages.
func (e *evaluator) convictions(area string, nat comparator) CriterionValue {
	c := CriterionValue{Criterion: CritConvictions, Area: area, Comparison: CompareAtLeast, Years: e.prep.Years, Approximation: approxConvictions}
	avg, ok := e.twoYear(&c, area, KFConvicted18, KFResidents18)
	switch {
	case nat.missing != "":
		// The area's share is known; what it is measured against is not.
		c.HasValue = ok
		c.Met = VerdictUnknown
		c.Missing = joinMissing(c.Missing, "landsgennemsnittet mangler: "+nat.missing)
	case ok:
		c.Threshold = danish.Round(ConvictionsFactor*nat.value, 2)
		judge(&c, avg)
	default:
		c.Threshold = danish.Round(ConvictionsFactor*nat.value, 2)
	}
	c.Basis = "Beboere på 18 år og derover dømt efter straffeloven, våbenloven eller lov om euforiserende stoffer i procent af beboerne " +
		"på 18 år og derover, gennemsnit af " + years(c.Years) + " (monitoreringsenhedens nøgletal)"
	if nat.missing == "" {
		c.Basis += ", mod 3 × landsgennemsnittet " + pct(nat.value, 2) + " = " + pct(c.Threshold, 2) + " (" + nat.basis + ")"
		if !slices.Equal(nat.years, c.Years) {
			c.Approximation += " Landsgennemsnittet er for " + years(nat.years) + ", områdets tal for " + years(c.Years) + ": Statbank har ikke nyere tal."
		}
	}
	c.Basis += "."
	return c
}

// nr. 3: over 60 % of 30-59 with only primary school, the data year.
func (e *evaluator) education(area string) CriterionValue {
	y := e.prep.DataYear
	c := CriterionValue{Criterion: CritEducation, Area: area, Threshold: LimitEducation, Comparison: CompareOver, Years: []int{y}}
	r := e.ratio(area, y, KFPrimaryOnly3059, KFResidents3059)
	if r.missing != "" {
		c.Missing, c.Met = r.missing, VerdictUnknown
	} else {
		c.Value, _ = e.rule.Share(r.num, r.den)
		judge(&c, 100*r.num/r.den)
	}
	c.Basis = "Beboere 30-59 år med alene grundskole i procent af beboerne 30-59 år, " + strconv.Itoa(y) +
		" (monitoreringsenhedens nøgletal); grænsen er lovens."
	return c
}

// nr. 4: the area's average gross income under 55 % of the region's, the
// newest data year both are there for.
func (e *evaluator) income(area string) CriterionValue {
	c := CriterionValue{Criterion: CritIncome, Area: area, Threshold: LimitIncome, Comparison: CompareUnder, Approximation: approxIncome}
	var areaMissing, regionYears []string
	for i := len(e.prep.Years) - 1; i >= 0; i-- {
		y := e.prep.Years[i]
		inc, m := e.get(area, y, KFIncome1564)
		if m != "" {
			areaMissing = append(areaMissing, e.figs[KFIncome1564].Label+" "+strconv.Itoa(y)+": "+m)
			continue
		}
		region, ok := e.base.FindYear(BIncomeRegion, AreaRegion, y)
		if !ok || region.Value <= 0 {
			regionYears = append(regionYears, strconv.Itoa(y))
			continue
		}
		c.Years = []int{y}
		v := 100 * inc.Value / region.Value
		c.Value = suppress.Cell{Value: danish.Round(v, 1)}
		judge(&c, v)
		c.Basis = fmt.Sprintf("Områdets gennemsnitlige bruttoindkomst for skattepligtige 15-64 år uden uddannelsessøgende, %s kr. "+
			"(monitoreringsenhedens nøgletal), i procent af regionens %s kr. (Danmarks Statistik %s, %s), %d.",
			danish.FormatNumber(inc.Value, 0), danish.FormatNumber(region.Value, 0), region.Table, region.Period, y)
		return c
	}
	c.Met = VerdictUnknown
	switch {
	case len(regionYears) == 0:
		c.Missing = strings.Join(areaMissing, "; ")
	default:
		newest := "ingen"
		if f, ok := e.base.Find(BIncomeRegion, AreaRegion); ok {
			newest = f.Period
		}
		c.Missing = fmt.Sprintf("regionens gennemsnitlige indkomst for %s mangler (nyeste i Statbank: %s): %s",
			strings.Join(regionYears, " og "), newest, e.baseMissing(BIncomeRegion))
	}
	c.Basis = "Områdets gennemsnitlige bruttoindkomst for skattepligtige 15-64 år uden uddannelsessøgende i procent af regionens " +
		"(Danmarks Statistik INDKP111), samme år."
	return c
}

// nationalConvictedShare is the national share convicted, the average of
// the two newest years Statbank has up to the data year.
func (e *evaluator) nationalConvictedShare() comparator {
	var figs []BaselineFigure
	for _, f := range e.base.Figures {
		if f.Key == BConvictedShare && f.Area == AreaCountry {
			figs = append(figs, f)
		}
	}
	slices.SortFunc(figs, func(a, b BaselineFigure) int { return a.Year - b.Year })
	if len(figs) > 2 {
		figs = figs[len(figs)-2:]
	}
	if len(figs) == 0 {
		return comparator{missing: e.baseMissing(BConvictedShare)}
	}
	var c comparator
	var parts []string
	for _, f := range figs {
		c.value += f.Value / float64(len(figs))
		c.years = append(c.years, f.Year)
		parts = append(parts, strconv.Itoa(f.Year)+": "+pct(f.Value, 2))
	}
	c.basis = "Danmarks Statistik STRAFNA8, STRAF40 og FOLK1A; " + strings.Join(parts, ", ")
	return c
}

// twoYear is a share averaged over the pull's two years. ok is false when
// a year's figures are missing (c.Missing says which) or suppressed (then
// c.Value is suppressed).
func (e *evaluator) twoYear(c *CriterionValue, area, num, den string) (float64, bool) {
	var sum float64
	suppressed := false
	for _, y := range c.Years {
		r := e.ratio(area, y, num, den)
		if r.missing != "" {
			c.Met = VerdictUnknown
			c.Missing = "kræver tal for både " + years(c.Years) + "; " + r.missing
			return 0, false
		}
		if share, _ := e.rule.Share(r.num, r.den); share.Suppressed {
			suppressed = true // few persons in the share, or few outside it
		}
		sum += 100 * r.num / r.den
	}
	avg := sum / float64(len(c.Years))
	c.Value = suppress.Cell{Value: danish.Round(avg, 1)}
	if suppressed {
		c.Value = suppress.Cell{Suppressed: true}
		judge(c, avg)
		return 0, false
	}
	return avg, true
}

// judge compares v with the threshold: Crossed, Met and Margin.
func judge(c *CriterionValue, v float64) {
	c.HasValue = true
	switch c.Comparison {
	case CompareUnder:
		c.Crossed, c.Margin = v < c.Threshold, v-c.Threshold
	case CompareAtLeast:
		c.Crossed, c.Margin = v >= c.Threshold, c.Threshold-v
	default:
		c.Crossed, c.Margin = v > c.Threshold, c.Threshold-v
	}
	c.Margin = danish.Round(c.Margin, 1)
	c.Met = VerdictNo
	if c.Crossed {
		c.Met = VerdictYes
	}
	if c.Value.Suppressed {
		// Whether a suppressed value crosses would reveal it; only that
		// the figure is withheld is published, and the verdict waits.
		c.Crossed, c.Margin, c.Met = false, 0, VerdictUnknown
		c.Missing = "diskretioneret (for få personer)"
	}
}

// designations are the verdicts per area from its criteria.
func (e *evaluator) designations(crit []CriterionValue) []AreaDesignation {
	list := danish.Date(ListDate(e.prep.DataYear))
	var out []AreaDesignation
	for _, a := range e.prep.Areas {
		d := AreaDesignation{Area: a}
		residents := e.residents(&d)
		var met, unknown []string
		for _, c := range crit {
			if c.Area != a {
				continue
			}
			switch c.Met {
			case VerdictYes:
				met = append(met, criterionName[c.Criterion]+" "+valueText(c)+" "+c.Comparison+" "+pct(c.Threshold, 1))
			case VerdictNo:
			default:
				unknown = append(unknown, criterionName[c.Criterion]+": "+c.Missing)
			}
		}
		d.CriteriaMet, d.CriteriaUnknown = len(met), len(unknown)
		reason := fmt.Sprintf("%d af %d kriterier er opfyldt", len(met), criteriaInStatute)
		if len(met) > 0 {
			reason += ": " + strings.Join(met, "; ")
		}
		if len(unknown) > 0 {
			reason += fmt.Sprintf(" (%d ukendt)", len(unknown))
		}
		d.Reasons = append(d.Reasons, reason+".")

		switch {
		case residents == VerdictNo:
			d.Udsat = VerdictNo
		case len(met) >= CriteriaToList && residents == VerdictYes:
			d.Udsat = VerdictYes
		case len(met)+len(unknown) < CriteriaToList:
			d.Udsat = VerdictNo
		default:
			d.Udsat = VerdictUnknown
			if residents == VerdictUnknown {
				d.Missing = append(d.Missing, "beboertallet")
			}
			if len(met) < CriteriaToList {
				d.Missing = append(d.Missing, unknown...)
			}
		}
		d.Summary = "Udsat boligområde på listen " + list + ", hvis den blev offentliggjort i dag: " + withMissing(d.Udsat, d.Missing)
		e.parallelsamfund(&d)
		out = append(out, d)
	}
	return out
}

// residents sets the area's residents for the 1,000-resident test: the
// newest delivered count, else the plan's; it returns the test's verdict.
func (e *evaluator) residents(d *AreaDesignation) string {
	for i := len(e.prep.Years) - 1; i >= 0; i-- {
		y := e.prep.Years[i]
		if v, m := e.get(d.Area, y, KFResidents); m == "" {
			d.Residents, d.ResidentsSource = int(math.Round(v.Value)), "monitoreringsenhedens nøgletal "+strconv.Itoa(y)
			break
		}
	}
	if d.ResidentsSource == "" {
		if ar, ok := e.p.Area(d.Area); ok && ar.Residents > 0 {
			d.Residents, d.ResidentsSource = ar.Residents, "planen"
			if ar.FiguresYear > 0 {
				d.ResidentsSource += " (" + strconv.Itoa(ar.FiguresYear) + ")"
			}
		}
	}
	n := danish.FormatNumber(float64(d.Residents), 0)
	switch {
	case d.ResidentsSource == "":
		d.Reasons = append(d.Reasons, "Beboertallet mangler (hverken nøgletal eller planens tal).")
		return VerdictUnknown
	case d.Residents < MinResidents:
		d.Reasons = append(d.Reasons, n+" beboere ifølge "+d.ResidentsSource+": færre end 1.000, så området kan ikke komme på listen.")
		return VerdictNo
	}
	d.Reasons = append(d.Reasons, n+" beboere ifølge "+d.ResidentsSource+": mindst 1.000.")
	return VerdictYes
}

// parallelsamfund is the stk. 2 verdict from the plan's non-western share.
func (e *evaluator) parallelsamfund(d *AreaDesignation) {
	ar, _ := e.p.Area(d.Area)
	d.NonWesternShare, d.NonWesternYear = ar.NonWesternShare, ar.NonWesternYear
	var reason string
	var missing []string
	switch share := ar.NonWesternShare; {
	case d.Udsat == VerdictNo:
		d.Parallelsamfund, reason = VerdictNo, "ikke et udsat boligområde"
	case share == nil:
		d.Parallelsamfund = VerdictUnknown
		missing = []string{"andelen af indvandrere og efterkommere fra ikke-vestlige lande (planen angiver den ikke: non_western_share)"}
	case *share <= LimitNonWestern:
		d.Parallelsamfund = VerdictNo
		reason = fmt.Sprintf("andelen af indvandrere og efterkommere fra ikke-vestlige lande er %s ifølge planen (%d), ikke over 50 %%", pct(*share, 1), ar.NonWesternYear)
	case d.Udsat == VerdictYes:
		d.Parallelsamfund = VerdictYes
		reason = fmt.Sprintf("udsat boligområde, og andelen af indvandrere og efterkommere fra ikke-vestlige lande er %s ifølge planen (%d), over 50 %%", pct(*share, 1), ar.NonWesternYear)
	default:
		d.Parallelsamfund, missing = VerdictUnknown, d.Missing
		reason = fmt.Sprintf("andelen af indvandrere og efterkommere fra ikke-vestlige lande er %s ifølge planen (%d), over 50 %%, men om området er udsat, er ukendt", pct(*share, 1), ar.NonWesternYear)
	}
	line := "Parallelsamfund: " + withMissing(d.Parallelsamfund, missing)
	if reason != "" {
		line += " (" + reason + ")"
	}
	d.Reasons = append(d.Reasons, line+".")
}

// AddTrend compares r's criteria with last year's pull prev: each
// criterion with a value in both gets Previous and a Trend from the
// margins (a smaller margin is worse: closer to or further past the
// threshold).
func AddTrend(r *Result, prev *Result) {
	if prev == nil {
		return
	}
	old := map[string]CriterionValue{}
	for _, c := range prev.Criteria {
		if c.HasValue && !c.Value.Suppressed {
			old[c.Criterion+"@"+c.Area] = c
		}
	}
	for i := range r.Criteria {
		c := &r.Criteria[i]
		o, ok := old[c.Criterion+"@"+c.Area]
		if !ok {
			continue
		}
		c.Previous = &PreviousCriterion{PlanYear: prev.PlanYear, Value: o.Value.Value, Threshold: o.Threshold, Margin: o.Margin}
		if c.Met == VerdictUnknown || o.Met == VerdictUnknown {
			continue // no margin to compare
		}
		switch d := c.Margin - o.Margin; {
		case d < -trendTolerancePoint:
			c.Trend = StatusWorse
		case d > trendTolerancePoint:
			c.Trend = StatusBetter
		default:
			c.Trend = StatusSame
		}
	}
}

// baseMissing says why baseline keys are missing.
func (e *evaluator) baseMissing(keys ...string) string {
	var reasons []string
	for _, m := range e.base.Missing {
		for _, k := range keys {
			if slices.Contains(tablesOf(k), m.What) || m.What == "Statbank" || m.What == "plan" {
				reasons = append(reasons, m.Reason)
			}
		}
	}
	if len(reasons) == 0 {
		return "ikke hentet"
	}
	return strings.Join(dedupe(reasons), "; ")
}

// withMissing is a verdict, with what is missing when it is unknown.
func withMissing(verdict string, missing []string) string {
	if verdict != VerdictUnknown || len(missing) == 0 {
		return verdict
	}
	return verdict + " (mangler: " + strings.Join(missing, "; ") + ")"
}

func joinMissing(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// years writes [2023 2024] as "2023 og 2024".
func years(ys []int) string {
	var s []string
	for _, y := range ys {
		s = append(s, strconv.Itoa(y))
	}
	return strings.Join(s, " og ")
}

func pct(v float64, decimals int) string { return danish.FormatNumber(v, decimals) + " %" }

// valueText is a criterion's value as the reasons write it.
func valueText(c CriterionValue) string {
	if c.Criterion == CritIncome {
		return pct(c.Value.Value, 1) + " af regionens"
	}
	return pct(c.Value.Value, 1)
}
