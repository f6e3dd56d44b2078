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
	crit := []struct {
		crit, area string
		value      float64
		crossed    bool
		margin     float64
		missing    string
	}{
		{statistics.CritOutsideWork, "gl-jennumparken", 43.2, true, -3.2, ""},
		{statistics.CritEducation, "gl-jennumparken", 64, true, -4, ""},
		{statistics.CritConvictions, "gl-jennumparken", 2.1, false, 0.9, ""},
		{statistics.CritIncome, "gl-jennumparken", 57.1, false, 2.1, ""},
		{statistics.CritOutsideWork, "glarbjergvej-omraadet", 31, false, 9, ""},
		{statistics.CritConvictions, "glarbjergvej-omraadet", 0, false, 0, "diskretioneret af leverandøren"},
		{statistics.CritIncome, "glarbjergvej-omraadet", 60, false, 5, ""},
		{statistics.CritOutsideWork, "hermann-stillingsvej-omraadet", 0, false, 0, "større end befolkningen"},
		{statistics.CritEducation, "hermann-stillingsvej-omraadet", 0, false, 0, "diskretioneret"},
		{statistics.CritOutsideWork, "vangdalen", 0, false, 0, "ikke leveret"},
	}
	for _, c := range crit {
		got := FindCriterion(t, r, c.crit, c.area)
		if c.missing != "" {
			if !strings.Contains(got.Missing, c.missing) || got.Crossed || (got.HasValue && !got.Value.Suppressed) {
				t.Errorf("%s %s = %+v, want missing %q", c.crit, c.area, got, c.missing)
			}
			continue
		}
		if !got.HasValue || !near(got.Value.Value, c.value) || got.Crossed != c.crossed || !near(got.Margin, c.margin) {
			t.Errorf("%s %s = %+v, want %v crossed=%v margin %v", c.crit, c.area, got, c.value, c.crossed, c.margin)
		}
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
		v         float64
	}{{statistics.BPopulation, "730", 100000}, {statistics.BPopulation15, statistics.AreaCountry, 5000000},
		{statistics.BPrimaryOnly, "730", 15}, {statistics.BPrimaryOnly, statistics.AreaCountry, 10},
		{statistics.BIncome, statistics.AreaRegion, 350000}, {statistics.BIncome, "730", 340000.5},
		{statistics.BConvicted, statistics.AreaCountry, 50000}, {statistics.BConvictedShare, statistics.AreaCountry, 1}} {
		if f, ok := r.Baselines.Find(w.key, w.area); !ok || f.Value != w.v {
			t.Errorf("baseline %s %s = %+v %v, want %v", w.key, w.area, f, ok, w.v)
		}
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
