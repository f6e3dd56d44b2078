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
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// Redis keys this package owns.
const (
	keyPrefix    = "helhed:readmodel:"
	keyReconcile = keyPrefix + "reconcile" // hash: last_success, last_attempt, duration_seconds, last_error
	keyKinds     = keyPrefix + "kinds"     // hash: kind → KindReport JSON
	keySchedules = keyPrefix + "schedules" // hash: schedule id → ScheduleReport JSON
	keyPasses    = keyPrefix + "passes"    // hash: kind → passState JSON (incremental kinds' watermarks)
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
	// DataConverter is the one the process's client encodes payloads
	// with (tclient.Options), so memos (Run.MemoValue) decode; nil means
	// the SDK's default, which cannot read encrypted ones.
	DataConverter converter.DataConverter

	pageSize     int            // runs per visibility page (default defaultPageSize)
	retryPause   time.Duration  // before a failed visibility call is made again (default defaultRetryPause)
	closeOverlap *time.Duration // default closeOverlap

	started   time.Time // when OnStart ran: Ready waits for a reconcile after it
	startupID string
}

// runTimeout bounds the loading of one run (a state query replays its
// history on a worker).
const runTimeout = 30 * time.Second

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
	// Incremental lets the kinds whose Reconciler is Incremental read
	// only their running runs and the runs closed since their last pass,
	// deleting nothing; each still gets a full pass every FullEvery. The
	// periodic schedule's runs set it (Activities); a start, an operator's
	// reconcile and a reconcile of named kinds are full.
	Incremental bool `json:"incremental,omitempty"`
}

// FullEvery is how often an incremental kind gets a full pass, which
// reads every run (closed ones from their memos or results), deletes what
// no run accounts for and runs what the incremental passes skip (Claimer).
const FullEvery = 24 * time.Hour

// closeOverlap is how far before the last pass's start an incremental pass
// reaches back in close times: visibility may list a run that closed just
// before that start only a moment later. Projecting a run twice is
// harmless.
const closeOverlap = 10 * time.Minute

// Passes of a kind's reconcile (KindReport.Pass).
const (
	PassFull        = "full"
	PassIncremental = "incremental"
)

// passState is a reconciled kind's record of its passes.
type passState struct {
	// SinceMs is when the last successful pass started (Unix
	// milliseconds): the next incremental pass reads runs closed after it.
	SinceMs int64 `json:"sinceMs"`
	// LastFull is when the last successful full pass started.
	LastFull int64 `json:"lastFull"`
	// Seconds is how long the kind's last successful pass took, by pass
	// (PassFull, PassIncremental).
	Seconds map[string]float64 `json:"seconds"`
}

// Incremental is an optional Reconciler extension: a kind whose Project
// writes each run's keys from that run alone (no totals over runs, no
// Finisher), so projecting a subset of its runs over the live read model,
// deleting nothing, is exact.
type Incremental interface {
	IncrementalPasses() bool
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
	// Warnings lists kinds rebuilt without some of their runs (see
	// KindReport.Warning); the reconcile still succeeded.
	Warnings []string `json:"warnings,omitempty"`
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
	LastCompleted int64 `json:"lastCompleted"`
	LastFailed    int64 `json:"lastFailed"`
	Keys          int   `json:"keys"`
	Drift         Drift `json:"drift"`
	// Unreadable counts the runs that could not be loaded (a history that
	// does not replay for the state query, a result that does not decode).
	// They were skipped: the read model was rebuilt from the other runs,
	// but keys and members no readable run accounts for were kept, since
	// they may be the skipped runs'. Warning says so.
	Unreadable int    `json:"unreadable"`
	Warning    string `json:"warning,omitempty"`
	Error      string `json:"error,omitempty"`
	// Replayed counts the closed runs read with the state query, which
	// replays their history on a worker: those whose result does not hold
	// their state (Spec.StateInResult).
	Replayed int `json:"replayed"`
	// FromResult counts the closed runs read from their result, with a
	// history call each: those whose memo does not hold their state
	// (Spec.MemoKey).
	FromResult int `json:"fromResult"`
	// Duration is how long the kind's reconcile took, in seconds.
	Duration float64 `json:"durationSeconds"`
	// Pass is PassFull or PassIncremental for a reconciled kind.
	Pass string `json:"pass,omitempty"`
}

