package statistics

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/searchattr"
	"helhed/workflows/datarequest"
)

// StatisticsPull orchestrates one year's pull: prepare, then the Statbank
// baselines and the monitoring unit's data request side by side, then
// evaluation and the read model.
func StatisticsPull(ctx workflow.Context, in Input) (*Result, error) {
	state := State{PlanYear: in.PlanYear, Stage: StagePreparing}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return state, nil }); err != nil {
		return nil, err
	}
	short := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumAttempts: 10},
	})
	var prep PrepareResult
	if err := workflow.ExecuteActivity(short, activityPrepare, PrepareInput{Input: in, Now: workflow.Now(ctx)}).Get(ctx, &prep); err != nil {
		return nil, err
	}
	state.PlanYear, state.RequestID, state.Due = prep.Prepared.PlanYear, prep.Request.RequestID, prep.Prepared.Due
	setStage := func(stage string) error {
		state.Stage = stage
		return workflow.UpsertTypedSearchAttributes(ctx, searchattr.Kind.ValueSet(Kind),
			searchattr.PlanID.ValueSet(prep.Prepared.PlanID), searchattr.Stage.ValueSet(stage))
	}

	// The Statbank client retries within the activity; Temporal retries
	// the activity if the worker dies or it times out.
	fetch := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Minute, HeartbeatTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Minute, MaximumAttempts: 5},
	})
	baseFut := workflow.ExecuteActivity(fetch, activityFetchBaselines, prep.Prepared)

	if err := setStage(StageWaiting); err != nil {
		return nil, err
	}
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: datarequest.WorkflowID(prep.Request.RequestID)})
	var answer datarequest.Result
	ev := EvaluateInput{Prepared: prep.Prepared}
	if err := workflow.ExecuteChildWorkflow(child, datarequest.WorkflowName, prep.Request).Get(ctx, &answer); err != nil {
		ev.RequestError = err.Error()
		workflow.GetLogger(ctx).Warn("key-figure data request failed", "requestId", prep.Request.RequestID, "err", err)
	} else {
		ev.Answer = &answer
	}
	if err := baseFut.Get(ctx, &ev.Baselines); err != nil {
		ev.Baselines = Baselines{Missing: []Missing{{What: "Statbank", Reason: "Statbank-tallene kunne ikke hentes: " + err.Error()}}}
	}

	if err := setStage(StageEvaluating); err != nil {
		return nil, err
	}
	ev.Now = workflow.Now(ctx)
	var res Result
	if err := workflow.ExecuteActivity(short, activityEvaluate, ev).Get(ctx, &res); err != nil {
		return nil, err
	}
	state.EarlyWarning = res.EarlyWarning()
	if err := workflow.ExecuteActivity(short, activityPublish, res).Get(ctx, nil); err != nil {
		return nil, err
	}
	if err := setStage(StageDone); err != nil {
		return nil, err
	}
	return &res, nil
}
