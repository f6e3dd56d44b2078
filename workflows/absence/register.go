package absence

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers the AbsenceFollowUp workflow and its activities (the
// shared Mail activity and cycle.Requests are registered once elsewhere).
func Register(r worker.Registry, a *Activities) {
	r.RegisterWorkflowWithOptions(FollowUp, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterActivity(a)
}
