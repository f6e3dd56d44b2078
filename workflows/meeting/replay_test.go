package meeting_test

import (
	"testing"

	"helhed/internal/cycletest"
	"helhed/internal/replaytest"
	"helhed/workflows/meeting"
)

// TestReplayRecordedHistory replays a round recorded on the embedded
// server (schedules' TestMeetingRoundMovesOnTheServer with
// HELHED_RECORD_HISTORY=1): open, a data request per member and one to
// the monitoring unit, a refused and an accepted move-board, extensions
// and updated invitations, and one member's answer recorded in the read
// model as it arrived (figures and round entry). A change to the
// workflow that is not replay-safe fails here; guard it with
// workflow.GetVersion.
func TestReplayRecordedHistory(t *testing.T) {
	replaytest.Replay(t, cycletest.PayloadKey, []string{"testdata/meeting-round-history.json"},
		replaytest.Workflow{Fn: meeting.Round, Name: meeting.WorkflowName})
}
