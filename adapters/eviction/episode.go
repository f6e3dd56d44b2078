package eviction

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"helhed/workflows/eviction"
)

// closedCase links the tenancy's closed run info: a case that ended
// normally returns its final View; one that failed, was cancelled or
// terminated is read with the state query, or, when that cannot answer,
// known by its IDs and close date only (its episode number unknown).
func closedCase(ctx context.Context, tc client.Client, info *workflowpb.WorkflowExecutionInfo) (*eviction.PreviousCase, error) {
	id, runID := info.GetExecution().GetWorkflowId(), info.GetExecution().GetRunId()
	if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		var v eviction.View
		if err := tc.GetWorkflow(ctx, id, runID).Get(ctx, &v); err != nil {
			return nil, fmt.Errorf("read closed case %s: %w", id, err)
		}
		return &eviction.PreviousCase{CaseID: v.CaseID, RunID: runID, Episode: max(v.Episode, 1), Closed: v.Closed}, nil
	}
	prev := &eviction.PreviousCase{CaseID: info.GetFirstRunId(), RunID: runID, Closed: eviction.DateOf(info.GetCloseTime().AsTime())}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var st eviction.State
	if res, err := tc.QueryWorkflow(qctx, id, runID, eviction.QueryState); err == nil && res.Get(&st) == nil {
		prev.CaseID, prev.Episode = st.CaseID, max(st.Episode, 1)
	}
	return prev, nil
}

// lastClosedCase is the tenancy's case that closed last before run runID
// of its workflow id started, from visibility (which may lag a close by a
// moment: the importer, which opens most cases, looks the last run up
// directly instead), or nil when there is none.
func lastClosedCase(ctx context.Context, tc client.Client, id, runID string) (*eviction.PreviousCase, error) {
	query := fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus != 'Running' AND ExecutionStatus != 'ContinuedAsNew'", id)
	var last *workflowpb.WorkflowExecutionInfo
	var token []byte
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list closed cases of %s: %w", id, err)
		}
		for _, info := range resp.GetExecutions() {
			if info.GetExecution().GetRunId() != runID && (last == nil || info.GetCloseTime().AsTime().After(last.GetCloseTime().AsTime())) {
				last = info
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	if last == nil {
		return nil, nil
	}
	return closedCase(ctx, tc, last)
}
