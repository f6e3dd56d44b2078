package metricstest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"helhed/internal/teststack"
	"helhed/metrics"
	"helhed/workflows/meeting"
)

// afterWork are the helhed_* families the dashboards query that a stack
// may lack before any work, and why: each is a measurement, a report or a
// marker, where a 0 would claim something nobody measured. Every other
// family a dashboard queries is the plan's, the law's or a count from
// work that starts at 0, and is on /metrics from the first scrape.
var afterWork = map[string]string{
	"helhed_absence_percent":                           "measured by an absence round",
	"helhed_absence_flags":                             "counted in the latest recorded quarter; none before the first round",
	"helhed_absence_flags_suppressed":                  "marker: only where a count is hidden",
	"helhed_absence_new_courses_suppressed":            "marker: only where a count is hidden",
	"helhed_area_criterion_value":                      "the statistics pull's",
	"helhed_area_criterion_margin":                     "the statistics pull's",
	"helhed_area_criterion_margin_change":              "the statistics pull's, from the second one",
	"helhed_area_criterion_met":                        "the statistics pull's verdict",
	"helhed_area_designation":                          "the statistics pull's verdict",
	"helhed_area_criteria_met_count":                   "the statistics pull's verdicts, counted",
	"helhed_area_criteria_unknown_count":               "the statistics pull's verdicts, counted",
	"helhed_area_two_criteria":                         "the statistics pull's verdicts: at least two criteria",
	"helhed_round_requests_expected":                   "a meeting round's requests: none before a round asks",
	"helhed_round_requests_received":                   "a meeting round's requests: none before a round asks",
	"helhed_round_requests_on_time":                    "a meeting round's requests: none before a round asks",
	"helhed_indicator_value":                           "the statistics pull's",
	"helhed_statistics_last_success_timestamp_seconds": "set by a pull",
	"helhed_statistics_list_date_timestamp_seconds":    "the list the latest pull's early warning speaks of",
	"helhed_milestone_actual":                          "reported by the responsible members in a meeting round; not reported is not 0",
	"helhed_milestone_actual_suppressed":               "marker: only where a count is hidden",
	"helhed_budget_actual_kroner":                      "the secretariat's budget table in a meeting round; not reported is not 0",
	"helhed_staff_hours_delivered":                     "reported in a meeting round; not reported is not 0",
	"helhed_progress_report_completeness_ratio":        "a share of a round's requests: none before a round asks",
	"helhed_eviction_transitions_total":                "one series per stage change that has happened (no fixed table of moves)",
	"helhed_workflow_last_completed_timestamp_seconds": "set when a run of the kind completes",
	"helhed_schedule_last_action_timestamp_seconds":    "set when a schedule has acted",
	"helhed_schedule_last_action_delay_seconds":        "set when a schedule has acted",
}

