// Package meeting holds the side effects of meeting rounds: the activities
// (the plan snapshot, documents in the document store, the read model), the
// collector, the reconciler and the run kind, and New, which lists them.
// The rules and the workflow are in helhed/workflows/meeting.
package meeting

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/meeting"
)

// New lists the meeting-round capability.
func New(d capability.Deps) (capability.Capability, error) {
	routes, err := workbenchRoutes(d)
	if err != nil {
		return capability.Capability{}, err
	}
	return capability.Capability{
		Name:        meeting.Kind,
		Workflows:   []capability.Workflow{{Name: meeting.WorkflowName, Func: meeting.Round}},
		Activities:  []capability.Activities{{Impl: &Activities{Plan: d.Plan, Docs: d.Documents, Redis: d.Redis}}},
		Kinds:       []runs.Kind{RunKind()},
		Schedules:   []schedules.Source{meeting.ScheduleSpecs},
		Reconcilers: []readmodel.Reconciler{Reconciler()},
		Collectors:  []prometheus.Collector{&Collector{Plan: d.Plan, Redis: d.Redis, Log: d.Log}},
		Routes:      routes,
	}, nil
}
