package datarequest_test

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/datarequest"
)

// TestReplayRecordedHistory replays real runs against the current
// workflow code: a change that would break running requests fails here
// and needs workflow.GetVersion. The portal's test stack seals payloads
// with the test key in testdata.
//
//   - history.json: started, extended by an operator, answered through the
//     portal in Chromium. Re-record with
//     HELHED_RECORD_HISTORY=1 go test -run TestBrowserAnswersRequest ./adapters/datarequest
//   - history-receipt-in-handler.json is history.json as recorded before
//     ChangeSubmitAckFirst (the submit Update wrote the read model and sent
//     the receipt before it returned); keep it, it is not re-recorded.
//   - history-submit-ack-first.json: a submit under ChangeSubmitAckFirst
//     with the mail server down while the receipt retries, recorded by
//     HELHED_RECORD_HISTORY=1 go test -run TestSubmitWhileTheMailServerIsDown ./adapters/datarequest
//   - history-rows-notice-after-ack.json: e-mail keys per run
//     (workflows.MailKeyChange), extend and reassign under
//     ChangeNoticeAfterAck, a Windows-1252 table read by the portal and
//     submitted as rows; history-cancel-notice-after-ack.json: a cancel
//     under ChangeNoticeAfterAck after refused oversized uploads. Both by
//     HELHED_RECORD_HISTORY=1 go test -run 'TestWindows1252FileThroughThePortal|TestTooLargeForTemporalIsRefusedFirst' ./adapters/datarequest
func TestReplayRecordedHistory(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/history.json",
		"testdata/history-receipt-in-handler.json", "testdata/history-submit-ack-first.json",
		"testdata/history-rows-notice-after-ack.json", "testdata/history-cancel-notice-after-ack.json"},
		replaytest.Workflow{Fn: datarequest.Workflow, Name: datarequest.WorkflowName})
}
