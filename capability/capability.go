// Package capability is the one shape every helhed capability has.
//
// A capability (data requests, meeting rounds, absence, statistics, the
// annual report, eviction prevention, crisis activation) is two packages:
//
//   - workflows/<name>: deterministic code only — workflow functions, typed
//     inputs and results, pure rules (the legal clock, validators). It
//     imports no web, Redis, mail-sending or server package (scripts/depcheck
//     enforces this), and workflowcheck runs over it.
//   - adapters/<name>: the side effects beside it — activities (methods on a
//     struct holding their dependencies), HTTP routes, the Redis store, the
//     metrics collector, the read-model reconciler, importers — and one
//     constructor, New(Deps) (Capability, error), that lists all of it.
//
// Package app wires the list of capabilities explicitly; nothing registers
// itself from init().
package capability

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"helhed/config"
	"helhed/docstore"
	"helhed/mailer"
	"helhed/plan"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
)

// Deps are what a process hands every capability. Temporal, Redis, Mail
// and Documents are nil where a caller only needs the description (the starter
// reads Kinds and Schedules): New must not use them, only keep them, and
// then skips what needs secrets the caller does not hold.
type Deps struct {
	Config   *config.Config
	Plan     *plan.Plan
	Temporal client.Client
	Redis    redis.UniversalClient
	Mail     mailer.Sender
	// Documents keep what capabilities render and file (reports, meeting
	// documents, absence notes, kept arrears lists) where every replica
	// reaches them.
	Documents docstore.Store
	Log       *slog.Logger
}

// Workflow is a workflow function and the type name it is registered under.
type Workflow struct {
	Name string
	Func any
}

// Activities is a struct whose exported methods are activities, with the
// options they are registered with (e.g. a name prefix).
type Activities struct {
	Impl    any
	Options activity.RegisterOptions
}

// Access says who may call a route.
type Access int

const (
	// Operator routes sit behind the operator's authentication.
	Operator Access = iota
	// Public routes authenticate on their own (the partner portal's link
	// tokens) or need none.
	Public
	// OperatorPage routes are Danish pages under /operator/ (the
	// workbench: cases, tasks, schedules, …): they need the operator
	// pages' login session, and a POST must carry the session's CSRF token
	// and come from the same origin. Build them with package operator's
	// kit (Layout, Render, CSRFToken).
	OperatorPage
)

// Route is one HTTP route on HTTP_ADDR.
type Route struct {
	// Pattern is a net/http pattern with method, e.g. "GET /api/v1/cases".
	Pattern string
	Handler http.Handler
	Access  Access
	// Roles may call an Operator or OperatorPage route that changes
	// something (any method but GET and HEAD); nil: sekretariat only.
	// Every role may read; a handler that lists cases still bounds a case
	// worker to their organisations itself.
	Roles []runs.Role
}

// Capability lists everything one capability adds to a process.
type Capability struct {
	// Name is the capability's name, used in errors (e.g. "eviction").
	Name       string
	Workflows  []Workflow
	Activities []Activities
	// Kinds are the run kinds operators start through the run layer.
	Kinds []runs.Kind
	// Schedules derive the capability's Temporal Schedules from the plan;
	// every process that syncs (workers at start, `starter schedules sync`)
	// syncs the union of all capabilities' sources.
	Schedules []schedules.Source
	// Reconcilers rebuild the capability's Redis keys from Temporal.
	Reconcilers []readmodel.Reconciler
	// Collectors publish the capability's helhed_* metrics.
	Collectors []prometheus.Collector
	Routes     []Route
	// Start runs once the worker and the HTTP servers are up (folders,
	// schedules that are not plan cycles); its error stops the process.
	Start func(ctx context.Context) error
}

// Constructor builds a capability from a process's dependencies.
type Constructor func(Deps) (Capability, error)
