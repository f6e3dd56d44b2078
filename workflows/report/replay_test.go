package report

import (
	"encoding/base64"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/codec"
	"helhed/workflows/statistics"
)

// TestReplayRecordedHistories replays histories recorded from the
// end-to-end run (RECORD_HISTORY=1 go test -run EndToEnd ./workflows/report)
// against today's workflow code: a change that would break running
// workflows fails here and needs workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	key, err := base64.StdEncoding.DecodeString(base64.StdEncoding.EncodeToString([]byte("helhed-replay-test-key-32-bytes!")))
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
	r.RegisterWorkflowWithOptions(AnnualReport, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterWorkflowWithOptions(statistics.StatisticsPull, workflow.RegisterOptions{Name: statistics.WorkflowName})
	for _, f := range []string{"testdata/annual-report.history.json", "testdata/statistics-pull.history.json"} {
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
