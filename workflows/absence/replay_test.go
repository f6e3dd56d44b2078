package absence_test

import (
	"testing"

	"go.temporal.io/sdk/workflow"

	"helhed/schedules/cycle/cycletest"
	"helhed/workflows/absence"
)

// TestReplayRecordedHistory replays a quarter recorded on the embedded
// server (schedules' TestAbsenceScheduleTriggerOnTheServer with
// HELHED_RECORD_HISTORY=1): four table requests, a rejected file asked for
// again, three accepted, an operator's close, the note and read model.
func TestReplayRecordedHistory(t *testing.T) {
	r, err := cycletest.Replayer()
	if err != nil {
		t.Fatal(err)
	}
	r.RegisterWorkflowWithOptions(absence.FollowUp, workflow.RegisterOptions{Name: absence.WorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/absence-follow-up-history.json"); err != nil {
		t.Fatal(err)
	}
}
