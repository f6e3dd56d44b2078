package eviction

import (
	"os"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/codec"
	"helhed/config"
)

// TestReplay replays a recorded history of a case through a missed
// instalment, påkrav, deadline, termination with the kommune notice, court
// request and eviction against the current workflow code: a change that
// would break running cases fails here and needs workflow.GetVersion. The
// history was recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestLegalClockOnTheRealStack ./workflows/eviction`,
// whose payloads are sealed with the test key in testdata.
func TestReplay(t *testing.T) {
	raw, err := os.ReadFile("testdata/payload-test.key")
	if err != nil {
		t.Fatal(err)
	}
	key, err := config.DecodeKey(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.New([][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	dc := codec.DataConverter(c)
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: dc, FailureConverter: codec.FailureConverter(dc),
	})
	if err != nil {
		t.Fatal(err)
	}
	r.RegisterWorkflowWithOptions(EvictionCase, workflow.RegisterOptions{Name: WorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/eviction-case-history.json"); err != nil {
		t.Fatal(err)
	}
}
