package report

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/statistics"
)

// TestReplayRecordedHistories replays histories recorded from the
// end-to-end run (HELHED_RECORD_HISTORY=1 go test -run EndToEnd
// ./workflows/report, payloads sealed with the test key in testdata)
// against today's workflow code: a change that would break running
// workflows fails here and needs workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile,
		[]string{"testdata/annual-report.history.json", "testdata/statistics-pull.history.json"},
		replaytest.Workflow{Fn: AnnualReport, Name: WorkflowName},
		replaytest.Workflow{Fn: statistics.StatisticsPull, Name: statistics.WorkflowName})
}

// TestReplayPaths replays the other paths, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestOnTheRealStack ./adapters/report`:
//
//   - annual-report-approved.history.json: version 1 approved at once.
//   - annual-report-rerun-cancelled.history.json: a rerun of a year already
//     sent, numbering on (version 3), cancelled by the operator while it
//     awaits the board.
func TestReplayPaths(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile,
		[]string{"testdata/annual-report-approved.history.json", "testdata/annual-report-rerun-cancelled.history.json",
			// Recorded again after exact numbers and Danish units (issue 14).
			"testdata/annual-report-approved-2.history.json", "testdata/annual-report-rerun-cancelled-2.history.json",
			// The approval recorded again under changeDecisionsBy (issue 19).
			"testdata/annual-report-approved-3.history.json"},
		replaytest.Workflow{Fn: AnnualReport, Name: WorkflowName})
}
