package app

import (
	"net/http"

	"go.temporal.io/sdk/worker"

	"helhed/runs"
)

// Module is one capability's wiring: its workflows and activities on the
// worker, its HTTP routes, and its metrics. Each capability adds one entry
// to modules; Start calls every hook in this order.
type Module struct {
	Name string
	// Worker registers workflows and activities; a holds the shared
	// dependencies (plan, Temporal client, Redis, mail, metrics).
	Worker func(a *App, w worker.Registry) error
	// Routes adds HTTP routes on HTTP_ADDR. Operator routes must wrap their
	// handlers in a.Operator.
	Routes func(a *App, mux *http.ServeMux) error
	// Start runs after the worker and HTTP servers are up (e.g. schedule
	// sync); its error stops the process from starting.
	Start func(a *App) error
	// Kinds are the workflow kinds operators can start (runs layer).
	Kinds []runs.Kind
}

// Kinds lists every kind the wired modules offer.
func Kinds() []runs.Kind {
	var out []runs.Kind
	for _, m := range modules {
		out = append(out, m.Kinds...)
	}
	return out
}

// modules lists the capabilities this build wires, in start order.
var modules = []Module{}