// Reconcile rebuilds the read model of the chosen kinds and records what it
// found. The kinds are every registered Reconciler's plus every HelhedKind
// visibility knows, so runs of kinds without a read model are counted too.
// Each kind is rebuilt and recorded before the next is listed. progress
// (may be nil) is called for heartbeats, at least once per visibility call
// and per run loaded, from several goroutines but never at once. It returns
// an error when any kind failed; the report still says what the others did.
// A kind with unreadable runs is rebuilt without them (KindReport.Warning)
// and does not count as failed.
func (s *Service) Reconcile(ctx context.Context, opts Options, progress func(kind string)) (Report, error) {
	rep := Report{Started: time.Now().UTC()}
	var mu sync.Mutex
	beat := func(kind string) func() {
		return func() {
			if progress != nil {
				mu.Lock()
				defer mu.Unlock()
				progress(kind)
			}
		}
	}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		for _, r := range s.Registry.All() {
			kinds = append(kinds, r.Kind())
		}
		others, err := s.otherKinds(ctx, kinds, beat(""))
		if err != nil {
			return rep, err
		}
		kinds = append(kinds, others...)
		sort.Strings(kinds)
	} else if err := s.checkKinds(ctx, kinds); err != nil {
		return rep, err
	}
	for _, kind := range kinds {
		kr := s.reconcileKind(ctx, kind, opts, beat(kind))
		if kr.Error != "" {
			rep.Errors = append(rep.Errors, kind+": "+kr.Error)
		}
		if kr.Warning != "" {
			rep.Warnings = append(rep.Warnings, kind+": "+kr.Warning)
		}
		rep.Drift += kr.Drift.Total()
		rep.Kinds = append(rep.Kinds, kr)
		if err := s.saveJSON(ctx, keyKinds, kind, kr); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		}
	}
	if len(opts.Kinds) == 0 {
		sched, err := s.snapshotSchedules(ctx)
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
	s.Log.Info("read model reconciled", "kinds", len(rep.Kinds), "drift", rep.Drift, "errors", len(rep.Errors),
		"warnings", len(rep.Warnings), "seconds", rep.Duration)
	if len(rep.Errors) > 0 {
		return rep, fmt.Errorf("reconcile: %d error(s), first: %s", len(rep.Errors), rep.Errors[0])
	}
	return rep, nil
}

// checkKinds refuses a kind with neither a reconciler nor any run, before
// any kind is reconciled.
func (s *Service) checkKinds(ctx context.Context, kinds []string) error {
	for _, kind := range kinds {
		known, err := s.knownKind(ctx, kind)
		if err != nil {
			return fmt.Errorf("count runs of kind %q: %w", kind, err)
		}
		if !known {
			return fmt.Errorf("unknown kind %q: no reconciler and no runs", kind)
		}
	}
	return nil
}

// knownKind reports whether kind has a reconciler or any run.
func (s *Service) knownKind(ctx context.Context, kind string) (bool, error) {
	if _, ok := s.Registry.Get(kind); ok {
		return true, nil
	}
	n, err := s.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: KindQuery(kind)})
	if err != nil {
		return false, err
	}
	return n.GetCount() > 0, nil
}

