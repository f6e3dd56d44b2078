package statistics

import (
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/dst"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics/statstest"
)

var rdb *redis.Client

func TestMain(m *testing.M) { os.Exit(statstest.RunWithRedis(m, &rdb)) }

func randers(t testing.TB) *plan.Plan { return statstest.Randers(t) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testDST(url string) *dst.Client {
	c := dst.New(url, nil)
	c.Backoff, c.Log = time.Millisecond, quiet()
	return c
}

func prepared(t *testing.T, p *plan.Plan) PrepareResult {
	t.Helper()
	a := &Activities{Plan: p}
	res, err := a.Prepare(context.Background(), PrepareInput{Input: Input{PlanYear: "2024-25"}, Now: time.Date(2025, 8, 15, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.051 }

func findCrit(t *testing.T, r Result, crit, area string) CriterionValue {
	t.Helper()
	for _, c := range r.Criteria {
		if c.Criterion == crit && c.Area == area {
			return c
		}
	}
	t.Fatalf("no criterion %s for %s", crit, area)
	return CriterionValue{}
}

func findInd(t *testing.T, r Result, ind, area string) IndicatorValue {
	t.Helper()
	for _, v := range r.Indicators {
		if v.Indicator == ind && v.Area == area {
			return v
		}
	}
	t.Fatalf("no indicator %s for %s", ind, area)
	return IndicatorValue{}
}

// CheckFixture asserts the hand-computed figures of statstest (see its
// package doc).
func checkFixture(t *testing.T, r Result) {
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
		{CritOutsideWork, "gl-jennumparken", 43.2, true, -3.2, ""},
		{CritEducation, "gl-jennumparken", 64, true, -4, ""},
		{CritConvictions, "gl-jennumparken", 2.1, false, 0.9, ""},
		{CritIncome, "gl-jennumparken", 57.1, false, 2.1, ""},
		{CritOutsideWork, "glarbjergvej-omraadet", 31, false, 9, ""},
		{CritConvictions, "glarbjergvej-omraadet", 0, false, 0, "diskretioneret af leverandøren"},
		{CritIncome, "glarbjergvej-omraadet", 60, false, 5, ""},
		{CritOutsideWork, "hermann-stillingsvej-omraadet", 0, false, 0, "større end befolkningen"},
		{CritEducation, "hermann-stillingsvej-omraadet", 0, false, 0, "diskretioneret"},
		{CritOutsideWork, "vangdalen", 0, false, 0, "ikke leveret"},
	}
	for _, c := range crit {
		got := findCrit(t, r, c.crit, c.area)
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
	if c := findCrit(t, r, CritConvictions, "gl-jennumparken"); c.Threshold != 3 {
		t.Errorf("convictions threshold %v, want 3 × 1.0 %%", c.Threshold)
	}
	all := findInd(t, r, "grundskole-30-59-aar", AllAreas)
	if all.Value.Value != 623 || *all.Baseline != 939 || *all.Target != 883 || all.Status != StatusBetter {
		t.Errorf("grundskole alle %+v baseline %v target %v", all, *all.Baseline, *all.Target)
	}
	if hs := findInd(t, r, "grundskole-30-59-aar", "hermann-stillingsvej-omraadet"); !hs.Value.Suppressed || hs.Status != StatusSuppressed {
		t.Errorf("grundskole HS %+v", hs)
	}
	if v := findInd(t, r, "fravaer-skole", "energivej-omraadet"); v.Value.Value != 6.1 || v.Status != StatusBetter {
		t.Errorf("fravær EV %+v", v)
	}
	if v := findInd(t, r, "fravaer-skole", "gl-jennumparken"); v.Value.Value != 5.9 || v.Status != StatusWorse {
		t.Errorf("fravær GJ %+v", v)
	}
	if v := findInd(t, r, "fravaer-skole", "glarbjergvej-omraadet"); v.HasValue || !strings.Contains(v.Missing, "ugyldigt tal") {
		t.Errorf("fravær GV %+v", v)
	}
	if v := findInd(t, r, "dagtilbud-1-5-aar", AllAreas); v.Value.Value != 93.1 || v.Status != StatusBetter {
		t.Errorf("dagtilbud alle %+v", v)
	}
	if v := findInd(t, r, "uden-tilknytning-18-64-aar", AllAreas); v.HasValue || !strings.Contains(v.Missing, "Hermann") {
		t.Errorf("uden tilknytning alle %+v", v)
	}
	kinds := map[string]int{}
	for _, is := range r.Issues {
		kinds[is.Kind]++
	}
	for k, n := range map[string]int{IssueMissingArea: 1, IssueSuppressed: 1, IssueOver100: 1, IssueOverPop: 1, IssueOutsideYears: 1, IssueDuplicate: 1} {
		if kinds[k] != n {
			t.Errorf("%d issues of kind %s, want %d: %+v", kinds[k], k, n, r.Issues)
		}
	}
	// Baselines, HFUDD16 missing with its code.
	for _, w := range []struct {
		key, area string
		v         float64
	}{{BPopulation, "730", 100000}, {BPopulation15, AreaCountry, 5000000}, {BPrimaryOnly, "730", 15}, {BPrimaryOnly, AreaCountry, 10},
		{BIncome, AreaRegion, 350000}, {BIncome, "730", 340000.5}, {BConvicted, AreaCountry, 50000}, {BConvictedShare, AreaCountry, 1}} {
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

func TestEvaluateFixture(t *testing.T) {
	p := randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	prep := prepared(t, p)
	a := &Activities{Plan: p, DST: testDST(sb.URL)}
	base, err := a.FetchBaselines(context.Background(), prep.Prepared)
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(p, prep.Prepared, base, &datarequest.Result{Status: datarequest.StatusAnswered, OnTime: true, Rows: statstest.KeyFigureRows()})
	checkFixture(t, r)
}

func TestPrepare(t *testing.T) {
	p := randers(t)
	res := prepared(t, p)
	if res.Prepared.DataYear != 2024 || res.Prepared.Due != "2025-09-05" || res.Request.Partner != "monitorering" ||
		res.Request.Table == nil || len(res.Request.Table.Columns) != 4 || res.Prepared.RequestID != "statistics-pull-2024-25/monitorering" {
		t.Fatalf("%+v", res)
	}
	a := &Activities{Plan: p}
	// The schedule's empty plan year is the one that ended last.
	got, err := a.Prepare(context.Background(), PrepareInput{Now: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || got.Prepared.PlanYear != "2023-24" {
		t.Fatalf("%+v %v", got.Prepared, err)
	}
	if _, err := a.Prepare(context.Background(), PrepareInput{Input: Input{PlanYear: "2030-31"}, Now: time.Now()}); err == nil {
		t.Fatal("plan year outside the plan accepted")
	}
	if err := Validate(p, Input{}); err == nil || !strings.Contains(err.Error(), "planYear") {
		t.Fatalf("validate %v", err)
	}
}

func TestStatbankErrorsRecorded(t *testing.T) {
	p := randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	sb.Fail("INDKP101", 500, "boom")
	sb.Fail("STRAFNA8", 400, `{"errorTypeCode":"REQUEST-LIMIT","message":"for mange celler"}`)
	a := &Activities{Plan: p, DST: testDST(sb.URL)}
	base, err := a.FetchBaselines(context.Background(), prepared(t, p).Prepared)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Missing{}
	for _, m := range base.Missing {
		got[m.What] = m
	}
	if m := got["INDKP101"]; m.Code != "HTTP-500" || !strings.Contains(m.Reason, "fejl 500") || sb.Calls("INDKP101") != 4 {
		t.Errorf("INDKP101 %+v after %d calls", m, sb.Calls("INDKP101"))
	}
	if m := got["STRAFNA8"]; m.Code != dst.CodeRequestLimit || sb.Calls("STRAFNA8") != 1 {
		t.Errorf("STRAFNA8 %+v", m)
	}
	if _, ok := base.Find(BIncome, AreaRegion); ok {
		t.Error("income figure from a failed table")
	}
	r := Evaluate(p, prepared(t, p).Prepared, base, &datarequest.Result{Status: datarequest.StatusAnswered, Rows: statstest.KeyFigureRows()})
	if c := findCrit(t, r, CritIncome, "gl-jennumparken"); c.HasValue || !strings.Contains(c.Missing, "fejl 500") {
		t.Errorf("income criterion %+v", c)
	}
	if c := findCrit(t, r, CritConvictions, "gl-jennumparken"); c.HasValue || !strings.Contains(c.Missing, "REQUEST-LIMIT") {
		t.Errorf("convictions criterion %+v", c)
	}
}

// childDouble stands in for the DataRequest workflow in time-skipping
// tests: it checks the request and returns the fixture rows after a day.
func childDouble(t *testing.T, rows []map[string]string) func(workflow.Context, datarequest.Input) (datarequest.Result, error) {
	return func(ctx workflow.Context, in datarequest.Input) (datarequest.Result, error) {
		if in.Partner != "monitorering" || in.Table == nil || in.Due == "" {
			t.Errorf("data request %+v", in)
		}
		if err := workflow.Sleep(ctx, 24*time.Hour); err != nil {
			return datarequest.Result{}, err
		}
		return datarequest.Result{RequestID: in.RequestID, Partner: in.Partner, Status: datarequest.StatusAnswered, Rows: rows, Due: in.Due, OnTime: true}, nil
	}
}

func TestStatisticsPullWorkflow(t *testing.T) {
	p := randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	ctx := context.Background()
	rdb.FlushDB(ctx)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(time.Date(2025, 8, 15, 6, 0, 0, 0, time.UTC))
	env.RegisterWorkflowWithOptions(StatisticsPull, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterWorkflowWithOptions(childDouble(t, statstest.KeyFigureRows()), workflow.RegisterOptions{Name: datarequest.WorkflowName})
	env.RegisterActivity(&Activities{Plan: p, DST: testDST(sb.URL), Redis: rdb})
	env.ExecuteWorkflow(WorkflowName, Input{PlanYear: "2024-25"})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: %v", env.GetWorkflowError())
	}
	var r Result
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	checkFixture(t, r)
	if !r.PulledAt.Equal(time.Date(2025, 8, 16, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("pulled at %v (the child took a day)", r.PulledAt)
	}
	// The read model holds it, and the metrics read it on scrape.
	stored, err := Latest(ctx, rdb)
	if err != nil || stored == nil || stored.PlanYear != "2024-25" {
		t.Fatalf("read model %+v %v", stored, err)
	}
	checkFixture(t, *stored)
	reg := prometheus.NewRegistry()
	reg.MustRegister(&Collector{Redis: rdb, Log: quiet()})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			text += mf.GetName() + labels(m.GetLabel()) + " " + strconvF(m.GetGauge().GetValue()) + "\n"
		}
	}
	for _, line := range []string{
		`helhed_indicator_value{area="alle",indicator="grundskole-30-59-aar"} 623`,
		`helhed_indicator_baseline{area="alle",indicator="grundskole-30-59-aar"} 939`,
		`helhed_indicator_target{area="alle",indicator="grundskole-30-59-aar"} 883`,
		`helhed_area_criterion_value{area="gl-jennumparken",criterion="kun-grundskole"} 64`,
		`helhed_area_criterion_threshold{criterion="domfaeldte"} 3`,
		`helhed_area_criterion_threshold{criterion="indkomst"} 55`,
		`helhed_area_criterion_threshold{criterion="kun-grundskole"} 60`,
		`helhed_area_criterion_threshold{criterion="uden-for-arbejde-uddannelse"} 40`,
		`helhed_statistics_last_success_timestamp_seconds 1.755324e+09`,
	} {
		if !strings.Contains(text, line) {
			t.Errorf("metrics lack %s", line)
		}
	}
	if strings.Contains(text, `helhed_indicator_value{area="hermann-stillingsvej-omraadet",indicator="grundskole-30-59-aar"}`) {
		t.Error("a suppressed value is published as a metric")
	}
}

func TestCancelledRequestRecorded(t *testing.T) {
	p := randers(t)
	r := Evaluate(p, prepared(t, p).Prepared, Baselines{}, &datarequest.Result{Status: datarequest.StatusCancelled, Reason: "enheden er lukket"})
	if r.KeyFigures != datarequest.StatusCancelled || len(r.Issues) != 1 || !strings.Contains(r.Issues[0].Message, "enheden er lukket") {
		t.Fatalf("%+v", r.Issues)
	}
	for _, c := range r.Criteria {
		if c.HasValue || c.Missing == "" {
			t.Fatalf("criterion without data %+v", c)
		}
	}
}
