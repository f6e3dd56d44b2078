package datarequest

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// startOptions are the options a request is started with: its ID from the
// business key and the task queue. The workflow sets its own search
// attributes, so children started by other workflows get them too.
func startOptions(in *datarequest.Input) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:        datarequest.WorkflowID(in.RequestID),
		TaskQueue: workflows.TaskQueue,
		// A request ID is used once: a second start is refused, even
		// after the first has closed.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}
}

// Start checks the input and starts a request.
func Start(ctx context.Context, c client.Client, in datarequest.Input) (client.WorkflowRun, error) {
	if err := datarequest.CheckInput(&in); err != nil {
		return nil, err
	}
	run, err := c.ExecuteWorkflow(ctx, startOptions(&in), datarequest.WorkflowName, in)
	if err != nil {
		return nil, fmt.Errorf("start data request %s: %w", in.RequestID, err)
	}
	return run, nil
}

// SubmitTimeout bounds how long a submission waits for the workflow.
const SubmitTimeout = 30 * time.Second

// Submit sends the submit Update and waits for the result. A rejected
// submission returns an error datarequest.AsValidationError or
// datarequest.IsNotOpen understands.
func Submit(ctx context.Context, c client.Client, requestID string, sub datarequest.Submission) (datarequest.SubmitResult, error) {
	ctx, cancel := context.WithTimeout(ctx, SubmitTimeout)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   datarequest.WorkflowID(requestID),
		UpdateName:   datarequest.UpdateSubmit,
		Args:         []any{sub},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return datarequest.SubmitResult{}, err
	}
	var res datarequest.SubmitResult
	if err := h.Get(ctx, &res); err != nil {
		return datarequest.SubmitResult{}, err
	}
	return res, nil
}
