package readmodel_test

import (
	"context"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/internal/replaytest"
	"helhed/readmodel"
	"helhed/workflows"
)

// TestReconcileRunsOnTheServer runs the ReadModelReconcile workflow down
// its two paths on the shared stack: a reconcile of one kind that succeeds,
// and one of a kind nobody knows, which fails at once without retrying.
// With HELHED_RECORD_HISTORY=1 it records their histories, and the stack's
// (test-only, generated) payload key they are sealed with, for
// TestReplayReconcileHistories.
func TestReconcileRunsOnTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(id string, opts readmodel.Options) error {
		r, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
			readmodel.WorkflowName, opts)
		if err != nil {
			t.Fatal(err)
		}
		var rep readmodel.Report
		err = r.Get(ctx, &rep)
		replaytest.Record(t, shared.Temporal, id, "testdata/reconcile-"+id[len("replay/"):]+"-history.json")
		return err
	}
	if err := run("replay/one-kind", readmodel.Options{Kinds: []string{probeKind}}); err != nil {
		t.Fatalf("reconcile of %s: %v", probeKind, err)
	}
	if err := run("replay/unknown-kind", readmodel.Options{Kinds: []string{"no-such-kind"}}); err == nil {
		t.Fatal("a reconcile of an unknown kind succeeded")
	}
	if os.Getenv(replaytest.RecordEnv) != "" {
		if err := os.WriteFile(replaytest.KeyFile, []byte(shared.Config.PayloadKey+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReplayReconcileHistories replays the reconcile histories against
// the current workflow code: a change that would break a running
// reconcile fails here and needs workflow.GetVersion.
func TestReplayReconcileHistories(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile,
		[]string{"testdata/reconcile-one-kind-history.json", "testdata/reconcile-unknown-kind-history.json"},
		replaytest.Workflow{Fn: readmodel.Workflow, Name: readmodel.WorkflowName})
}
