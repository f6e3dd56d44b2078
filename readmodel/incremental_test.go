package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/codec"
	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

// The closing kind: runs that close on a signal, keep their final state in
// their memo and return it as their result, as data requests and crisis
// activations do (unless ResultOnly: a run closed before they kept the
// memo; or Legacy: one closed before they returned their state either).
const (
	closingKind         = "probe-closing"
	closingWorkflowName = "probe-closing"
	closingMemo         = "state"
)

type closingState struct {
	ID         string
	Status     string
	Legacy     bool
	ResultOnly bool
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
	if !st.ResultOnly {
		if err := workflow.UpsertMemo(ctx, map[string]any{closingMemo: st}); err != nil {
			return closingResult{}, err
		}
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
		MemoKey:     closingMemo,
		NewMemo:     func() any { return new(closingState) },
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
func startClosing(t *testing.T, st closingState, close bool) {
	t.Helper()
	ctx := context.Background()
	wid := "probe-closing/" + st.ID
	st.Status = "open"
	run, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: wid, TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(closingKind)),
	}, closingWorkflowName, st)
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

// TestIncrementalPasses: a closed run whose memo holds its state is read
// from the listing, one whose result holds it from its result (counted),
// both without a replay (one recorded before is replayed, and counted);
// an incremental pass reads the running runs and those closed since the
// last pass and deletes nothing; a full pass reads all and deletes what no
// run accounts for.
func TestIncrementalPasses(t *testing.T) {
	ctx := context.Background()
	item := func(id string) string { return "helhed:probeclosing:item:" + id }
	startClosing(t, closingState{ID: "old"}, true)
	startClosing(t, closingState{ID: "result", ResultOnly: true}, true)
	startClosing(t, closingState{ID: "legacy", Legacy: true}, true)
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
	if k.Pass != readmodel.PassFull || k.Replayed != 1 || k.FromResult != 2 {
		t.Fatalf("first pass %+v, want full with the legacy run replayed and two results read (legacy, result)", k)
	}
	for _, id := range []string{"old", "result", "legacy"} {
		if got := shared.Redis.HGet(ctx, item(id), "status").Val(); got != "closed" {
			t.Fatalf("%s: status %q", id, got)
		}
	}
	// The memo goes through the payload codec like every payload.
	d, err := shared.Temporal.DescribeWorkflowExecution(ctx, "probe-closing/old", "")
	if err != nil {
		t.Fatal(err)
	}
	memo := d.GetWorkflowExecutionInfo().GetMemo().GetFields()[closingMemo]
	if enc := string(memo.GetMetadata()[converter.MetadataEncoding]); enc != codec.Encoding {
		t.Errorf("memo encoding %q, want %q (sealed)", enc, codec.Encoding)
	}

	if err := shared.Redis.Del(ctx, item("old")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := shared.Redis.HSet(ctx, item("ghost"), "status", "closed").Err(); err != nil {
		t.Fatal(err)
	}
	startClosing(t, closingState{ID: "new"}, true)
	startClosing(t, closingState{ID: "open"}, false)
	k = pass(true)
	if k.Pass != readmodel.PassIncremental || k.Replayed != 0 || k.FromResult != 0 || k.Drift.Extra != 0 {
		t.Fatalf("incremental pass %+v, want no replay, no result read and nothing deleted", k)
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
	if k.Pass != readmodel.PassFull || k.Drift.Extra != 1 || k.Drift.Missing != 1 || k.Replayed != 1 || k.FromResult != 2 {
		t.Fatalf("full pass %+v, want the ghost deleted, the old run's key back, the legacy run replayed", k)
	}
	if shared.Redis.Exists(ctx, item("old")).Val() != 1 || shared.Redis.Exists(ctx, item("ghost")).Val() != 0 {
		t.Error("the full pass did not repair the read model")
	}
	if err := shared.Temporal.SignalWorkflow(ctx, "probe-closing/open", "", "close", nil); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
