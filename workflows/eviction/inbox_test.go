package eviction_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/workflows/eviction"
)

// TestInboxWatchScansOnlyWhenReady: the watch starts a scan run only for
// a wait that found a file, goes on after a failed scan, and continues as
// new after its rounds.
func TestInboxWatchScansOnlyWhenReady(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	waits := 0
	env.RegisterActivityWithOptions(func(context.Context, eviction.AwaitInboxInput) (bool, error) {
		waits++
		return waits == 2 || waits == 3, nil // files arrive twice
	}, activity.RegisterOptions{Name: eviction.ActivityPrefix + "AwaitInbox"})
	env.RegisterWorkflowWithOptions(eviction.InboxScan, workflow.RegisterOptions{Name: eviction.InboxWorkflowName})
	scans := 0
	env.OnWorkflow(eviction.InboxWorkflowName, mock.Anything).Return(func(workflow.Context) (eviction.InboxReport, error) {
		scans++
		if scans == 1 {
			return eviction.InboxReport{}, errors.New("scan failed")
		}
		return eviction.InboxReport{Files: []eviction.InboxFile{{Name: "liste.csv", Status: "done"}}}, nil
	})
	env.ExecuteWorkflow(eviction.InboxWatch)
	var cont *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &cont) || cont.WorkflowType.Name != eviction.InboxWatchWorkflowName {
		t.Fatalf("watch ended with %v, want continue-as-new", err)
	}
	if scans != 2 {
		t.Fatalf("%d scans for 2 waits that found files", scans)
	}
	if waits < 3 {
		t.Fatalf("%d waits", waits)
	}
}
