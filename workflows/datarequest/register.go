package datarequest

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	_ "time/tzdata" // the workflow loads the plan's zone by name; every replica must agree

	"helhed/workflows"
)

// Register puts the workflow and its activities on a worker.
func Register(w worker.Registry, a *Activities) {
	w.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterActivity(a)
}

// StartOptions are the options a request is started with: its ID from the
// business key and the task queue. The workflow sets its own search
// attributes, so children started by other workflows get them too.
func StartOptions(in *Input) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:        WorkflowID(in.RequestID),
		TaskQueue: workflows.TaskQueue,
		// A request ID is used once: a second start is refused, even
		// after the first has closed.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}
}

// Start checks the input and starts a request.
func Start(ctx context.Context, c client.Client, in Input) (client.WorkflowRun, error) {
	if err := CheckInput(&in); err != nil {
		return nil, err
	}
	run, err := c.ExecuteWorkflow(ctx, StartOptions(&in), WorkflowName, in)
	if err != nil {
		return nil, fmt.Errorf("start data request %s: %w", in.RequestID, err)
	}
	return run, nil
}

// SubmitTimeout bounds how long a submission waits for the workflow.
const SubmitTimeout = 30 * time.Second

// Submit sends the submit Update and waits for the result. A rejected
// submission returns an error AsValidationError or IsNotOpen understands.
func Submit(ctx context.Context, c client.Client, requestID string, sub Submission) (SubmitResult, error) {
	ctx, cancel := context.WithTimeout(ctx, SubmitTimeout)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   WorkflowID(requestID),
		UpdateName:   UpdateSubmit,
		Args:         []any{sub},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return SubmitResult{}, err
	}
	var res SubmitResult
	if err := h.Get(ctx, &res); err != nil {
		return SubmitResult{}, err
	}
	return res, nil
}
