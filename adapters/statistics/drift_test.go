package statistics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/runs"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

const testdata = "../../workflows/statistics/testdata/"

// TestOnTheRealStack drives statistics pulls on the whole process
// (embedded Temporal, real redis-server, a Statbank stand-in) through
// what users can do: the monitoring unit's answer through its data
// request's submit Update (as the portal sends it), an operator's cancel
// of that request, and a cancel of the pull. After each step, once the
// runs have acted on it, a reconcile of the statistics and the
// data-request read models finds nothing to repair. With
// HELHED_RECORD_HISTORY=1 it records the histories the statistics
// package's replay test reads (payloads sealed with its test key).
func TestOnTheRealStack(t *testing.T) {
	sb := statstest.Statbank()
	t.Cleanup(sb.Close) // after the stack's own clean-up
	planFile, _ := filepath.Abs("../../plan/plans/randers-2021-25.yaml")
	s := teststack.StartT(t, teststack.Options{Name: "statistics-drift", PayloadKeyFile: testdata + "payload-test.key",
		Env: map[string]string{"STATBANK_URL": sb.URL, "PLAN_FILE": planFile}})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	noDrift := func(t *testing.T, step string, ids ...string) {
		t.Helper()
		s.Settled(t, ids...)
		s.NoDrift(t, statistics.Kind, step)
		s.NoDrift(t, datarequest.Kind, step)
	}
	// start starts the pull of year and waits for its key-figure request.
	start := func(t *testing.T, year string) (id, request string) {
		t.Helper()
		raw, _ := json.Marshal(statistics.Input{PlanYear: year})
		st, err := runner.Start(ctx, statistics.Kind, raw)
		if err != nil {
			t.Fatal(err)
		}
		teststack.Eventually(t, "the key-figure request", func() error {
			v, err := s.Temporal.QueryWorkflow(ctx, st.WorkflowID, "", statistics.QueryState)
			if err != nil {
				return err
			}
			var ps statistics.State
			if err := v.Get(&ps); err != nil {
				return err
			}
			if ps.Stage != statistics.StageWaiting {
				return fmt.Errorf("stage %s", ps.Stage)
			}
			request = datarequest.WorkflowID(ps.RequestID)
			_, err = s.Temporal.DescribeWorkflowExecution(ctx, request, "")
			return err
		})
		noDrift(t, "start", st.WorkflowID, request)
		return st.WorkflowID, request
	}
	finished := func(t *testing.T, id, request, step string) statistics.Result {
		t.Helper()
		var res statistics.Result
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		noDrift(t, step, id, request)
		return res
	}

	t.Run("answered", func(t *testing.T) {
		id, request := start(t, "2023-24")
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: request, UpdateName: datarequest.UpdateSubmit,
			Args: []any{datarequest.Submission{CSV: statstest.KeyFiguresCSV, SubmittedBy: "portal"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		if res := finished(t, id, request, "the key figures submitted"); res.KeyFigures != datarequest.StatusAnswered {
			t.Errorf("key figures %s", res.KeyFigures)
		}
		replaytest.Record(t, s.Temporal, id, testdata+"statistics-pull-answered.history.json")
	})

	// The operator cancels the monitoring unit's request: the pull
	// evaluates without the key figures.
	t.Run("key figures cancelled", func(t *testing.T) {
		id, request := start(t, "2022-23")
		if _, err := runner.Cancel(ctx, request, "nøgletallene kommer ikke i år"); err != nil {
			t.Fatal(err)
		}
		if res := finished(t, id, request, "the key-figure request cancelled"); res.KeyFigures != datarequest.StatusCancelled {
			t.Errorf("key figures %s", res.KeyFigures)
		}
		replaytest.Record(t, s.Temporal, id, testdata+"statistics-pull-request-cancelled.history.json")
	})

	// The operator cancels the pull while it waits for the key figures.
	t.Run("cancelled", func(t *testing.T) {
		id, request := start(t, "2021-22")
		if _, err := runner.Cancel(ctx, id, "startet ved en fejl"); err != nil {
			t.Fatal(err)
		}
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err == nil {
			t.Fatal("the cancelled pull completed")
		}
		// The server ends the request after the pull has closed.
		wctx, stop := context.WithTimeout(ctx, 90*time.Second)
		defer stop()
		_ = s.Temporal.GetWorkflow(wctx, request, "").Get(wctx, nil)
		noDrift(t, "cancel", id, request)
		v, err := s.Temporal.QueryWorkflow(ctx, request, "", datarequest.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var rs datarequest.State
		if err := v.Get(&rs); err != nil {
			t.Fatal(err)
		}
		if rs.Status != datarequest.StatusCancelled {
			t.Errorf("the key-figure request of the cancelled pull is %s, want %s (its task would stay open in the portal)", rs.Status, datarequest.StatusCancelled)
		}
		replaytest.Record(t, s.Temporal, id, testdata+"statistics-pull-cancelled.history.json")
	})
}
