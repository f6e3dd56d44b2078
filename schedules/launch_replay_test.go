package schedules_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/internal/cycletest"
	"helhed/internal/replaytest"
	"helhed/schedules"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

// TestLaunchOnTheServer runs the ScheduleLaunch workflow down each of its
// paths on the embedded server, with the crisis group's status meeting as
// the occurrence (a workflow that mails and ends): fired by a schedule,
// started by hand, started again for an occurrence that already ran, and
// with nothing due. With HELHED_RECORD_HISTORY=1 it records the histories
// TestReplayLaunchHistories reads (payloads sealed with
// cycletest.PayloadKey).
func TestLaunchOnTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := shared.Temporal
	now := time.Now().Truncate(time.Minute)
	occurrence := func(t *testing.T, at time.Time, id string) schedules.Occurrence {
		t.Helper()
		o, err := schedules.NewOccurrence(at, time.Time{}, crisis.StatusMeetingWorkflowName, id, "Statusmøde", crisis.StatusMeetingInput{Year: "launch-test"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	launch := func(t *testing.T, id string, occs ...schedules.Occurrence) schedules.LaunchResult {
		t.Helper()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
			schedules.LaunchWorkflowName, schedules.LaunchInput{Schedule: "launch-test", Occurrences: occs})
		if err != nil {
			t.Fatal(err)
		}
		var res schedules.LaunchResult
		if err := run.Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}

	t.Run("fired by a schedule", func(t *testing.T) {
		const id = "launch-test/scheduled"
		h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:   id,
			Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 365 * 24 * time.Hour}}},
			Action: &client.ScheduleWorkflowAction{ID: id, Workflow: schedules.LaunchWorkflowName, TaskQueue: workflows.TaskQueue,
				Args: []any{schedules.LaunchInput{Schedule: id, Occurrences: []schedules.Occurrence{
					occurrence(t, now.Add(-time.Hour), "launch-test/status-meeting-scheduled")}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = h.Delete(context.Background()) }()
		if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
			t.Fatal(err)
		}
		var launched string
		waitFor(t, "the schedule's launch", func() (bool, error) {
			d, err := h.Describe(ctx)
			if err != nil || len(d.Info.RecentActions) == 0 {
				return false, err
			}
			launched = d.Info.RecentActions[0].StartWorkflowResult.WorkflowID
			return true, nil
		})
		var res schedules.LaunchResult
		if err := c.GetWorkflow(ctx, launched, "").Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		if res.Status != schedules.LaunchStarted || res.WorkflowID != "launch-test/status-meeting-scheduled" {
			t.Fatalf("launch %+v", res)
		}
		replaytest.Record(t, c, launched, "testdata/launch-scheduled-history.json")
	})

	t.Run("by hand, then again", func(t *testing.T) {
		occ := occurrence(t, now.Add(-time.Hour), "launch-test/status-meeting")
		if res := launch(t, "launch-test/first", occ); res.Status != schedules.LaunchStarted {
			t.Fatalf("first launch %+v", res)
		}
		// The occurrence's run has ended: a second fire leaves it alone.
		if err := c.GetWorkflow(ctx, occ.WorkflowID, "").Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if res := launch(t, "launch-test/again", occ); res.Status != schedules.LaunchAlreadyStarted {
			t.Fatalf("second launch %+v", res)
		}
		replaytest.Record(t, c, "launch-test/first", "testdata/launch-started-history.json")
		replaytest.Record(t, c, "launch-test/again", "testdata/launch-already-started-history.json")
	})

	t.Run("nothing due", func(t *testing.T) {
		if res := launch(t, "launch-test/early", occurrence(t, now.Add(24*time.Hour), "launch-test/status-meeting-later")); res.Status != schedules.LaunchNothingDue {
			t.Fatalf("launch %+v", res)
		}
		replaytest.Record(t, c, "launch-test/early", "testdata/launch-nothing-due-history.json")
	})
}

// TestReplayLaunchHistories replays the Launch histories
// TestLaunchOnTheServer records against the current workflow code: a
// change that would break a running launch fails here and needs
// workflow.GetVersion.
func TestReplayLaunchHistories(t *testing.T) {
	var files []string
	for _, p := range []string{"scheduled", "started", "already-started", "nothing-due"} {
		files = append(files, fmt.Sprintf("testdata/launch-%s-history.json", p))
	}
	replaytest.Replay(t, cycletest.PayloadKey, files, replaytest.Workflow{Fn: schedules.Launch, Name: schedules.LaunchWorkflowName})
}
