package crisis

import (
	"os"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/codec"
	"helhed/config"
)

// TestReplay replays a recorded history of a full activation (meeting,
// SSP, resident information, evaluation) against the current workflow
// code: a change that would break running activations fails here and
// needs workflow.GetVersion. The history was recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestCrisisThroughAPI ./operator`,
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
	r.RegisterWorkflowWithOptions(Activation, workflow.RegisterOptions{Name: WorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/activation-history.json"); err != nil {
		t.Fatal(err)
	}
}
