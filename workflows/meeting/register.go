package meeting

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers the MeetingRound workflow and its activities. The
// shared Mail activity and the data-request steering activities
// (cycle.Requests) are registered once per worker elsewhere.
func Register(r worker.Registry, a *Activities) {
	r.RegisterWorkflowWithOptions(Round, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterActivity(a)
}
