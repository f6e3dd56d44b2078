// Package eviction holds the side effects of eviction prevention: the
// arrears-list importer (API, CLI, inbox), activities, the Redis read
// model, the collector and the reconciler, and New, which lists them. The
// rules (the legal clock) and the workflows are in helhed/workflows/eviction.
package eviction

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/activity"

	"helhed/capability"
	"helhed/readmodel"
	"helhed/workflows/eviction"
)

// New lists the eviction-case capability.
func New(d capability.Deps) (capability.Capability, error) {
	m := eviction.For(d.Config, d.Plan, d.Temporal, d.Redis, d.Log)
	// Without Temporal (the starter reading the kinds) a missing pseudonym
	// key matters only once a case is started, which the workers refuse.
	if err := m.Err(); err != nil && d.Temporal != nil {
		return capability.Capability{}, err
	}
	mount := func(mux *http.ServeMux) { _ = m.Routes(mux, func(h http.Handler) http.Handler { return h }) }
	return capability.Capability{
		Name: eviction.Kind,
		Workflows: []capability.Workflow{
			{Name: eviction.WorkflowName, Func: eviction.EvictionCase},
			{Name: eviction.InboxWorkflowName, Func: eviction.InboxScan},
		},
		Activities:  []capability.Activities{{Impl: m.Activities(), Options: activity.RegisterOptions{Name: eviction.ActivityPrefix}}},
		Kinds:       m.Kinds(),
		Reconcilers: []readmodel.Reconciler{eviction.Reconciler(d.Plan)},
		Collectors:  []prometheus.Collector{m.Collector()},
		Routes:      capability.Mount(capability.Operator, mount, "POST /api/v1/arrears", "GET /api/v1/cases"),
		Start:       func(context.Context) error { return m.Start() },
	}, nil
}
