package portal_test

import (
	"context"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"time"
)

// The benchmark's baseline: a workflow with one activity that writes one
// Redis key, started the same way as the data requests.
func baselineWorkflow(ctx workflow.Context, id string) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	return workflow.ExecuteActivity(ctx, "baseline-touch", id).Get(ctx, nil)
}

func baselineTouch(ctx context.Context, id string) error {
	_ = activity.GetInfo(ctx)
	return stack.rdb.Set(ctx, "helhed:bench:"+id, "1", time.Hour).Err()
}

func registerBaseline(r worker.Registry) {
	r.RegisterWorkflowWithOptions(baselineWorkflow, workflow.RegisterOptions{Name: "baseline-one-activity"})
	r.RegisterActivityWithOptions(baselineTouch, activity.RegisterOptions{Name: "baseline-touch"})
}
