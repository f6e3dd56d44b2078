package statistics_test

import (
	"strconv"
	"strings"
	"testing"

	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

const gj = "gl-jennumparken"

// evaluate runs the pure evaluation of Gl. Jennumparken's rows ("figure
// year value") against the comparators: the national share convicted 1.0 %
// in 2023 and 2024, and the region's income per year.
func evaluate(t *testing.T, p *plan.Plan, region map[int]float64, rows ...string) statistics.Result {
	t.Helper()
	prep := statistics.Prepared{PlanID: p.ID, PlanYear: "2024-25", DataYear: 2024, Years: []int{2023, 2024}, Areas: []string{gj}, Threshold: 5}
	base := statistics.Baselines{Figures: []statistics.BaselineFigure{
		{Key: statistics.BConvictedShare, Area: statistics.AreaCountry, Value: 1, Year: 2023, Period: "2023", Table: "STRAFNA8"},
		{Key: statistics.BConvictedShare, Area: statistics.AreaCountry, Value: 1, Year: 2024, Period: "2024", Table: "STRAFNA8"},
	}}
	for y, v := range region {
		base.Figures = append(base.Figures, statistics.BaselineFigure{Key: statistics.BIncomeRegion, Area: statistics.AreaRegion, Value: v, Year: y, Period: strconv.Itoa(y), Table: "INDKP111"})
	}
	var rs []map[string]string
	for _, r := range rows {
		f := strings.Fields(r)
		rs = append(rs, map[string]string{statistics.ColArea: gj, statistics.ColFigure: f[0], statistics.ColYear: f[1], statistics.ColValue: f[2]})
	}
	return statistics.Evaluate(p, prep, base, &datarequest.Result{Status: datarequest.StatusAnswered, Rows: rs})
}

// met is the verdict of every criterion of the one area, in the statute's
// order.
func met(r statistics.Result) string {
	var out []string
	for _, c := range r.Criteria {
		out = append(out, c.Met)
	}
	return strings.Join(out, " ")
}

// Rows that meet criteria 1 and 3 exactly past their thresholds.
var twoMet = []string{
	"beboere-18-64 2023 800", "beboere-18-64 2024 800",
	"uden-beskaeftigelse-uddannelse-18-64 2023 321", "uden-beskaeftigelse-uddannelse-18-64 2024 321", // 40.125 % > 40
	"beboere-30-59 2024 500", "kun-grundskole-30-59 2024 301", // 60.2 % > 60
}

func TestThresholdsAtTheBoundary(t *testing.T) {
	p := statstest.Randers(t)
	// Exactly at each threshold: 40 % and 60 % are not over, 3 × 1.0 %
	// is "at least", 55 % is not under.
	r := evaluate(t, p, map[int]float64{2024: 400000},
		"beboere-18-64 2023 1000", "beboere-18-64 2024 1000",
		"uden-beskaeftigelse-uddannelse-18-64 2023 390", "uden-beskaeftigelse-uddannelse-18-64 2024 410", // (39 + 41) / 2 = 40
		"beboere-18-plus 2023 1000", "beboere-18-plus 2024 1000",
		"domfaeldte-18-plus 2023 25", "domfaeldte-18-plus 2024 35", // (2.5 + 3.5) / 2 = 3.0
		"beboere-30-59 2024 500", "kun-grundskole-30-59 2024 300", // 60 %
		"bruttoindkomst-15-64 2024 220000") // 220,000 / 400,000 = 55 %
	if got := met(r); got != "nej ja nej nej" {
		t.Fatalf("verdicts %q, want nej ja nej nej: %+v", got, r.Criteria)
	}
	for _, c := range r.Criteria {
		if c.Margin != 0 {
			t.Errorf("%s margin %v at the threshold", c.Criterion, c.Margin)
		}
	}
	// One criterion, 1,363 residents (the plan's): not on the list.
	if d := r.Designations[0]; d.Udsat != statistics.VerdictNo || d.CriteriaMet != 1 {
		t.Errorf("%+v", d)
	}
}

func TestParallelsamfund(t *testing.T) {
	p := statstest.Randers(t)
	share := 50.5
	p.Areas[0].NonWesternShare, p.Areas[0].NonWesternYear = &share, 2024
	r := evaluate(t, p, nil, append(twoMet, "beboere 2024 1200")...)
	d := r.Designations[0]
	if d.Udsat != statistics.VerdictYes || d.Parallelsamfund != statistics.VerdictYes || d.Residents != 1200 {
		t.Fatalf("%+v", d)
	}
	if !strings.Contains(strings.Join(d.Reasons, " "), "udsat boligområde, og andelen af indvandrere og efterkommere fra ikke-vestlige lande er 50,5 % ifølge planen (2024), over 50 %") {
		t.Errorf("reasons %q", d.Reasons)
	}
	// Without the plan's share the parallelsamfund verdict waits for it.
	p.Areas[0].NonWesternShare = nil
	d = evaluate(t, p, nil, append(twoMet, "beboere 2024 1200")...).Designations[0]
	if d.Parallelsamfund != statistics.VerdictUnknown || !strings.Contains(strings.Join(d.Reasons, " "), "planen angiver den ikke: non_western_share") {
		t.Errorf("%+v", d)
	}
	// Over 50 % but unknown whether udsat: unknown, with what is missing.
	p.Areas[0].NonWesternShare = &share
	d = evaluate(t, p, nil, "beboere-18-64 2023 1000", "beboere-18-64 2024 1000",
		"uden-beskaeftigelse-uddannelse-18-64 2023 500", "uden-beskaeftigelse-uddannelse-18-64 2024 500").Designations[0]
	if d.Udsat != statistics.VerdictUnknown || d.Parallelsamfund != statistics.VerdictUnknown || len(d.Missing) != 3 {
		t.Errorf("%+v", d)
	}
}

func TestResidents(t *testing.T) {
	p := statstest.Randers(t)
	// Two criteria met but no count at all: unknown, for want of it.
	p.Areas[0].Residents = 0
	d := evaluate(t, p, nil, twoMet...).Designations[0]
	if d.Udsat != statistics.VerdictUnknown || len(d.Missing) != 1 || d.Missing[0] != "beboertallet" {
		t.Errorf("%+v", d)
	}
	// 999 delivered: not on the list, whatever the criteria.
	d = evaluate(t, p, nil, append(twoMet, "beboere 2024 999")...).Designations[0]
	if d.Udsat != statistics.VerdictNo || d.CriteriaMet != 2 || !strings.Contains(d.Reasons[0], "999 beboere ifølge monitoreringsenhedens nøgletal 2024: færre end 1.000") {
		t.Errorf("%+v", d)
	}
	// The newest delivered count wins over the older one and the plan's.
	d = evaluate(t, p, nil, append(twoMet, "beboere 2023 999", "beboere 2024 1000")...).Designations[0]
	if d.Udsat != statistics.VerdictYes || d.Residents != 1000 {
		t.Errorf("%+v", d)
	}
}

func TestIncomeYearsMatch(t *testing.T) {
	p := statstest.Randers(t)
	// Statbank has the region's 2023 figure, not yet 2024's: the area's
	// 2023 income is compared, 170,000 / 340,000 = 50.0 %, under 55.
	r := evaluate(t, p, map[int]float64{2023: 340000}, "bruttoindkomst-15-64 2023 170000", "bruttoindkomst-15-64 2024 200000")
	c := statstest.FindCriterion(t, r, statistics.CritIncome, gj)
	if c.Met != statistics.VerdictYes || c.Value.Value != 50 || c.Margin != -5 || len(c.Years) != 1 || c.Years[0] != 2023 {
		t.Errorf("%+v", c)
	}
	// Only an older year in Statbank: unknown, never a comparison across
	// years (incomes rise, which would flatter the area).
	r = evaluate(t, p, map[int]float64{2022: 330000}, "bruttoindkomst-15-64 2023 170000", "bruttoindkomst-15-64 2024 200000")
	c = statstest.FindCriterion(t, r, statistics.CritIncome, gj)
	if c.Met != statistics.VerdictUnknown || c.HasValue || !strings.Contains(c.Missing, "regionens gennemsnitlige indkomst for 2024 og 2023 mangler (nyeste i Statbank: 2022)") {
		t.Errorf("%+v", c)
	}
}

func TestNationalShareFromOtherYears(t *testing.T) {
	p := statstest.Randers(t)
	prep := statistics.Prepared{PlanID: p.ID, PlanYear: "2024-25", DataYear: 2024, Years: []int{2023, 2024}, Areas: []string{gj}, Threshold: 5}
	// Statbank's crime tables lag: 2022 and 2023 only; the average is
	// theirs, and the criterion says so.
	base := statistics.Baselines{Figures: []statistics.BaselineFigure{
		{Key: statistics.BConvictedShare, Area: statistics.AreaCountry, Value: 0.8, Year: 2021},
		{Key: statistics.BConvictedShare, Area: statistics.AreaCountry, Value: 0.9, Year: 2022},
		{Key: statistics.BConvictedShare, Area: statistics.AreaCountry, Value: 1.1, Year: 2023},
	}}
	r := statistics.Evaluate(p, prep, base, nil)
	c := statstest.FindCriterion(t, r, statistics.CritConvictions, gj)
	if c.Threshold != 3 || !strings.Contains(c.Approximation, "Landsgennemsnittet er for 2022 og 2023, områdets tal for 2023 og 2024") {
		t.Errorf("%+v", c)
	}
	// No data at all: every verdict unknown, and why.
	for _, c := range r.Criteria {
		if c.Met != statistics.VerdictUnknown || c.Missing == "" {
			t.Errorf("%+v", c)
		}
	}
	if d := r.Designations[0]; d.Udsat != statistics.VerdictUnknown || len(d.Missing) != 4 {
		t.Errorf("%+v", d)
	}
}
