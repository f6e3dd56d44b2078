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
