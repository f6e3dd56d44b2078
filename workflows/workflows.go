// Package workflows holds helhed's Temporal workflows. Workflows only
// orchestrate: every side effect is an activity (package activities), and
// every input and result is a typed struct.
package workflows

import "go.temporal.io/sdk/worker"

// TaskQueue is the one queue helhed's workers poll.
const TaskQueue = "helhed"

// Register adds every workflow to a worker.
func Register(r worker.WorkflowRegistry) {
}
