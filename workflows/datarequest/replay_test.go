package datarequest_test

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/datarequest"
)

// TestReplayRecordedHistory replays a real run (started, extended by an
// operator, answered through the portal in Chromium) against the current
// workflow code: a change that would break running requests fails here
// and needs workflow.GetVersion. The portal's test stack seals payloads
// with the test key in testdata. Re-record with
// HELHED_RECORD_HISTORY=1 go test -run TestBrowserAnswersRequest ./adapters/datarequest
//
// history-receipt-in-handler.json is history.json as recorded before
// ChangeSubmitAckFirst (the submit Update wrote the read model and sent
// the receipt before it returned); keep it, it is not re-recorded.
// history-submit-ack-first.json is a submit under ChangeSubmitAckFirst
// with the mail server down while the receipt retries, recorded by
// HELHED_RECORD_HISTORY=1 go test -run TestSubmitWhileTheMailServerIsDown ./adapters/datarequest
func TestReplayRecordedHistory(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/history.json",
		"testdata/history-receipt-in-handler.json", "testdata/history-submit-ack-first.json"},
		replaytest.Workflow{Fn: datarequest.Workflow, Name: datarequest.WorkflowName})
}
