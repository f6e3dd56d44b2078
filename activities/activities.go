// Package activities holds helhed's side effects (mail, Redis read model,
// files, Statbank), as methods on structs that hold their dependencies.
package activities

import "go.temporal.io/sdk/worker"

// Register adds every activity to a worker.
func Register(r worker.ActivityRegistry) {
}
