package datarequest

import (
	"encoding/base64"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/codec"
)

// replayPayloadKey is the test stack's payload key (portal/main_test.go),
// with which testdata/history.json was recorded.
const replayPayloadKey = "aGVsaGVkLXRlc3QtcGF5bG9hZC1rZXktMzJieXRlcyE="

// TestReplayRecordedHistory replays a real run (started, extended by an
// operator, answered through the portal in Chromium) against the current
// workflow code: a change that would break running requests fails here
// and needs workflow.GetVersion. Re-record with
// HELHED_RECORD_HISTORY=1 go test -run TestBrowserAnswersRequest ./portal
func TestReplayRecordedHistory(t *testing.T) {
	key, err := base64.StdEncoding.DecodeString(replayPayloadKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.New([][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	dc := codec.DataConverter(c)
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: dc, FailureConverter: codec.FailureConverter(dc)})
	if err != nil {
		t.Fatal(err)
	}
	r.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/history.json"); err != nil {
		t.Fatal(err)
	}
}
