// Package workflows is the root of helhed's Temporal workflows. Each
// capability is a package below it (datarequest, meeting, absence,
// eviction, statistics, report, crisis) holding its workflows, its
// activities (methods on a struct with their dependencies) and its typed
// inputs and results, as in Temporal's reference application. Workflows
// only orchestrate; every side effect is an activity.
package workflows

// TaskQueue is the one queue helhed's workers poll.
const TaskQueue = "helhed"
