package datarequest_test

import (
	"context"

	"helhed/capability"

	"go.temporal.io/sdk/activity"
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

var baseline = capability.Capability{Name: "baseline",
	Workflows:  []capability.Workflow{{Name: "baseline-one-activity", Func: baselineWorkflow}},
	Activities: []capability.Activities{{Impl: baselineTouch, Options: activity.RegisterOptions{Name: "baseline-touch"}}}}
