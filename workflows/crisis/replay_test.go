package crisis_test

import (
	"testing"

	"helhed/internal/replaytest"
	"helhed/workflows/crisis"
)

// TestReplay replays a recorded history of a full activation (meeting,
// SSP, resident information, evaluation) against the current workflow
// code: a change that would break running activations fails here and
// needs workflow.GetVersion. The history was recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestCrisisThroughAPI ./operator`,
// whose payloads are sealed with the test key in testdata.
func TestReplay(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/activation-history.json"},
		replaytest.Workflow{Fn: crisis.Activation, Name: crisis.WorkflowName})
}
