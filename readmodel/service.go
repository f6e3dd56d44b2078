package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"helhed/searchattr"
)

// Redis keys this package owns.
const (
	keyPrefix    = "helhed:readmodel:"
	keyReconcile = keyPrefix + "reconcile" // hash: last_success, last_attempt, duration_seconds, last_error
	keyKinds     = keyPrefix + "kinds"     // hash: kind → KindReport JSON
	keySchedules = keyPrefix + "schedules" // hash: schedule id → ScheduleReport JSON
)

// Service reconciles the read model. It holds no state of its own, so
// every hook of a process may make one.
type Service struct {
	Temporal client.Client
	Redis    redis.UniversalClient
	Registry *Registry
	Log      *slog.Logger
	// Concurrency is how many runs are loaded at once (default 8).
	Concurrency int

	started   time.Time // when OnStart ran: Ready waits for a reconcile after it
	startupID string
}

// New returns a Service over the reconcilers in reg.
func New(c client.Client, r redis.UniversalClient, reg *Registry, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Temporal: c, Redis: r, Registry: reg, Log: log}
}

// Options narrow a reconcile.
type Options struct {
	// Kinds limits the reconcile to these kinds; empty means every kind
	// (and then the schedule snapshot is refreshed too).
	Kinds []string `json:"kinds,omitempty"`
	// Startup marks the reconcile after a process start: a rebuild of an
	// empty Redis (the in-process one of -dev) is expected then, so missing
	// keys are logged as information, not as drift.
	Startup bool `json:"startup,omitempty"`
}

// Report is what a reconcile found and did.
type Report struct {
	Started   time.Time        `json:"started"`
	Duration  float64          `json:"durationSeconds"`
	Kinds     []KindReport     `json:"kinds"`
	Schedules []ScheduleReport `json:"schedules,omitempty"`
	// Drift is the total over the kinds.
	Drift int `json:"drift"`
	// Errors lists what failed; the read model of a kind with an error
	// was left as it was.
	Errors []string `json:"errors,omitempty"`
}

// KindReport is one kind's part of a Report, and what the Collector
// publishes for it.
type KindReport struct {
	Kind string `json:"kind"`
	// Reconciled says a Reconciler rebuilt the kind's read model; other
	// kinds only have their runs counted.
	Reconciled bool           `json:"reconciled"`
	Runs       map[string]int `json:"runs"` // by status: running, completed, failed, …
	// LastCompleted and LastFailed are Unix seconds (0: none within the
	// namespace's retention).
	LastCompleted int64  `json:"lastCompleted"`
	LastFailed    int64  `json:"lastFailed"`
	Keys          int    `json:"keys"`
	Drift         Drift  `json:"drift"`
	LoadErrors    int    `json:"loadErrors"`
	Error         string `json:"error,omitempty"`
}

// Reconcile rebuilds the read model of the chosen kinds and records what it
// found. The kinds are every registered Reconciler's plus every HelhedKind
// visibility knows, so runs of kinds without a read model are counted too.
// progress (may be nil) is called after each kind, for heartbeats. It
// returns an error when any kind failed; the report still says what the
// others did.
func (s *Service) Reconcile(ctx context.Context, opts Options, progress func(kind string)) (Report, error) {
	rep := Report{Started: time.Now().UTC()}
	all, err := s.list(ctx, searchattr.Kind.GetName()+" IS NOT NULL")
	if err != nil {
		return rep, err
	}
	byKind := map[string][]Run{}
	for _, r := range s.Registry.All() {
		byKind[r.Kind()] = nil
	}
	for _, run := range all {
		byKind[run.Kind] = append(byKind[run.Kind], run)
	}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		for k := range byKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
	}
	for _, kind := range kinds {
		runs, known := byKind[kind]
		if !known {
			return rep, fmt.Errorf("unknown kind %q: no reconciler and no runs", kind)
		}
		kr := s.reconcileKind(ctx, kind, runs, opts.Startup)
		if kr.Error != "" {
			rep.Errors = append(rep.Errors, kind+": "+kr.Error)
		}
		rep.Drift += kr.Drift.Total()
		rep.Kinds = append(rep.Kinds, kr)
		if err := s.saveJSON(ctx, keyKinds, kind, kr); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		}
		if progress != nil {
			progress(kind)
		}
	}
	if len(opts.Kinds) == 0 {
		sched, err := s.snapshotSchedules(ctx, all)
		if err != nil {
			rep.Errors = append(rep.Errors, "schedules: "+err.Error())
		} else {
			rep.Schedules = sched
		}
	}
	rep.Duration = time.Since(rep.Started).Seconds()
	fields := map[string]any{"last_attempt": Value(rep.Started), "duration_seconds": Value(rep.Duration)}
	if len(rep.Errors) == 0 {
		fields["last_success"] = Value(rep.Started)
		fields["last_error"] = ""
	} else {
		fields["last_error"] = rep.Errors[0]
	}
	if err := s.Redis.HSet(ctx, keyReconcile, fields).Err(); err != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("record reconcile: %v", err))
	}
	s.Log.Info("read model reconciled", "kinds", len(rep.Kinds), "drift", rep.Drift, "errors", len(rep.Errors), "seconds", rep.Duration)
	if len(rep.Errors) > 0 {
		return rep, fmt.Errorf("reconcile: %d error(s), first: %s", len(rep.Errors), rep.Errors[0])
	}
	return rep, nil
}

