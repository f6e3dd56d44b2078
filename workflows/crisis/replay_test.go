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

// TestReplayPaths replays the other paths an activation can take, and the
// yearly status meeting, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestOnTheRealStack ./adapters/crisis`
// (under ChangeRecordEveryStage):
//
//   - activation-moved-closed-history.json: the meeting confirmed, moved
//     and held; SSP not activated; resident information sent; closed
//     without an evaluation.
//   - activation-cancelled-history.json: cancelled once the meeting was
//     called (the invitation is withdrawn).
//   - status-meeting-history.json: the StatusMeeting workflow.
//
// The -2 files are the first two recorded again under ChangeDecisionsBy
// (each Update a decision) and ChangeResultHoldsState (the final state in
// the result), by the same test and renamed; the -3 files again under
// ChangeMemoHoldsRecord (the record in the memo as the activation ends).
func TestReplayPaths(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/activation-moved-closed-history.json",
		"testdata/activation-cancelled-history.json", "testdata/status-meeting-history.json",
		"testdata/activation-moved-closed-2-history.json", "testdata/activation-cancelled-2-history.json",
		"testdata/activation-moved-closed-3-history.json", "testdata/activation-cancelled-3-history.json"},
		replaytest.Workflow{Fn: crisis.Activation, Name: crisis.WorkflowName},
		replaytest.Workflow{Fn: crisis.StatusMeeting, Name: crisis.StatusMeetingWorkflowName})
}
