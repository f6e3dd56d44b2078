package readmodel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/searchattr"
	"helhed/workflows"
)

const (
	// Kind is the HelhedKind of reconcile runs (so they are counted too).
	Kind = "readmodel-reconcile"
	// WorkflowName is the registered workflow type.
	WorkflowName = "ReadModelReconcile"
	// ScheduleID is the Temporal schedule that runs the reconcile.
	ScheduleID = "helhed-readmodel-reconcile"
	// Interval is how often the schedule runs it. The alert
	// HelhedReadModelReconcileStale fires after three missed intervals.
	Interval = 15 * time.Minute
	// ManualWorkflowID is the on-demand run's ID: a second request while
	// one runs joins it instead of starting another.
	ManualWorkflowID = Kind + "/manual"
	// ScheduledWorkflowID is the schedule's action ID (Temporal appends
	// the time to it).
	ScheduledWorkflowID = Kind + "/scheduled"
)

// Workflow runs one reconcile as a single activity; the activity heartbeats
// with every visibility call and every run loaded, so a worker lost midway
// is noticed within two minutes.
func Workflow(ctx workflow.Context, opts Options) (Report, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3, NonRetryableErrorTypes: []string{errUnknownKind}},
	})
	var rep Report
	err := workflow.ExecuteActivity(ctx, (*Activities).ReconcileReadModel, opts).Get(ctx, &rep)
	return rep, err
}

const errUnknownKind = "UnknownKind"

// Activities hold the reconcile's dependencies.
type Activities struct{ Service *Service }

// ReconcileReadModel reconciles. Errors of single kinds are in the report
// (and keep the last-success time from moving); only a reconcile that could
// not start at all fails the activity, so Temporal retries it.
func (a *Activities) ReconcileReadModel(ctx context.Context, opts Options) (Report, error) {
	// The schedule's runs (IDs <ScheduledWorkflowID>-<time>) may be
	// incremental; the schedule's recorded arguments stay Options{}.
	if strings.HasPrefix(activity.GetInfo(ctx).WorkflowExecution.ID, ScheduledWorkflowID) && len(opts.Kinds) == 0 && !opts.Startup {
		opts.Incremental = true
	}
	rep, err := a.Service.Reconcile(ctx, opts, func(kind string) { activity.RecordHeartbeat(ctx, kind) })
	if err != nil && len(rep.Kinds) == 0 {
		if strings.HasPrefix(err.Error(), "unknown kind") {
			return rep, temporal.NewNonRetryableApplicationError(err.Error(), errUnknownKind, err)
		}
		return rep, err
	}
	return rep, nil
}

// startOptions are the options of an on-demand run.
func startOptions() client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       ManualWorkflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes:    temporal.NewSearchAttributes(searchattr.Kind.ValueSet(Kind)),
	}
}

// Start begins an on-demand reconcile, or joins the one running.
func (s *Service) Start(ctx context.Context, opts Options) (client.WorkflowRun, error) {
	run, err := s.Temporal.ExecuteWorkflow(ctx, startOptions(), WorkflowName, opts)
	if err != nil {
		return nil, fmt.Errorf("start reconcile: %w", err)
	}
	return run, nil
}

// EnsureSchedule creates the periodic reconcile schedule, or leaves the
// existing one (an operator may have paused it on purpose).
func (s *Service) EnsureSchedule(ctx context.Context) error {
	_, err := s.Temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   ScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: Interval}}},
		Action: &client.ScheduleWorkflowAction{
			ID:                    ScheduledWorkflowID,
			Workflow:              WorkflowName,
			Args:                  []any{Options{}},
			TaskQueue:             workflows.TaskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(Kind)),
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: Interval,
		Note:          "Rebuilds the Redis read model from Temporal and records drift (package readmodel).",
	})
	if err != nil && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create schedule %s: %w", ScheduleID, err)
	}
	return nil
}
