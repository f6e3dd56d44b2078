package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/internal/promtest"
	"helhed/plan"
)

// TestPlanCollectorFollowUp: the example plan's budget, the agreed staff
// hours and the monitored areas are published from the plan.
func TestPlanCollectorFollowUp(t *testing.T) {
	p, err := plan.LoadEmbedded("eksempel-2025-29")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewPlanCollector(p))
	got := promtest.Samples(t, reg)
	for name, want := range map[string]float64{
		`helhed_budget_planned_kroner{activity="npu",year="2025-26"}`:                                                                                              420000,
		`helhed_budget_planned_kroner{activity="npu",year="2026-27"}`:                                                                                              240000,
		`helhed_budget_tilsagn_kroner{activity="fremmoede-i-skolen",year="2028-29"}`:                                                                               310000,
		`helhed_staff_hours_agreed{activity="fremmoede-i-skolen",resource="fremmoede-i-skolen/1",year="2026-27"}`:                                                  93 * 52,
		`helhed_staff_hours_agreed{activity="uddannelse-livschancer",resource="uddannelse-livschancer/1",year="2025-26"}`:                                          64 * 52,
		`helhed_staff_hours_agreed{activity="job-og-uddannelse",resource="job-og-uddannelse/1",year="2025-26"}`:                                                    37.5,
		`helhed_staff_hours_partner_info{activity="fremmoede-i-skolen",partner="hobrovejens-skole",per="week",resource="fremmoede-i-skolen/1"}`:                    1,
		`helhed_monitored_area_info{area="",monitored_area="sjaellandsgadekvarteret",monitored_by="Staten (TBST) og helhedsplanen",name="Sjællandsgadekvarteret"}`: 1,
		`helhed_monitored_area_indicator_threshold{indicator="beboere",monitored_area="vangdalen-risiko"}`:                                                         750,
		`helhed_monitored_area_indicator_threshold{indicator="uden-for-arbejdsmarkedet-18-64",monitored_area="energivej-risiko"}`:                                  40,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	// The one-off start-up hours count in the first plan year only.
	if v, ok := got[`helhed_staff_hours_agreed{activity="job-og-uddannelse",resource="job-og-uddannelse/1",year="2026-27"}`]; ok {
		t.Errorf("one-off hours in the second plan year: %v", v)
	}
	count := map[string]int{}
	for _, mf := range must(reg.Gather()) {
		count[mf.GetName()] = len(mf.GetMetric())
	}
	years := len(p.PlanYears())
	if n := count["helhed_budget_planned_kroner"]; n != years*len(p.Economy.Budget) {
		t.Errorf("%d budget series, want %d", n, years*len(p.Economy.Budget))
	}
	if n := count["helhed_monitored_area_indicator_info"]; n != 18 {
		t.Errorf("%d monitored indicators, want 18 (6 in each of 3 areas)", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