// reconcileKind counts the kind's runs and, with a Reconciler, rebuilds
// its read model. A run that cannot be loaded leaves the read model as it
// was: without its projection, a rebuild would delete its keys.
func (s *Service) reconcileKind(ctx context.Context, kind string, all []Run, startup bool) KindReport {
	kr := KindReport{Kind: kind, Runs: map[string]int{}}
	for _, run := range all {
		st := statusName(run.Status)
		if st == "continued_as_new" {
			continue
		}
		kr.Runs[st]++
		closed := run.Close.Unix()
		switch st {
		case "completed":
			kr.LastCompleted = max(kr.LastCompleted, closed)
		case "failed", "timed_out", "terminated":
			kr.LastFailed = max(kr.LastFailed, closed)
		}
	}
	r, ok := s.Registry.Get(kind)
	if !ok {
		return kr
	}
	kr.Reconciled = true
	listed := all
	if q := r.ListQuery(); q != KindQuery(kind) {
		var err error
		if listed, err = s.list(ctx, q); err != nil {
			kr.Error = err.Error()
			return kr
		}
	}
	m := NewModel(kind, r.Keys())
	loaded, errs := s.load(ctx, r, listed)
	kr.LoadErrors = len(errs)
	if len(errs) > 0 {
		kr.Error = fmt.Sprintf("%d run(s) could not be read, read model left as it was; first: %v", len(errs), errs[0])
		return kr
	}
	for i, run := range listed {
		if run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			continue
		}
		if err := r.Project(m, run, loaded[i]); err != nil {
			kr.Error = fmt.Sprintf("project %s: %v", run.WorkflowID, err)
			return kr
		}
	}
	if f, ok := r.(Finisher); ok {
		if err := f.Finish(m); err != nil {
			kr.Error = fmt.Sprintf("finish: %v", err)
			return kr
		}
	}
	if err := m.Err(); err != nil {
		kr.Error = err.Error()
		return kr
	}
	d, err := syncModel(ctx, s.Redis, m)
	if err != nil {
		kr.Error = err.Error()
		return kr
	}
	kr.Drift = d
	kr.Keys = m.Len()
	switch {
	case d.Total() == 0:
	case startup && d.Extra == 0 && d.Changed == 0:
		s.Log.Info("read model rebuilt after start", "kind", kind, "keys", d.Missing)
	default:
		s.Log.Warn("read model drift repaired", "kind", kind, "missing", d.Missing, "extra", d.Extra, "changed", d.Changed)
	}
	return kr
}

// load reads every run concurrently; superseded runs are not loaded.
func (s *Service) load(ctx context.Context, r Reconciler, rs []Run) ([]any, []error) {
	out := make([]any, len(rs))
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	n := s.Concurrency
	if n <= 0 {
		n = 8
	}
	sem := make(chan struct{}, n)
	for i, run := range rs {
		if run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			v, err := r.Load(qctx, s.Temporal, run)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[i] = v
		}()
	}
	wg.Wait()
	return out, errs
}

// list pages through a visibility query.
func (s *Service) list(ctx context.Context, query string) ([]Run, error) {
	var out []Run
	var token []byte
	for {
		resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, NextPageToken: token, PageSize: 1000,
		})
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", query, err)
		}
		for _, e := range resp.GetExecutions() {
			out = append(out, runOf(e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), e.GetType().GetName(),
				e.GetStatus(), e.GetStartTime().AsTime(), e.GetCloseTime(), e.GetSearchAttributes()))
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

type timestamp interface {
	AsTime() time.Time
	IsValid() bool
}

func runOf(id, runID, typ string, st enumspb.WorkflowExecutionStatus, start time.Time, closeTS timestamp, sa *commonpb.SearchAttributes) Run {
	r := Run{WorkflowID: id, RunID: runID, Type: typ, Status: st, Start: start}
	if closeTS != nil && closeTS.IsValid() && st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		r.Close = closeTS.AsTime()
	}
	fields := sa.GetIndexedFields()
	str := func(name string) string {
		var v string
		if p, ok := fields[name]; ok {
			if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
				var vs []string // keyword lists decode as a slice
				if converter.GetDefaultDataConverter().FromPayload(p, &vs) == nil && len(vs) > 0 {
					v = vs[0]
				}
			}
		}
		return v
	}
	r.Kind = str(searchattr.Kind.GetName())
	r.Stage = str(searchattr.Stage.GetName())
	r.Area = str(searchattr.Area.GetName())
	r.Partner = str(searchattr.Partner.GetName())
	r.Plan = str(searchattr.PlanID.GetName())
	if p, ok := fields[searchattr.DueAt.GetName()]; ok {
		var t time.Time
		if converter.GetDefaultDataConverter().FromPayload(p, &t) == nil {
			r.DueAt = t
		}
	}
	return r
}

func statusName(st enumspb.WorkflowExecutionStatus) string {
	switch st {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "running"
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "continued_as_new"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "timed_out"
	}
	return "unknown"
}

func (s *Service) saveJSON(ctx context.Context, key, field string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.Redis.HSet(ctx, key, field, b).Err(); err != nil {
		return fmt.Errorf("record %s %s: %w", key, field, err)
	}
	return nil
}

// Recorded reports whether a reconcile ever recorded itself in this Redis;
// false means the read model is new or was flushed.
func (s *Service) Recorded(ctx context.Context) (bool, error) {
	n, err := s.Redis.Exists(ctx, keyReconcile).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, err
	}
	return n > 0, nil
}

func countRequest(kind string) *workflowservice.CountWorkflowExecutionsRequest {
	return &workflowservice.CountWorkflowExecutionsRequest{Query: KindQuery(kind)}
}
