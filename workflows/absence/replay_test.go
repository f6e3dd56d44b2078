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

// TestReplayPaths replays the other paths, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestOnTheRealStack ./adapters/absence`:
//
//   - absence-closed-history.json: two files accepted, a bad one asked for
//     again, the operator's close under ChangeCloseStopsFiles (the open
//     requests withdrawn at once).
//   - absence-cancelled-history.json: the round cancelled by the operator
//     (reason signal, Temporal cancel) while the schools were asked.
//   - team-meeting-history.json: the TeamMeeting invitation.
//   - team-meeting-unknown-date-history.json: a TeamMeeting for a date the
//     plan does not have, failing at once.
func TestReplayPaths(t *testing.T) {
	replaytest.Replay(t, cycletest.PayloadKey, []string{"testdata/absence-closed-history.json", "testdata/absence-cancelled-history.json",
		// Recorded again after exact numbers and the rules on the form (issue 14).
		"testdata/absence-closed-2-history.json", "testdata/absence-cancelled-2-history.json",
		"testdata/team-meeting-history.json", "testdata/team-meeting-unknown-date-history.json"},
		replaytest.Workflow{Fn: absence.FollowUp, Name: absence.WorkflowName},
		replaytest.Workflow{Fn: absence.TeamMeeting, Name: absence.TeamMeetingWorkflowName})
}
