package statistics_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	statisticsadapter "helhed/adapters/statistics"
	"helhed/dst"
	"helhed/suppress"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

var rdb *redis.Client

func TestMain(m *testing.M) { os.Exit(statstest.RunWithRedis(m, &rdb)) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

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
	p := statstest.Randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	ctx := context.Background()
	rdb.FlushDB(ctx)
	// Last year's pull, for the trend: Hermann Stillingsvej-området's
	// convictions 2.5 % against 3.0 % (margin 0.5, now 0.2: worse), Gl.
	// Jennumparken's only primary school 66 % (margin −6.0, now −4.0:
	// better) and outside work 43.2 % (margin −3.2, the same).
	last := statistics.Result{PlanYear: "2023-24", DataYear: 2023, Criteria: []statistics.CriterionValue{
		{Criterion: statistics.CritConvictions, Area: "hermann-stillingsvej-omraadet", Value: suppress.Cell{Value: 2.5}, HasValue: true, Threshold: 3, Margin: 0.5, Met: statistics.VerdictNo},
		{Criterion: statistics.CritEducation, Area: "gl-jennumparken", Value: suppress.Cell{Value: 66}, HasValue: true, Threshold: 60, Margin: -6, Met: statistics.VerdictYes, Crossed: true},
		{Criterion: statistics.CritOutsideWork, Area: "gl-jennumparken", Value: suppress.Cell{Value: 43.2}, HasValue: true, Threshold: 40, Margin: -3.2, Met: statistics.VerdictYes, Crossed: true},
		{Criterion: statistics.CritIncome, Area: "gl-jennumparken", Value: suppress.Cell{Suppressed: true}, HasValue: true, Threshold: 55},
	}}
	if err := (&statisticsadapter.Activities{Redis: rdb}).Publish(ctx, last); err != nil {
		t.Fatal(err)
	}
	statbank := dst.New(sb.URL, nil)
	statbank.Backoff, statbank.Log = time.Millisecond, quiet()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(time.Date(2025, 8, 15, 6, 0, 0, 0, time.UTC))
	env.RegisterWorkflowWithOptions(statistics.StatisticsPull, workflow.RegisterOptions{Name: statistics.WorkflowName})
	env.RegisterWorkflowWithOptions(childDouble(t, statstest.KeyFigureRows()), workflow.RegisterOptions{Name: datarequest.WorkflowName})
	env.RegisterActivity(&statisticsadapter.Activities{Plan: p, DST: statbank, Redis: rdb})
	env.ExecuteWorkflow(statistics.WorkflowName, statistics.Input{PlanYear: "2024-25"})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: %v", env.GetWorkflowError())
	}
	var r statistics.Result
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	statstest.CheckResult(t, r)
	if !r.PulledAt.Equal(time.Date(2025, 8, 16, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("pulled at %v (the child took a day)", r.PulledAt)
	}
	for _, w := range []struct {
		crit, area, trend string
		previous          float64
	}{
		{statistics.CritConvictions, "hermann-stillingsvej-omraadet", statistics.StatusWorse, 2.5},
		{statistics.CritEducation, "gl-jennumparken", statistics.StatusBetter, 66},
		{statistics.CritOutsideWork, "gl-jennumparken", statistics.StatusSame, 43.2},
	} {
		c := statstest.FindCriterion(t, r, w.crit, w.area)
		if c.Trend != w.trend || c.Previous == nil || c.Previous.Value != w.previous || c.Previous.PlanYear != "2023-24" {
			t.Errorf("%s %s: trend %q previous %+v, want %s from %v", w.crit, w.area, c.Trend, c.Previous, w.trend, w.previous)
		}
	}
	// A suppressed value last year gives no trend; nor does no value.
	if c := statstest.FindCriterion(t, r, statistics.CritIncome, "gl-jennumparken"); c.Trend != "" || c.Previous != nil {
		t.Errorf("income trend from a suppressed value: %+v", c)
	}
	// The run's state (GET /api/v1/runs/{id}) carries the early warning.
	q, err := env.QueryWorkflow(statistics.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st statistics.State
	if err := q.Get(&st); err != nil || st.Stage != statistics.StageDone || st.EarlyWarning == nil || st.EarlyWarning.ListDate != "2025-12-01" ||
		len(st.EarlyWarning.Criteria) != 20 || len(st.EarlyWarning.Designations) != 5 || st.EarlyWarning.Designations[0].Udsat != statistics.VerdictYes {
		t.Fatalf("state %+v %v", st, err)
	}
	// The read model holds it, and the metrics read it on scrape.
	stored, err := statisticsadapter.Latest(ctx, rdb)
	if err != nil || stored == nil || stored.PlanYear != "2024-25" {
		t.Fatalf("read model %+v %v", stored, err)
	}
	statstest.CheckResult(t, *stored)
	reg := prometheus.NewRegistry()
	reg.MustRegister(&statisticsadapter.Collector{Redis: rdb, Log: quiet()})
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
		`helhed_indicator_value{area="gl-jennumparken",indicator="grundskole-30-59-aar"} 320`,
		`helhed_indicator_baseline{area="alle",indicator="grundskole-30-59-aar"} 939`,
		`helhed_indicator_target{area="alle",indicator="grundskole-30-59-aar"} 883`,
		`helhed_area_criterion_value{area="gl-jennumparken",criterion="kun-grundskole"} 64`,
		`helhed_area_criterion_threshold{criterion="domfaeldte"} 3`,
		`helhed_area_criterion_threshold{criterion="indkomst"} 55`,
		`helhed_area_criterion_threshold{criterion="kun-grundskole"} 60`,
		`helhed_area_criterion_threshold{criterion="uden-for-arbejde-uddannelse"} 40`,
		`helhed_area_criterion_margin{area="hermann-stillingsvej-omraadet",criterion="domfaeldte"} 0.2`,
		`helhed_area_criterion_margin_change{area="hermann-stillingsvej-omraadet",criterion="domfaeldte"} -0.3`,
		`helhed_area_criterion_margin_change{area="gl-jennumparken",criterion="kun-grundskole"} 2`,
		`helhed_area_criterion_met{area="gl-jennumparken",criterion="kun-grundskole",verdict="ja"} 1`,
		`helhed_area_criterion_met{area="gl-jennumparken",criterion="kun-grundskole",verdict="nej"} 0`,
		`helhed_area_criterion_met{area="gl-jennumparken",criterion="indkomst",verdict="nej"} 1`,
		`helhed_area_criterion_met{area="hermann-stillingsvej-omraadet",criterion="kun-grundskole",verdict="ukendt"} 1`,
		`helhed_area_designation{area="gl-jennumparken",designation="udsat",verdict="ja"} 1`,
		`helhed_area_designation{area="gl-jennumparken",designation="parallelsamfund",verdict="nej"} 1`,
		`helhed_area_designation{area="hermann-stillingsvej-omraadet",designation="udsat",verdict="ukendt"} 1`,
		`helhed_area_designation{area="vangdalen",designation="udsat",verdict="nej"} 1`,
		`helhed_statistics_list_date_timestamp_seconds 1.7645472e+09`,
		`helhed_statistics_last_success_timestamp_seconds 1.755324e+09`,
	} {
		if !strings.Contains(text, line) {
			t.Errorf("metrics lack %s", line)
		}
	}
	// Hermann Stillingsvej's 3 is not published, nor Glarbjergvej's 300:
	// the total 623 less the two published areas would give the 3 away.
	if strings.Contains(text, `helhed_indicator_value{area="hermann-stillingsvej-omraadet",indicator="grundskole-30-59-aar"}`) ||
		strings.Contains(text, `helhed_indicator_value{area="glarbjergvej-omraadet",indicator="grundskole-30-59-aar"}`) ||
		strings.Contains(text, `helhed_area_criterion_margin{area="hermann-stillingsvej-omraadet",criterion="kun-grundskole"}`) {
		t.Error("a suppressed value is published as a metric")
	}
}
