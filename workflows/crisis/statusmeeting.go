package crisis

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// StatusMeetingID is the workflow ID of a plan year's status meeting.
func StatusMeetingID(year string) string { return "crisis-status-meeting/" + year }

// StatusMeeting is the crisis group's yearly status meeting (the plan's
// status_meetings_per_year): it tells the group it is due, so the convenor
// calls it, to review the plan and its contact list and discuss crime
// prevention in the areas. A schedule starts it once a plan year.
func StatusMeeting(ctx workflow.Context, in StatusMeetingInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 10 * time.Minute},
	})
	year := in.Year
	if year == "" {
		// Deterministic: workflow time, not the wall clock.
		now := workflow.Now(ctx).In(loadLocation())
		y := now.Year()
		if now.Month() < time.July {
			y--
		}
		year = fmt.Sprintf("%d-%02d", y, (y+1)%100)
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	var g Group
	if err := workflow.ExecuteActivity(ctx, activityCrisisGroup, GroupRequest{WorkflowID: id}).Get(ctx, &g); err != nil {
		return fmt.Errorf("read crisis group: %w", err)
	}
	return sendMail(ctx, statusMeetingMail(id, year, g))
}
