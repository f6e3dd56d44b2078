package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	"helhed/capability"
	"helhed/codec"
	"helhed/config"
	"helhed/docstore"
	"helhed/operator"
	"helhed/runs"
	"helhed/schedules"
	"helhed/schedules/schedulepages"
	"helhed/tclient"
	"helhed/web"
	"helhed/workflows"
)

// register puts the platform's shared workflows and activities and every
// capability's on w, and their collectors on the metrics registry.
func (a *App) register(w worker.Registry) error {
	// Shared: e-mail, the data-request steering the cycles use, and the
	// Launch workflow every occurrence schedule starts.
	w.RegisterActivity(&activities.Mail{Sender: a.Mail})
	w.RegisterActivity(&activities.Requests{Control: activities.TemporalRequests{Client: a.Temporal}})
	w.RegisterWorkflowWithOptions(schedules.Launch, workflow.RegisterOptions{Name: schedules.LaunchWorkflowName})
	if err := a.ReadModel.Wire(w, a.Metrics.Registry, a.Plan); err != nil {
		return err
	}
	for _, c := range a.Capabilities {
		for _, wf := range c.Workflows {
			w.RegisterWorkflowWithOptions(wf.Func, workflow.RegisterOptions{Name: wf.Name})
		}
		for _, acts := range c.Activities {
			w.RegisterActivityWithOptions(acts.Impl, acts.Options)
		}
		for _, col := range c.Collectors {
			if err := a.Metrics.Registry.Register(col); err != nil {
				return fmt.Errorf("%s: register metrics: %w", c.Name, err)
			}
		}
	}
	return nil
}

// routes adds the read model's, the operator's and the document store's
// routes and every capability's, operator routes behind the operator's
// authentication.
func (a *App) routes(mux *http.ServeMux) error {
	a.ReadModel.Routes(mux, a.Operator)
	kinds, err := runs.NewRegistry(Kinds(a.Capabilities))
	if err != nil {
		return err
	}
	pageGuard, err := operator.Routes(mux, operator.Deps{Runner: &runs.Runner{Client: a.Temporal, Plan: a.Plan, Kinds: kinds},
		Redis: a.Redis, Identity: a.identity, Operator: a.Operator, PublicURL: a.Config.PublicURL, Log: a.log})
	if err != nil {
		return err
	}
	keys, err := a.Config.PayloadKeys()
	if err != nil {
		return fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	payloads, err := codec.New(keys)
	if err != nil {
		return fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	mux.Handle(codec.HTTPPath+"/", codec.NewHTTPHandler(payloads, a.TemporalUIOrigin(), operator.SessionOrToken(a.Redis, a.Operator)))
	mux.Handle(docstore.HandlerPattern, a.Operator(docstore.Handler(a.Documents, a.log)))
	syncer, err := NewSyncer(a.Config, a.Temporal, a.Capabilities, a.log)
	if err != nil {
		return err
	}
	scheduleAPI := schedulepages.API(a.Temporal, a.Plan, ScheduleSources(a.Capabilities), func(ctx context.Context) ([]schedules.Change, error) { return syncer.Sync(ctx, a.Plan) }, a.log)
	for _, c := range append(a.Capabilities, schedulepages.Pages(a.Temporal, a.Plan, ScheduleSources(a.Capabilities), a.log), scheduleAPI) {
		for _, r := range c.Routes {
			h := r.Handler
			switch r.Access {
			case capability.Operator:
				h = a.Operator(allowRoles(r.Roles, h))
			case capability.OperatorPage:
				h = pageGuard(allowRoles(r.Roles, h))
			}
			mux.Handle(r.Pattern, h)
		}
	}
	return nil
}

// start runs once everything serves: the read model's schedule and first
// reconcile, the plan's schedules, and each capability's Start.
func (a *App) start(ctx context.Context) error {
	if err := a.ReadModel.OnStart(); err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	syncer, err := NewSyncer(a.Config, a.Temporal, a.Capabilities, a.log)
	if err != nil {
		return err
	}
	syncCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := syncer.Sync(syncCtx, a.Plan); err != nil {
		return fmt.Errorf("sync schedules: %w", err)
	}
	for _, c := range a.Capabilities {
		if c.Start == nil {
			continue
		}
		if err := c.Start(ctx); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return nil
}

// NewSyncer is a schedules.Syncer over caps' schedule sources, with the
// process's data converter, so described actions can be decoded and
// compared.
func NewSyncer(cfg *config.Config, c client.Client, caps []capability.Capability, log *slog.Logger) (*schedules.Syncer, error) {
	opts, err := tclient.Options(cfg, "", nil, log)
	if err != nil {
		return nil, err
	}
	return &schedules.Syncer{Client: c, DataConverter: opts.DataConverter, TaskQueue: workflows.TaskQueue,
		Sources: ScheduleSources(caps), Log: log}, nil
}

// allowRoles refuses a change (any method but GET and HEAD) to a signed-in
// caller without one of roles (none: sekretariat only), naming the roles
// that may; every role may read. The caller is in the context once the
// operator's authentication has run.
func allowRoles(roles []runs.Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if p, ok := runs.PrincipalFrom(r.Context()); ok && !p.Can(roles...) {
				web.WriteError(w, http.StatusForbidden, runs.Forbidden("Handlingen", roles...).Message, "")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
