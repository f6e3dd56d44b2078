package statstest

import (
	"math"
	"strings"
	"testing"

	"helhed/dst"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
)

// CheckResult asserts the figures of EXPECTED (the package doc) in a pull
// of the fixture.
func CheckResult(t *testing.T, r statistics.Result) {
	t.Helper()
	if r.PlanYear != "2024-25" || r.DataYear != 2024 || r.Years[0] != 2023 || r.KeyFigures != datarequest.StatusAnswered {
		t.Fatalf("result header %+v", r)
	}
	if r.ListDate != "2025-12-01" {
		t.Errorf("list date %q, want 2025-12-01", r.ListDate)
	}
	const (
		gj, gv, hs      = "gl-jennumparken", "glarbjergvej-omraadet", "hermann-stillingsvej-omraadet"
		ja, nej, ukendt = statistics.VerdictYes, statistics.VerdictNo, statistics.VerdictUnknown
	)
	crit := []struct {
		crit, area string
		value      float64
		met        string
		margin     float64
		missing    string
	}{
		{statistics.CritOutsideWork, gj, 43.2, ja, -3.2, ""},
		{statistics.CritEducation, gj, 64, ja, -4, ""},
		{statistics.CritConvictions, gj, 2.1, nej, 0.9, ""},
		{statistics.CritIncome, gj, 57.1, nej, 2.1, ""},
		{statistics.CritOutsideWork, gv, 31, nej, 9, ""},
		{statistics.CritConvictions, gv, 0, ukendt, 0, "diskretioneret af leverandøren"},
		{statistics.CritEducation, gv, 50, nej, 10, ""},
		{statistics.CritIncome, gv, 60, nej, 5, ""},
		{statistics.CritOutsideWork, hs, 0, ukendt, 0, "større end befolkningen"},
		{statistics.CritConvictions, hs, 2.8, nej, 0.2, ""},
		{statistics.CritEducation, hs, 0, ukendt, 0, "diskretioneret"},
		{statistics.CritIncome, hs, 56, nej, 1, ""},
		{statistics.CritOutsideWork, "vangdalen", 0, ukendt, 0, "ikke leveret"},
		{statistics.CritIncome, "energivej-omraadet", 0, ukendt, 0, "ikke leveret"},
	}
	for _, c := range crit {
		got := FindCriterion(t, r, c.crit, c.area)
		if got.Met != c.met {
			t.Errorf("%s %s: met %q, want %q (%+v)", c.crit, c.area, got.Met, c.met, got)
		}
		if c.missing != "" {
			if !strings.Contains(got.Missing, c.missing) || got.Crossed || (got.HasValue && !got.Value.Suppressed) {
				t.Errorf("%s %s = %+v, want missing %q", c.crit, c.area, got, c.missing)
			}
			continue
		}
		if !got.HasValue || !near(got.Value.Value, c.value) || got.Crossed != (c.met == ja) || !near(got.Margin, c.margin) {
			t.Errorf("%s %s = %+v, want %v met=%v margin %v", c.crit, c.area, got, c.value, c.met, c.margin)
		}
	}
	// The comparators and what they stand in for.
	conv := FindCriterion(t, r, statistics.CritConvictions, gj)
	for _, want := range []string{"3 × landsgennemsnittet 1,00 % = 3,00 %", "2023: 0,90 %, 2024: 1,10 %", "STRAFNA8"} {
		if !strings.Contains(conv.Basis, want) {
			t.Errorf("convictions basis %q lacks %q", conv.Basis, want)
		}
	}
	if conv.Comparison != statistics.CompareAtLeast || !strings.Contains(conv.Approximation, "underkanten") {
		t.Errorf("convictions %+v", conv)
	}
	inc := FindCriterion(t, r, statistics.CritIncome, gj)
	if !strings.Contains(inc.Basis, "200.000 kr.") || !strings.Contains(inc.Basis, "350.000 kr. (Danmarks Statistik INDKP111, 2024)") ||
		inc.Years[0] != 2024 || !strings.Contains(inc.Approximation, "25-64 år") {
		t.Errorf("income %+v", inc)
	}
	// The verdicts per area.
	des := []struct {
		area, udsat, parallel string
		residents             int
		reasons               []string
	}{
		{gj, ja, nej, 1400, []string{"1.400 beboere ifølge monitoreringsenhedens nøgletal 2024: mindst 1.000.",
			"2 af 4 kriterier er opfyldt: uden for arbejde og uddannelse 43,2 % > 40,0 %; alene grundskole 64,0 % > 60,0 %.",
			"Parallelsamfund: nej (andelen af indvandrere og efterkommere fra ikke-vestlige lande er 45,0 % ifølge planen (2020), ikke over 50 %)."}},
		{gv, nej, nej, 1515, []string{"1.515 beboere ifølge planen (2020): mindst 1.000.", "0 af 4 kriterier er opfyldt (1 ukendt).",
			"Parallelsamfund: nej (ikke et udsat boligområde)."}},
		{hs, ukendt, nej, 1010, []string{"1.010 beboere ifølge monitoreringsenhedens nøgletal 2024: mindst 1.000.", "0 af 4 kriterier er opfyldt (2 ukendt)."}},
		{"energivej-omraadet", nej, nej, 980, []string{"980 beboere ifølge planen (2020): færre end 1.000"}},
		{"vangdalen", nej, nej, 880, []string{"880 beboere ifølge planen (2020): færre end 1.000"}},
	}
	for _, w := range des {
		d := FindDesignation(t, r, w.area)
		if d.Udsat != w.udsat || d.Parallelsamfund != w.parallel || d.Residents != w.residents {
			t.Errorf("%s: udsat %s, parallelsamfund %s, %d residents; want %s, %s, %d (%+v)", w.area, d.Udsat, d.Parallelsamfund, d.Residents, w.udsat, w.parallel, w.residents, d)
		}
		all := strings.Join(d.Reasons, "\n")
		for _, want := range w.reasons {
			if !strings.Contains(all, want) {
				t.Errorf("%s: reasons lack %q:\n%s", w.area, want, all)
			}
		}
	}
	if d := FindDesignation(t, r, hs); len(d.Missing) != 2 || !strings.Contains(d.Missing[0], "uden for arbejde og uddannelse: kræver tal for både 2023 og 2024") ||
		!strings.Contains(d.Missing[1], "alene grundskole: diskretioneret") ||
		!strings.HasPrefix(d.Summary, "Udsat boligområde på listen 1. december 2025, hvis den blev offentliggjort i dag: ukendt (mangler: uden for arbejde") {
		t.Errorf("Hermann Stillingsvej-området: missing %q, summary %q", d.Missing, d.Summary)
	}
	if d := FindDesignation(t, r, gj); d.Summary != "Udsat boligområde på listen 1. december 2025, hvis den blev offentliggjort i dag: ja" {
		t.Errorf("Gl. Jennumparken summary %q", d.Summary)
	}
	if c := FindCriterion(t, r, statistics.CritConvictions, "gl-jennumparken"); c.Threshold != 3 {
		t.Errorf("convictions threshold %v, want 3 × 1.0 %%", c.Threshold)
	}
	all := findIndicator(t, r, "grundskole-30-59-aar", statistics.AllAreas)
	if all.Value.Value != 623 || *all.Baseline != 939 || *all.Target != 883 || all.Status != statistics.StatusBetter {
		t.Errorf("grundskole alle %+v baseline %v target %v", all, *all.Baseline, *all.Target)
	}
	if hs := findIndicator(t, r, "grundskole-30-59-aar", "hermann-stillingsvej-omraadet"); !hs.Value.Suppressed || hs.Status != statistics.StatusSuppressed {
		t.Errorf("grundskole HS %+v", hs)
	}
	// 623 − 320 − 300 would give the 3 away: Glarbjergvej's 300, the
	// smallest other count, is hidden too; Gl. Jennumparken's is not.
	if v := findIndicator(t, r, "grundskole-30-59-aar", gv); !v.Value.Suppressed || v.Status != statistics.StatusSuppressed {
		t.Errorf("grundskole GV %+v, want hidden so that HS cannot be worked out", v)
	}
	if v := findIndicator(t, r, "grundskole-30-59-aar", gj); v.Value.Suppressed || v.Value.Value != 320 || v.Status != statistics.StatusBetter {
		t.Errorf("grundskole GJ %+v", v)
	}
	if v := findIndicator(t, r, "fravaer-skole", "energivej-omraadet"); v.Value.Value != 6.1 || v.Status != statistics.StatusBetter {
		t.Errorf("fravær EV %+v", v)
	}
	if v := findIndicator(t, r, "fravaer-skole", "gl-jennumparken"); v.Value.Value != 5.9 || v.Status != statistics.StatusWorse {
		t.Errorf("fravær GJ %+v", v)
	}
	if v := findIndicator(t, r, "fravaer-skole", "glarbjergvej-omraadet"); v.HasValue || !strings.Contains(v.Missing, "ugyldigt tal") {
		t.Errorf("fravær GV %+v", v)
	}
	if v := findIndicator(t, r, "dagtilbud-1-5-aar", statistics.AllAreas); v.Value.Value != 93.1 || v.Status != statistics.StatusBetter {
		t.Errorf("dagtilbud alle %+v", v)
	}
	if v := findIndicator(t, r, "uden-tilknytning-18-64-aar", statistics.AllAreas); v.HasValue || !strings.Contains(v.Missing, "Hermann") {
		t.Errorf("uden tilknytning alle %+v", v)
	}
	kinds := map[string]int{}
	for _, is := range r.Issues {
		kinds[is.Kind]++
	}
	for k, n := range map[string]int{statistics.IssueMissingArea: 1, statistics.IssueSuppressed: 1, statistics.IssueOver100: 1,
		statistics.IssueOverPop: 1, statistics.IssueOutsideYears: 1, statistics.IssueDuplicate: 1} {
		if kinds[k] != n {
			t.Errorf("%d issues of kind %s, want %d: %+v", kinds[k], k, n, r.Issues)
		}
	}
	// Baselines, HFUDD16 missing with its code.
	for _, w := range []struct {
		key, area string
		year      int
		v         float64
	}{{statistics.BPopulation, "730", 2024, 100000}, {statistics.BPopulation18, statistics.AreaCountry, 2024, 4000000},
		{statistics.BPopulation18, statistics.AreaCountry, 2023, 4000000},
		{statistics.BPrimaryOnly, "730", 2024, 15}, {statistics.BPrimaryOnly, statistics.AreaCountry, 2024, 10},
		{statistics.BIncome, statistics.AreaRegion, 2024, 350000}, {statistics.BIncome, "730", 2024, 340000.5},
		{statistics.BIncomeRegion, statistics.AreaRegion, 2024, 350000}, {statistics.BIncomeRegion, statistics.AreaRegion, 2023, 340000},
		{statistics.BConvictedPenal, statistics.AreaCountry, 2023, 37500}, {statistics.BConvictedPenal, statistics.AreaCountry, 2024, 45000},
		{statistics.BDecisions1517, statistics.AreaCountry, 2023, 1500}, {statistics.BDecisions1517, statistics.AreaCountry, 2024, 1000},
		{statistics.BConvictedShare, statistics.AreaCountry, 2023, 0.9}, {statistics.BConvictedShare, statistics.AreaCountry, 2024, 1.1}} {
		if f, ok := r.Baselines.FindYear(w.key, w.area, w.year); !ok || !near(f.Value, w.v) {
			t.Errorf("baseline %s %s %d = %+v %v, want %v", w.key, w.area, w.year, f, ok, w.v)
		}
	}
	if f, ok := r.Baselines.Find(statistics.BPopulation, "730"); !ok || f.Period != "2024K4" {
		t.Errorf("newest kommune population %+v, want 2024K4 (not 2025K1, after the data year)", f)
	}
	var sawHFUDD16 bool
	for _, m := range r.Baselines.Missing {
		if m.What == "HFUDD16" && m.Code == dst.CodeNotFound && strings.Contains(m.Reason, "EXTRACT-NOTFOUND") {
			sawHFUDD16 = true
		}
	}
	if !sawHFUDD16 {
		t.Errorf("HFUDD16 not recorded missing: %+v", r.Baselines.Missing)
	}
}

// FindCriterion returns the criterion crit of area in r.
func FindCriterion(t *testing.T, r statistics.Result, crit, area string) statistics.CriterionValue {
	t.Helper()
	for _, c := range r.Criteria {
		if c.Criterion == crit && c.Area == area {
			return c
		}
	}
	t.Fatalf("no criterion %s for %s", crit, area)
	return statistics.CriterionValue{}
}

// FindDesignation returns the verdicts for area in r.
func FindDesignation(t *testing.T, r statistics.Result, area string) statistics.AreaDesignation {
	t.Helper()
	for _, d := range r.Designations {
		if d.Area == area {
			return d
		}
	}
	t.Fatalf("no designation for %s", area)
	return statistics.AreaDesignation{}
}

func findIndicator(t *testing.T, r statistics.Result, ind, area string) statistics.IndicatorValue {
	t.Helper()
	for _, v := range r.Indicators {
		if v.Indicator == ind && v.Area == area {
			return v
		}
	}
	t.Fatalf("no indicator %s for %s", ind, area)
	return statistics.IndicatorValue{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.051 }