// TestFreshStackExportsPlanFamilies: a stack on which no work has been
// done publishes, on its first scrapes, every family the dashboards query
// except those in afterWork, and the plan's indicator baselines and
// targets in full.
func TestFreshStackExportsPlanFamilies(t *testing.T) {
	fresh := teststack.StartT(t, teststack.Options{Name: "metricstest-fresh"})
	queried := map[string]bool{}
	for _, d := range loadDashboards(t) {
		var exprs []string
		for _, v := range d.Vars.List {
			exprs = append(exprs, v.Definition)
		}
		for _, p := range allPanels(d.Panel) {
			for _, tg := range p.Targets {
				exprs = append(exprs, tg.Expr)
			}
		}
		for _, e := range exprs {
			for _, f := range families(e) {
				if strings.HasPrefix(f, "helhed_") {
					queried[histogramFamily(f)] = true
				}
			}
		}
	}
	if len(queried) == 0 {
		t.Fatal("the dashboards query no helhed_* family")
	}

	// A family published twice for a label set fails the scrape itself.
	// The schedules' families follow the reconcile the start runs.
	var fams map[string]*dto.MetricFamily
	teststack.Eventually(t, "every family the dashboards query but afterWork on /metrics", func() error {
		fams = scrapeFamilies(t, fresh)
		var missing []string
		for f := range queried {
			if _, ok := afterWork[f]; !ok && len(fams[f].GetMetric()) == 0 {
				missing = append(missing, f)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			return fmt.Errorf("a fresh stack lacks %d families the dashboards query: %s", len(missing), strings.Join(missing, ", "))
		}
		return nil
	})

	// The indicator figures are the plan's, one series each: every area
	// baseline, and a target for the first plan year's targets (the year
	// the first scheduled pull reports on: the test plan is in its second).
	p := fresh.Plan
	first := p.PlanYears()[0].Label
	got := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			v := m.GetGauge().GetValue()
			if m.GetCounter() != nil {
				v = m.GetCounter().GetValue()
			}
			got[name+"{"+labelString(m.GetLabel())+"}"] = v
		}
	}
	for _, ind := range p.Indicators {
		for _, b := range ind.Baselines {
			name := fmt.Sprintf(`helhed_indicator_baseline{area=%q,indicator=%q}`, areaLabel(b.Area), ind.ID)
			if v, ok := got[name]; !ok || v != b.Value {
				t.Errorf("%s = %v (present %v), want the plan's %v", name, v, ok, b.Value)
			}
		}
		for _, tg := range ind.Targets {
			name := fmt.Sprintf(`helhed_indicator_target{area=%q,indicator=%q}`, areaLabel(tg.Area), ind.ID)
			if _, ok := got[name]; tg.Year == first && !ok {
				t.Errorf("%s missing (the plan's %s target)", name, first)
			}
		}
	}
	// Counts from work start at 0 for the plan's label sets: cases per
	// stage and area, tasks per partner, absence courses per plan year.
	for _, name := range []string{
		fmt.Sprintf(`helhed_eviction_cases{area=%q,stage="payment_plan"}`, p.Areas[len(p.Areas)-1].ID),
		fmt.Sprintf(`helhed_data_requests_overdue{partner=%q}`, p.Partners[len(p.Partners)-1].ID),
		fmt.Sprintf(`helhed_eviction_counselling_courses{year=%q}`, first),
		fmt.Sprintf(`helhed_absence_new_courses{year=%q}`, first),
		fmt.Sprintf(`helhed_eviction_cases{area=%q,stage="arrears"}`, p.Areas[0].ID),
		fmt.Sprintf(`helhed_data_requests_open{partner=%q}`, p.Partners[0].ID),
	} {
		if v, ok := got[name]; !ok || v != 0 {
			t.Errorf("%s = %v (present %v), want 0", name, v, ok)
		}
	}
	// Every activity target of the plan year under way has a status from
	// the first scrape: not reported, never 0 or absent.
	current, _ := p.YearOf(p.DateOf(time.Now()))
	for _, tg := range p.Targets() {
		if tg.Activity == "" || tg.Year != current.Label {
			continue
		}
		name := fmt.Sprintf(`helhed_milestone_status{activity=%q,area=%q,metric=%q,status="ikke-indberettet",target=%q,year=%q}`,
			tg.Activity, areaLabel(tg.Area), tg.Metric, meeting.TargetText(p, tg), tg.Year)
		if v, ok := got[name]; !ok || v != 1 {
			t.Errorf("%s = %v (present %v), want 1", name, v, ok)
		}
	}
	if n := len(fams["helhed_absence_new_courses"].GetMetric()); n != 2 {
		t.Errorf("%d helhed_absence_new_courses series, want 2: the plan years begun", n)
	}
}

// histogramFamily is the family a histogram's sample name belongs to.
func histogramFamily(name string) string {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, s); ok && strings.HasSuffix(base, "_seconds") {
			return base
		}
	}
	return name
}

func areaLabel(area string) string {
	if area == "" {
		return metrics.AllAreas
	}
	return area
}

// scrapeFamilies parses s's /metrics.
func scrapeFamilies(t *testing.T, s *teststack.Stack) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(s.Scrape(t)))
	if err != nil {
		t.Fatal(err)
	}
	return fams
}