// reconcileKind counts the kind's runs and, with a Reconciler, rebuilds
// its read model.
func (s *Service) reconcileKind(ctx context.Context, kind string, opts Options, beat func()) (kr KindReport) {
	started := time.Now()
	ctx, counts := withLoadCounts(ctx)
	var passes passState
	defer func() {
		kr.Replayed = int(counts.replayed.Load())
		kr.FromResult = int(counts.fromResult.Load())
		kr.Duration = time.Since(started).Seconds()
		if kr.Pass != "" && kr.Error == "" && kr.Warning == "" {
			passes.SinceMs = started.UnixMilli()
			if kr.Pass == PassFull {
				passes.LastFull = started.Unix()
			}
			if passes.Seconds == nil {
				passes.Seconds = map[string]float64{}
			}
			passes.Seconds[kr.Pass] = kr.Duration
			if err := s.saveJSON(ctx, keyPasses, kind, passes); err != nil {
				kr.Error = err.Error()
			}
		}
	}()
	kr = KindReport{Kind: kind, Runs: map[string]int{}}
	if err := s.countKind(ctx, &kr, beat); err != nil {
		kr.Error = err.Error()
		return kr
	}
	r, ok := s.Registry.Get(kind)
	if !ok {
		return kr
	}
	kr.Reconciled = true
	query := r.ListQuery()
	kr.Pass = PassFull
	if inc, ok := r.(Incremental); ok && inc.IncrementalPasses() {
		if err := s.loadJSON(ctx, keyPasses, kind, &passes); err != nil {
			kr.Error = err.Error()
			return kr
		}
		if opts.Incremental && passes.SinceMs > 0 && started.Sub(time.Unix(passes.LastFull, 0)) < FullEvery {
			kr.Pass = PassIncremental
			overlap := closeOverlap
			if s.closeOverlap != nil {
				overlap = *s.closeOverlap
			}
			since := time.UnixMilli(passes.SinceMs).Add(-overlap).UTC().Format(time.RFC3339Nano)
			query += ` AND (ExecutionStatus = "Running" OR CloseTime > "` + since + `")`
		}
	}
	incremental := kr.Pass == PassIncremental
	// The live read model before the runs are listed: what was written
	// after it is newer than the listing (syncModel).
	before, err := snapshot(ctx, s.Redis, r.Keys())
	if err != nil {
		kr.Error = err.Error()
		return kr
	}
	m := NewModel(kind, r.Keys())
	projected := map[string]bool{}
	read, unreadable, err := s.project(ctx, r, query, m, projected, beat)
	if err != nil {
		kr.Error = err.Error()
		return kr
	}
	// An incremental pass lacks most runs' keys on purpose: nothing is
	// claimed (the full pass does it).
	if c, ok := r.(Claimer); ok && !incremental {
		claimed, err := s.claim(ctx, r, c, m, before, projected, &unreadable, beat)
		if err != nil {
			kr.Error = err.Error()
			return kr
		}
		read += claimed
	}
	kr.Unreadable = unreadable.n
	if unreadable.n > 0 && read == 0 {
		// Nothing to rebuild from: what a Finisher writes for no runs
		// (zero counters) would overwrite the live values.
		kr.Warning = fmt.Sprintf("none of the %d run(s) could be read, read model left as it was; first: %v", unreadable.n, unreadable.first)
		s.Log.Warn("read model not rebuilt: no run readable", "kind", kind, "unreadable", unreadable.n)
		return kr
	}
	if incremental {
		dropTotals(r, m)
	}
	if f, ok := r.(Finisher); ok && !incremental {
		if err := f.Finish(m); err != nil {
			kr.Error = fmt.Sprintf("finish: %v", err)
			return kr
		}
	}
	if err := m.Err(); err != nil {
		kr.Error = err.Error()
		return kr
	}
	d, err := syncModel(ctx, s.Redis, m, before, unreadable.n > 0 || incremental)
	if err != nil {
		kr.Error = err.Error()
		return kr
	}
	if incremental && unreadable.n == 0 {
		d.Kept = 0 // the closed runs' keys, not read on purpose
	}
	kr.Drift = d
	kr.Keys = m.Len()
	if unreadable.n > 0 {
		kr.Warning = fmt.Sprintf("%d run(s) could not be read and were skipped; the read model was rebuilt from the other %d, "+
			"but %d key(s) and any members no readable run accounts for were kept; first: %v", unreadable.n, read, d.Kept, unreadable.first)
		s.Log.Warn("read model rebuilt without unreadable runs", "kind", kind, "unreadable", unreadable.n, "kept", d.Kept)
	}
	switch {
	case d.Total() == 0:
	case opts.Startup && d.Extra == 0 && d.Changed == 0:
		s.Log.Info("read model rebuilt after start", "kind", kind, "keys", d.Missing)
	default:
		s.Log.Warn("read model drift repaired", "kind", kind, "missing", d.Missing, "extra", d.Extra, "changed", d.Changed)
	}
	return kr
}

// unreadableRuns counts the runs project skipped.
type unreadableRuns struct {
	n     int
	first error
}

// loggedUnreadable is how many unreadable runs of a kind are logged one
// by one in a reconcile; the count says the rest.
const loggedUnreadable = 10

// loaded is one run with what its Reconciler loaded for it.
type loaded struct {
	run Run
	v   any
	err error
}

