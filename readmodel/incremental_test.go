package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

// The closing kind: runs that close on a signal and return their final
// state as their result, as data requests and crisis activations do
// (unless Legacy: a run recorded before they did).
const (
	closingKind         = "probe-closing"
	closingWorkflowName = "probe-closing"
)

type closingState struct {
	ID     string
	Status string
	Legacy bool
}

type closingResult struct {
	Final *closingState `json:"final,omitempty"`
}

func closingWorkflow(ctx workflow.Context, st closingState) (closingResult, error) {
	if err := workflow.SetQueryHandler(ctx, "state", func() (closingState, error) { return st, nil }); err != nil {
		return closingResult{}, err
	}
	workflow.GetSignalChannel(ctx, "close").Receive(ctx, nil)
	st.Status = "closed"
	if st.Legacy {
		return closingResult{}, nil
	}
	return closingResult{Final: &st}, nil
}

func closingReconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    closingKind,
		KeyPatterns: []string{"helhed:probeclosing:*"},
		StateQuery:  "state",
		NewState:    func() any { return new(closingState) },
		QueryClosed: true,
		NewResult:   func() any { return new(closingResult) },
		StateInResult: func(res any) (any, bool) {
			r, ok := res.(*closingResult)
			if !ok || r.Final == nil {
				return nil, false
			}
			return r.Final, true
		},
		Incremental: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, v any) error {
			if st, ok := v.(*closingState); ok {
				m.HSet("helhed:probeclosing:item:"+st.ID, "status", st.Status)
			}
			return nil
		},
	}
}

// startClosing starts a closing probe; with close it is closed and
// visibility lists it as completed before startClosing returns.
func startClosing(t *testing.T, id string, legacy, close bool) {
	t.Helper()
	ctx := context.Background()
	wid := "probe-closing/" + id
	run, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: wid, TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(closingKind)),
	}, closingWorkflowName, closingState{ID: id, Status: "open", Legacy: legacy})
	if err != nil {
		t.Fatal(err)
	}
	status := "Running"
	if close {
		if err := shared.Temporal.SignalWorkflow(ctx, wid, run.GetRunID(), "close", nil); err != nil {
			t.Fatal(err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		status = "Completed"
	}
	query := fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = '%s'", wid, status)
	teststack.Eventually(t, wid+" listed "+status, func() error {
		resp, err := shared.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil || resp.GetCount() == 0 {
			return fmt.Errorf("not listed: %v", err)
		}
		return nil
	})
}

// TestIncrementalPasses: a completed run whose result holds its state is
// read without a replay (one recorded before is replayed, and counted);
// an incremental pass reads the running runs and those closed since the
// last pass and deletes nothing; a full pass reads all and deletes what no
// run accounts for.
func TestIncrementalPasses(t *testing.T) {
	ctx := context.Background()
	item := func(id string) string { return "helhed:probeclosing:item:" + id }
	startClosing(t, "old", false, true)
	startClosing(t, "legacy", true, true)
	s := serviceOver(t, closingReconciler())
	readmodel.SetCloseOverlap(s, 0)
	pass := func(incremental bool) readmodel.KindReport {
		t.Helper()
		rep, err := s.Reconcile(ctx, readmodel.Options{Kinds: []string{closingKind}, Incremental: incremental}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return kindReport(t, rep, closingKind)
	}

	// No pass before: the first is full, whatever was asked.
	k := pass(true)
	if k.Pass != readmodel.PassFull || k.Replayed != 1 {
		t.Fatalf("first pass %+v, want full with the legacy run replayed", k)
	}
	for _, id := range []string{"old", "legacy"} {
		if got := shared.Redis.HGet(ctx, item(id), "status").Val(); got != "closed" {
			t.Fatalf("%s: status %q", id, got)
		}
	}

	if err := shared.Redis.Del(ctx, item("old")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := shared.Redis.HSet(ctx, item("ghost"), "status", "closed").Err(); err != nil {
		t.Fatal(err)
	}
	startClosing(t, "new", false, true)
	startClosing(t, "open", false, false)
	k = pass(true)
	if k.Pass != readmodel.PassIncremental || k.Replayed != 0 || k.Drift.Extra != 0 {
		t.Fatalf("incremental pass %+v, want no replay and nothing deleted", k)
	}
	if got := shared.Redis.HGet(ctx, item("new"), "status").Val(); got != "closed" {
		t.Errorf("run closed since the last pass: status %q", got)
	}
	if got := shared.Redis.HGet(ctx, item("open"), "status").Val(); got != "open" {
		t.Errorf("running run: status %q", got)
	}
	if shared.Redis.Exists(ctx, item("old"), item("ghost")).Val() != 1 {
		t.Errorf("the incremental pass read a run closed before it, or deleted a key")
	}

	k = pass(false)
	if k.Pass != readmodel.PassFull || k.Drift.Extra != 1 || k.Drift.Missing != 1 || k.Replayed != 1 {
		t.Fatalf("full pass %+v, want the ghost deleted, the old run's key back, the legacy run replayed", k)
	}
	if shared.Redis.Exists(ctx, item("old")).Val() != 1 || shared.Redis.Exists(ctx, item("ghost")).Val() != 0 {
		t.Error("the full pass did not repair the read model")
	}
	if err := shared.Temporal.SignalWorkflow(ctx, "probe-closing/open", "", "close", nil); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
