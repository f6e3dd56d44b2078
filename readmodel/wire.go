package readmodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/metrics"
	"helhed/plan"
	"helhed/runs"
	"helhed/web"
)

// Wire registers the reconcile workflow and activity on w, and the
// read-model and plan-catalogue collectors on reg (app: the module's Worker
// hook).
func (s *Service) Wire(w worker.Registry, reg prometheus.Registerer, p *plan.Plan) error {
	w.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterActivityWithOptions(&Activities{Service: s}, activity.RegisterOptions{})
	if err := reg.Register(NewCollector(s.Redis, s.Log)); err != nil {
		return fmt.Errorf("register read-model metrics: %w", err)
	}
	if err := reg.Register(metrics.NewCatalogCollector(p)); err != nil {
		return fmt.Errorf("register plan catalogue metrics: %w", err)
	}
	return nil
}

// OnStart makes sure the periodic reconcile is scheduled and, when this
// Redis holds no reconcile record (new, flushed, or the in-process one of
// -dev), starts a reconcile at once so the read model is rebuilt without
// waiting for the schedule (app: the module's Start hook).
func (s *Service) OnStart() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureSchedule(ctx); err != nil {
		return err
	}
	recorded, err := s.Recorded(ctx)
	if err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	if !recorded {
		if _, err := s.Start(ctx, Options{}); err != nil {
			return err
		}
		s.Log.Info("read model has no reconcile record; reconcile started", "workflowId", ManualWorkflowID)
	}
	return nil
}

// Routes adds the operator route POST /api/v1/reconcile (app: the module's
// Routes hook).
//
// Body (optional): {"kinds": ["data-request", …]}; empty reconciles every
// kind and refreshes the schedule snapshot. It waits for the reconcile and
// answers 200 with the Report; with ?wait=false it answers 202
// {"workflowId","runId"} at once. A request while a reconcile runs joins it.
func (s *Service) Routes(mux *http.ServeMux, operator func(http.Handler) http.Handler) {
	mux.Handle("POST /api/v1/reconcile", operator(http.HandlerFunc(s.handleReconcile)))
}

func (s *Service) handleReconcile(w http.ResponseWriter, r *http.Request) {
	var opts Options
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		web.WriteError(w, http.StatusBadRequest, "indholdet kunne ikke læses", "")
		return
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := runs.Decode(body, &opts); err != nil {
			fe := runs.AsInvalid(err)
			web.WriteError(w, http.StatusBadRequest, fe.Message, fe.Field)
			return
		}
	}
	for i, k := range opts.Kinds {
		if field, msg := s.checkKind(r.Context(), k); msg != "" {
			web.WriteError(w, http.StatusBadRequest, msg, fmt.Sprintf("kinds[%d]%s", i, field))
			return
		}
	}
	wait := true
	if v := r.URL.Query().Get("wait"); v != "" {
		if wait, err = strconv.ParseBool(v); err != nil {
			web.WriteError(w, http.StatusBadRequest, "wait skal være true eller false", "wait")
			return
		}
	}
	run, err := s.Start(r.Context(), opts)
	if err != nil {
		s.Log.Error("reconcile: start", "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "afstemningen kunne ikke startes: "+runs.Message(err), "")
		return
	}
	if !wait {
		web.WriteJSON(w, http.StatusAccepted, map[string]string{"workflowId": run.GetID(), "runId": run.GetRunID()})
		return
	}
	var rep Report
	if err := run.Get(r.Context(), &rep); err != nil {
		s.Log.Error("reconcile failed", "workflowId", run.GetID(), "err", err)
		web.WriteError(w, http.StatusInternalServerError, "afstemningen af læsemodellen fejlede: "+runs.Message(err), "")
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}

// checkKind refuses a kind with neither a reconciler nor any run.
func (s *Service) checkKind(ctx context.Context, kind string) (field, msg string) {
	if _, ok := s.Registry.Get(kind); ok {
		return "", ""
	}
	n, err := s.Temporal.CountWorkflow(ctx, countRequest(kind))
	if err == nil && n.GetCount() > 0 {
		return "", ""
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return "", fmt.Sprintf("slags kørsel %q kunne ikke kontrolleres: %s", kind, runs.Message(err))
	}
	return "", fmt.Sprintf("ukendt slags kørsel %q: ingen læsemodel og ingen kørsler af den slags", kind)
}