// project lists the runs of query (r's ListQuery, narrowed for an
// incremental pass) page by page, loads them (at most
// Concurrency at once, each under runTimeout) and projects each into m as
// it arrives, so only the runs in flight are held, not every run of the
// kind. Superseded continue-as-new runs are not loaded. A run that cannot
// be loaded is skipped and counted; read is the number projected, and
// projected gets their runKeys.
func (s *Service) project(ctx context.Context, r Reconciler, query string, m *Model, projected map[string]bool, beat func()) (read int, skipped unreadableRuns, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := s.Concurrency
	if n <= 0 {
		n = 8
	}
	runs := make(chan Run, n)
	results := make(chan loaded, n)
	var listErr error
	go func() {
		defer close(runs)
		listErr = s.list(ctx, query, beat, func(page []Run) error {
			for _, run := range page {
				run.dc = s.DataConverter
				if run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
					continue
				}
				select {
				case runs <- run:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for run := range runs {
				rctx, cancel := context.WithTimeout(ctx, runTimeout)
				v, err := r.Load(rctx, s.Temporal, run)
				cancel()
				results <- loaded{run: run, v: v, err: err}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var projectErr error
	for l := range results {
		beat()
		switch {
		case projectErr != nil || ctx.Err() != nil:
			// Draining after a failure or a cancel: not the run's fault.
		case l.err != nil:
			skipped.n++
			if skipped.first == nil {
				skipped.first = l.err
			}
			if skipped.n <= loggedUnreadable {
				s.Log.Warn("read model: run unreadable, skipped", "kind", r.Kind(), "workflowId", l.run.WorkflowID, "runId", l.run.RunID, "err", l.err)
			}
		default:
			if err := r.Project(m, l.run, l.v); err != nil {
				projectErr = fmt.Errorf("project %s: %w", l.run.WorkflowID, err)
				cancel()
				continue
			}
			projected[runKey(l.run)] = true
			read++
		}
	}
	switch {
	case projectErr != nil:
		return read, skipped, projectErr
	case listErr != nil:
		return read, skipped, listErr
	case ctx.Err() != nil:
		return read, skipped, ctx.Err()
	}
	return read, skipped, nil
}

// claim projects the runs that wrote live keys no projected run accounts
// for (Claimer): runs visibility does not list yet. Temporal itself, not
// visibility, says whether the workflow exists and what its current run
// is. A key whose workflow Temporal does not have, or that is of another
// kind, stays extra. A claimed run that cannot be read counts as
// unreadable, so nothing is deleted. It returns how many runs it projected.
func (s *Service) claim(ctx context.Context, r Reconciler, c Claimer, m *Model, before map[string]*entry, projected map[string]bool, unreadable *unreadableRuns, beat func()) (int, error) {
	var keys []string
	for key := range before {
		if _, ok := m.keys[key]; !ok {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	read := 0
	asked := map[string]bool{}
	for _, key := range keys {
		id, ok := c.Claim(key, before[key].hash)
		if !ok || asked[id] {
			continue
		}
		asked[id] = true
		beat()
		rctx, cancel := context.WithTimeout(ctx, runTimeout)
		run, v, err := s.loadCurrent(rctx, r, id)
		cancel()
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound) || (err == nil && (run.Kind != r.Kind() || projected[runKey(run)])):
			continue
		case err != nil && ctx.Err() != nil:
			return read, ctx.Err()
		case err != nil:
			unreadable.n++
			if unreadable.first == nil {
				unreadable.first = err
			}
			s.Log.Warn("read model: run not yet listed unreadable, skipped", "kind", r.Kind(), "workflowId", id, "err", err)
			continue
		}
		if err := r.Project(m, run, v); err != nil {
			return read, fmt.Errorf("project %s: %w", id, err)
		}
		projected[runKey(run)] = true
		read++
	}
	if read > 0 {
		s.Log.Info("read model: runs not yet listed by visibility projected", "kind", r.Kind(), "runs", read)
	}
	return read, nil
}

// runKey identifies a run among those a reconcile projected.
func runKey(r Run) string { return r.WorkflowID + "/" + r.RunID }

// loadCurrent describes workflow id's current run and loads it.
func (s *Service) loadCurrent(ctx context.Context, r Reconciler, id string) (Run, any, error) {
	d, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return Run{}, nil, err
	}
	run := runOf(d.GetWorkflowExecutionInfo())
	run.dc = s.DataConverter
	if run.Kind != r.Kind() || run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
		return run, nil, nil
	}
	v, err := r.Load(ctx, s.Temporal, run)
	return run, v, err
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

// loadJSON decodes key's field into v; a missing field leaves v as it is.
func (s *Service) loadJSON(ctx context.Context, key, field string, v any) error {
	b, err := s.Redis.HGet(ctx, key, field).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s %s: %w", key, field, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", key, field, err)
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
