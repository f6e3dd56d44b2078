package app

import (
	"context"
	"net/http"

	"go.temporal.io/sdk/worker"

	"helhed/operator"
	"helhed/portal"
	"helhed/readmodel"
	readmodelkinds "helhed/readmodel/kinds"
	"helhed/runs"
	"helhed/runs/catalog"
	"helhed/schedules/governance"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/eviction"
	"helhed/workflows/report"
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
var modules = []Module{
	// readmodel: reconcile of the Redis read model from Temporal, drift and
	// schedule metrics, POST /api/v1/reconcile (kept first: it only reads).
	{
		Name: "readmodel",
		Worker: func(a *App, w worker.Registry) error {
			if err := readmodelkinds.Wire(a.Metrics.Registry, a.Redis, a.Plan, a.log); err != nil {
				return err
			}
			return readmodel.New(a.Temporal, a.Redis, a.log).Wire(w, a.Metrics.Registry, a.Plan)
		},
		Routes: func(a *App, mux *http.ServeMux) error {
			readmodel.New(a.Temporal, a.Redis, a.log).Routes(mux, a.Operator)
			return nil
		},
		Start: func(a *App) error { return readmodel.New(a.Temporal, a.Redis, a.log).OnStart() },
	},
	// data-request: the DataRequest workflow, the partner portal
	// (/portal/t/{token}), /api/v1/tasks and partner links, and the
	// helhed_data_requests_* metrics.
	{
		Name: datarequest.Kind,
		Worker: func(a *App, w worker.Registry) error {
			return portal.Worker(w, portal.Deps{Plan: a.Plan, Redis: a.Redis, Mail: a.Mail, Config: a.Config, Metrics: a.Metrics.Registry, Log: a.log})
		},
		Routes: func(a *App, mux *http.ServeMux) error {
			return portal.Routes(mux, portal.Deps{Plan: a.Plan, Temporal: a.Temporal, Redis: a.Redis, Config: a.Config, Operator: a.Operator, Log: a.log})
		},
		Kinds: []runs.Kind{datarequest.RunKind()},
	},
	// crisis + operator: the CrisisActivation workflow (kind crisis) with its
	// helhed_crisis_* metrics, and the operator API (/api/v1/runs,
	// /api/v1/kinds) and pages (/operator/) over the run layer, serving every
	// kind in runs/catalog (the starter's list too).
	{
		Name: crisis.Kind,
		Worker: func(a *App, w worker.Registry) error {
			return crisis.Register(w, crisis.Deps{Plan: a.Plan, Redis: a.Redis, PublicURL: a.Config.PublicURL, Metrics: a.Metrics.Registry, Log: a.log})
		},
		Routes: func(a *App, mux *http.ServeMux) error {
			kinds, err := catalog.Registry()
			if err != nil {
				return err
			}
			return operator.Routes(mux, operator.Deps{Runner: &runs.Runner{Client: a.Temporal, Plan: a.Plan, Kinds: kinds},
				Redis: a.Redis, Token: a.Config.OperatorToken, Operator: a.Operator, PublicURL: a.Config.PublicURL, Log: a.log})
		},
		Kinds: crisis.Kinds(),
	},
	// statistics + annual report: the StatisticsPull (statistics-pull) and
	// AnnualReport (annual-report) workflows, their yearly schedules, the
	// helhed_indicator_* / helhed_area_criterion_* / helhed_statistics_*
	// metrics, and GET /api/v1/reports[/{year}/{version}.{html|pdf}].
	{
		Name: report.Kind,
		Worker: func(a *App, w worker.Registry) error {
			return report.Worker(w, report.Deps{Plan: a.Plan, Redis: a.Redis, Mail: a.Mail, StatbankURL: a.Config.StatbankURL,
				DataDir: a.Config.DataDir, PublicURL: a.Config.PublicURL, Metrics: a.Metrics.Registry, Log: a.log})
		},
		Routes: func(a *App, mux *http.ServeMux) error {
			report.Routes(mux, a.Operator, a.Redis, a.Config.DataDir)
			return nil
		},
		Kinds: report.RunKinds(),
	},
	// eviction-case: arrears-list import (POST /api/v1/arrears and the
	// $DATA_DIR/inbox schedule), the EvictionCase workflow, GET
	// /api/v1/cases and the helhed_eviction* metrics.
	{
		Name: eviction.Kind,
		Worker: func(a *App, w worker.Registry) error {
			return eviction.For(a.Config, a.Plan, a.Temporal, a.Redis, a.log).Register(w, a.Metrics.Registry)
		},
		Routes: func(a *App, mux *http.ServeMux) error {
			return eviction.For(a.Config, a.Plan, a.Temporal, a.Redis, a.log).Routes(mux, a.Operator)
		},
		Start: func(a *App) error { return eviction.For(a.Config, a.Plan, a.Temporal, a.Redis, a.log).Start() },
		Kinds: eviction.Kinds(),
	},
	// governance: the meeting-round and absence-follow-up kinds, their
	// Temporal Schedules (package schedules: every registered cycle is
	// synced at start), helhed_meeting_*, helhed_progress_report_*,
	// helhed_milestone_actual and helhed_absence_* metrics.
	{
		Name: "governance",
		Worker: func(a *App, w worker.Registry) error {
			return governance.For(a.Config, a.Plan, a.Temporal, a.Redis, a.log).Worker(w, a.Metrics.Registry)
		},
		Start: func(a *App) error {
			return governance.For(a.Config, a.Plan, a.Temporal, a.Redis, a.log).Start(context.Background())
		},
		Kinds: governance.Kinds(),
	},
}
