package eviction

import (
	"testing"

	"helhed/internal/replaytest"
)

// TestReplay replays a recorded history of a case through a missed
// instalment, påkrav, deadline, termination with the kommune notice, court
// request and eviction against the current workflow code: a change that
// would break running cases fails here and needs workflow.GetVersion. The
// history was recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestLegalClockOnTheRealStack ./adapters/eviction`,
// whose payloads are sealed with the test key in testdata.
func TestReplay(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/eviction-case-history.json"},
		replaytest.Workflow{Fn: EvictionCase, Name: WorkflowName})
}
