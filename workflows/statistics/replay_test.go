package statistics_test

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/statistics"
)

// TestReplayRecordedHistories replays pulls recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestOnTheRealStack ./adapters/statistics`
// (payloads sealed with the test key in testdata) against the current
// workflow code: a change that would break running pulls fails here and
// needs workflow.GetVersion.
//
//   - statistics-pull-answered.history.json: the monitoring unit answers.
//   - statistics-pull-request-cancelled.history.json: an operator cancels
//     the key-figure request; the pull evaluates without it.
//   - statistics-pull-cancelled.history.json: the pull cancelled while it
//     waits for the key figures.
//
// The report package replays an older pull recorded with its end-to-end
// test.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/statistics-pull-answered.history.json",
		"testdata/statistics-pull-request-cancelled.history.json", "testdata/statistics-pull-cancelled.history.json"},
		replaytest.Workflow{Fn: statistics.StatisticsPull, Name: statistics.WorkflowName})
}
