package absence_test

import (
	"testing"

	"helhed/internal/cycletest"
	"helhed/internal/replaytest"
	"helhed/workflows/absence"
)

// TestReplayRecordedHistory replays a quarter recorded on the embedded
// server (schedules' TestAbsenceScheduleTriggerOnTheServer with
// HELHED_RECORD_HISTORY=1): four table requests, a rejected file asked for
// again, three accepted, an operator's close, the note and read model.
func TestReplayRecordedHistory(t *testing.T) {
	replaytest.Replay(t, cycletest.PayloadKey, []string{"testdata/absence-follow-up-history.json"},
		replaytest.Workflow{Fn: absence.FollowUp, Name: absence.WorkflowName})
}
