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
