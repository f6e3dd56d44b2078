package datarequest_test

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/datarequest"
)

// TestReplayPaths replays the paths a user can take besides the portal
// answer of TestReplayRecordedHistory, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestNoDriftAfterEveryStep ./adapters/datarequest`:
//
//   - history-reassigned-answered.json: a table request sent to another
//     contact, then answered with a CSV file in the portal.
//   - history-overdue-extended.json: a request past its due date, extended
//     by the operator, then answered through the API.
//   - history-cancelled.json: cancelled by the operator through the run
//     layer.
//   - history-corrected.json: under ChangeCorrectableAnswers, answered in
//     the portal, refused a decimal and a negative count, answered again
//     (version 2), corrected by the secretariat with a reason and closed
//     with the cancel Update; recorded by
//     `HELHED_RECORD_HISTORY=1 go test -run TestPartnerCorrectsThroughThePortal ./adapters/datarequest`.
//
// The -2 files are the first three recorded again under ChangeOpenLocal
// (OpenTask a local activity) and ChangeResultHoldsState (the final
// state in the result), by the same TestNoDriftAfterEveryStep and renamed;
// the -3 files again under ChangeMemoHoldsTask (the task in the memo as the
// request ends).
func TestReplayPaths(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/history-reassigned-answered.json",
		"testdata/history-overdue-extended.json", "testdata/history-cancelled.json", "testdata/history-corrected.json",
		"testdata/history-reassigned-answered-2.json", "testdata/history-overdue-extended-2.json", "testdata/history-cancelled-2.json",
		"testdata/history-reassigned-answered-3.json", "testdata/history-overdue-extended-3.json", "testdata/history-cancelled-3.json"},
		replaytest.Workflow{Fn: datarequest.Workflow, Name: datarequest.WorkflowName})
}
