package readmodel

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
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

// OnStart makes sure the periodic reconcile is scheduled and starts a
// fresh reconcile of every kind for this process start (app: start). It is
// a new run each start, never a join of one left running by a process that
// died, so the read model is rebuilt whatever state Redis or Temporal were
// left in; Ready reports when a reconcile started after this start has
// succeeded.
func (s *Service) OnStart() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureSchedule(ctx); err != nil {
		return err
	}
	s.started = time.Now()
	id := fmt.Sprintf("%s/start/%s-%s", Kind, s.started.UTC().Format("20060102T150405.000000000Z"), rand.Text()[:8])
	opts := startOptions()
	opts.ID = id
	if _, err := s.Temporal.ExecuteWorkflow(ctx, opts, WorkflowName, Options{Startup: true}); err != nil {
		return fmt.Errorf("start reconcile: %w", err)
	}
	s.startupID = id
	s.Log.Info("read model reconcile started for this process start", "workflowId", id)
	return nil
}

// StartupWorkflowID is the ID of the reconcile OnStart started.
func (s *Service) StartupWorkflowID() string { return s.startupID }

// errReconciling is Ready's answer until a reconcile started after this
// process start has succeeded.
var errReconciling = errors.New("reconciling after start")

// Ready reports whether a reconcile that started after this process
// started has succeeded (on any replica), so the read model is whole.
func (s *Service) Ready(ctx context.Context) error {
	if s.started.IsZero() {
		return errReconciling
	}
	v, err := s.Redis.HGet(ctx, keyReconcile, "last_success").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	if last, _ := strconv.ParseInt(v, 10, 64); last < s.started.Unix() {
		return errReconciling
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
	known, err := s.knownKind(ctx, kind)
	if known {
		return "", ""
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return "", fmt.Sprintf("slags kørsel %q kunne ikke kontrolleres: %s", kind, runs.Message(err))
	}
	return "", fmt.Sprintf("ukendt slags kørsel %q: ingen læsemodel og ingen kørsler af den slags", kind)
}
