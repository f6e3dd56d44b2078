// Package datarequest holds the side effects of partner data requests:
// activities, the Redis store, the collector and the reconciler, and New,
// which lists them with the partner portal's routes. The rules and the
// workflow are in helhed/workflows/datarequest.
package datarequest

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/portal"
	"helhed/readmodel"
	"helhed/readmodel/kinds"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// New lists the data-request capability.
func New(d capability.Deps) (capability.Capability, error) {
	pd := portal.Deps{Plan: d.Plan, Temporal: d.Temporal, Redis: d.Redis, Mail: d.Mail, Config: d.Config, Log: d.Log,
		Operator: func(h http.Handler) http.Handler { return h }}
	acts, err := portal.Activities(pd)
	// Without Temporal (the starter reading the kinds) the link secret
	// is not needed.
	if err != nil && d.Temporal != nil {
		return capability.Capability{}, err
	}
	var routeErr error
	mount := func(mux *http.ServeMux) { routeErr = portal.Routes(mux, pd) }
	public := capability.Mount(capability.Public, mount,
		"GET /portal/t/{token}", "GET /portal/t/{token}/opgave/{id}", "POST /portal/t/{token}/opgave/{id}")
	operator := capability.Mount(capability.Operator, mount,
		"GET /api/v1/tasks", "POST /api/v1/tasks/{id}/submit", "POST /api/v1/partners/{partner}/token", "DELETE /api/v1/partners/{partner}/token")
	if routeErr != nil && d.Temporal != nil {
		return capability.Capability{}, routeErr
	}
	return capability.Capability{
		Name:        datarequest.Kind,
		Workflows:   []capability.Workflow{{Name: datarequest.WorkflowName, Func: datarequest.Workflow}},
		Activities:  []capability.Activities{{Impl: acts}},
		Kinds:       []runs.Kind{datarequest.RunKind()},
		Reconcilers: []readmodel.Reconciler{kinds.DataRequest()},
		Collectors:  []prometheus.Collector{&datarequest.Collector{Store: &datarequest.Store{R: d.Redis, Loc: d.Plan.Location()}, Plan: d.Plan, Log: d.Log}},
		Routes:      append(public, operator...),
	}, nil
}
