package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	reportadapter "helhed/adapters/report"
	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/internal/testredis"
	"helhed/internal/teststack"
	"helhed/runs"
	"helhed/workflows/report"
)

const testdata = "../../workflows/report/testdata/"

// TestOnTheRealStack drives annual reports on the whole process (embedded
// Temporal, real redis-server, Chromium) through what the board and the
// operator can do: send-back, approve, a rerun of a year already sent and
// a cancel. After each step, once the run has acted on it, a reconcile of
// the report read model finds nothing to repair. With
// HELHED_RECORD_HISTORY=1 it records the histories the report package's
// replay test reads (payloads sealed with its test key).
func TestOnTheRealStack(t *testing.T) {
	if _, err := reportadapter.ChromiumPath(); err != nil {
		if testredis.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s := teststack.StartT(t, teststack.Options{Name: "report-drift", PayloadKeyFile: "../../workflows/report/" + replaytest.KeyFile})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	years := s.Plan.PlanYears()
	if len(years) < 2 {
		t.Fatalf("the test plan has %d plan years", len(years))
	}
	// awaiting waits until the run awaits the board with version v.
	awaiting := func(t *testing.T, id string, v int) {
		t.Helper()
		teststack.Eventually(t, fmt.Sprintf("version %d to await the board", v), func() error {
			q, err := s.Temporal.QueryWorkflow(ctx, id, "", report.QueryState)
			if err != nil {
				return err
			}
			var st report.State
			if err := q.Get(&st); err != nil {
				return err
			}
			if st.Stage != report.StageAwaiting || st.Version != v {
				return fmt.Errorf("stage %s, version %d", st.Stage, st.Version)
			}
			return nil
		})
		s.Settled(t, id)
		s.NoDrift(t, report.Kind, fmt.Sprintf("version %d rendered", v))
	}
	start := func(t *testing.T, year string) string {
		t.Helper()
		raw, _ := json.Marshal(report.Input{PlanYear: year})
		st, err := runner.Start(ctx, report.Kind, raw)
		if err != nil {
			t.Fatal(err)
		}
		return st.WorkflowID
	}
	update := func(t *testing.T, id, name string, arg any) {
		t.Helper()
		raw, _ := json.Marshal(arg)
		if _, err := runner.Update(ctx, id, name, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	sent := func(t *testing.T, id string) {
		t.Helper()
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		s.Settled(t, id)
		s.NoDrift(t, report.Kind, "sent to the committees")
	}

	t.Run("sent back, then approved", func(t *testing.T) {
		id := start(t, years[0].Label)
		awaiting(t, id, 1)
		update(t, id, report.UpdateSendBack, report.SendBack{Version: 1, Comments: "Tilføj en forklaring på de manglende tal."})
		awaiting(t, id, 2)
		update(t, id, report.UpdateApprove, report.Approval{Version: 2})
		sent(t, id)
	})

	// A rerun of the year just sent numbers on (version 3); the operator
	// cancels it: its state is the year's, as the latest run's.
	t.Run("rerun, then cancelled", func(t *testing.T) {
		id := start(t, years[0].Label)
		awaiting(t, id, 3)
		if _, err := runner.Cancel(ctx, id, "kørt ved en fejl"); err != nil {
			t.Fatal(err)
		}
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err == nil {
			t.Fatal("the cancelled report completed")
		}
		s.Settled(t, id)
		s.NoDrift(t, report.Kind, "cancel")
		replaytest.Record(t, s.Temporal, id, testdata+"annual-report-rerun-cancelled.history.json")
	})

	t.Run("approved at once", func(t *testing.T) {
		id := start(t, years[1].Label)
		awaiting(t, id, 1)
		update(t, id, report.UpdateApprove, report.Approval{Version: 1, Comment: "Godkendt uden bemærkninger."})
		sent(t, id)
		replaytest.Record(t, s.Temporal, id, testdata+"annual-report-approved.history.json")
	})
}
