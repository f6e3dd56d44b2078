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

// TestReplayPaths replays the other paths, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestOnTheRealStack ./adapters/meeting`:
//
//   - meeting-round-decided-history.json: a round started after its board
//     meeting (every step due runs at once, as a backfill would), the
//     board's decisions recorded, the minutes compiled, closed.
//   - meeting-round-recommendations-moved-history.json: after the steering
//     group's meeting, its recommendations recorded and the board moved
//     (no request left to extend), then cancelled by the operator.
//   - meeting-round-answered-cancelled-history.json: open, a member's answer
//     recorded as it arrived, the board moved (the open requests
//     extended), then cancelled by the operator.
//   - meeting-round-report-now-history.json: open, the report-now Update
//     (changeReportNow), the report sent at once and the open requests
//     closed, then cancelled by the operator.
func TestReplayPaths(t *testing.T) {
	replaytest.Replay(t, cycletest.PayloadKey, []string{"testdata/meeting-round-decided-history.json",
		"testdata/meeting-round-recommendations-moved-history.json", "testdata/meeting-round-answered-cancelled-history.json",
		// Recorded again after the date guards, dated titles and the
		// late-only report notice (issue 14).
		"testdata/meeting-round-decided-2-history.json", "testdata/meeting-round-recommendations-moved-2-history.json",
		"testdata/meeting-round-answered-cancelled-2-history.json", "testdata/meeting-round-report-now-history.json"},
		replaytest.Workflow{Fn: meeting.Round, Name: meeting.WorkflowName})
}
