package schedules

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// LaunchWorkflowName is the workflow every occurrence schedule starts.
const LaunchWorkflowName = "ScheduleLaunch"

// scheduledStartAttr is the search attribute the Temporal scheduler sets on
// the workflows it starts: the nominal fire time (the trigger time for a
// manual trigger, the backfilled time for a backfill).
const scheduledStartAttr = "TemporalScheduledStartTime"

// LaunchInput is the schedule action's argument.
type LaunchInput struct {
	Schedule    string       `json:"schedule"`
	Occurrences []Occurrence `json:"occurrences"`
}

// Launch outcomes.
const (
	LaunchStarted        = "started"
	LaunchAlreadyStarted = "already-started"
	LaunchNothingDue     = "nothing-due"
)

// LaunchResult says what a fire did.
type LaunchResult struct {
	ScheduledAt time.Time `json:"scheduledAt"`
	Status      string    `json:"status"`
	WorkflowID  string    `json:"workflowId,omitempty"`
	RunID       string    `json:"runId,omitempty"`
}

// Pick returns the occurrence due at t: the latest one at or before t that
// is not stale (t after its NotAfter). ok is false when none is due.
func Pick(occs []Occurrence, t time.Time) (Occurrence, bool) {
	var best Occurrence
	found := false
	for _, o := range occs {
		if o.At.After(t) || (!o.NotAfter.IsZero() && t.After(o.NotAfter)) {
			continue
		}
		if !found || o.At.After(best.At) {
			best, found = o, true
		}
	}
	return best, found
}

// Launch starts the occurrence due at the schedule's fire time as an
// abandoned child (it outlives this short workflow) under the occurrence's
// own workflow ID. A run that already exists is left alone, so triggers and
// backfills are idempotent; a failed one may be started again.
func Launch(ctx workflow.Context, in LaunchInput) (LaunchResult, error) {
	at := scheduledAt(ctx)
	res := LaunchResult{ScheduledAt: at}
	occ, ok := Pick(in.Occurrences, at)
	if !ok {
		res.Status = LaunchNothingDue
		workflow.GetLogger(ctx).Info("nothing due", "schedule", in.Schedule, "at", at)
		return res, nil
	}
	res.WorkflowID = occ.WorkflowID
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            occ.WorkflowID,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
	})
	child := workflow.ExecuteChildWorkflow(cctx, occ.Workflow, occ.Input)
	var exec workflow.Execution
	if err := child.GetChildWorkflowExecution().Get(ctx, &exec); err != nil {
		if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			res.Status = LaunchAlreadyStarted
			return res, nil
		}
		return res, fmt.Errorf("start %s: %w", occ.WorkflowID, err)
	}
	res.Status, res.RunID = LaunchStarted, exec.RunID
	return res, nil
}

// scheduledAt reads the nominal fire time; a Launch started by hand (not by
// a schedule) uses its start time.
func scheduledAt(ctx workflow.Context) time.Time {
	info := workflow.GetInfo(ctx)
	if sa := info.SearchAttributes; sa != nil {
		if p, ok := sa.GetIndexedFields()[scheduledStartAttr]; ok {
			var t time.Time
			if err := converter.GetDefaultDataConverter().FromPayload(p, &t); err == nil && !t.IsZero() {
				return t
			}
		}
	}
	return info.WorkflowStartTime
}
