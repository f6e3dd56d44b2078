package readmodel

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"helhed/searchattr"
)

// Reconciler rebuilds one workflow kind's read model from Temporal.
// Capabilities register one per kind (Register) from their module's Worker
// hook; Spec implements it for the usual case.
type Reconciler interface {
	// Kind is the HelhedKind search attribute value of the kind's runs.
	Kind() string
	// Keys are the Redis key patterns (Redis glob: * and ?) the kind's read
	// model owns entirely: reconcile deletes any matching key no run
	// accounts for. Keep tokens, rate limits and other keys with a TTL out
	// of them. Every pattern must start with "helhed:<capability>:".
	Keys() []string
	// ListQuery is the visibility query listing the kind's runs.
	ListQuery() string
	// Load fetches what Project needs for one run (nil when there is
	// nothing to load, e.g. a failed run).
	Load(ctx context.Context, c client.Client, run Run) (any, error)
	// Project adds the run's part of the read model to m. It runs for every
	// listed run except superseded continue-as-new runs, in no set order,
	// so it must add, never overwrite another run's data.
	Project(m *Model, run Run, loaded any) error
}

// Finisher is an optional Reconciler extension: Finish runs once after
// every run was projected, for values that depend on all runs (e.g. zero
// counters for partners with no tasks).
type Finisher interface {
	Finish(m *Model) error
}

// Claimer is an optional Reconciler extension for visibility's lag: a run
// writes its part of the read model as soon as it starts, but visibility
// (a SQL store under load especially) may list it only seconds later, and
// a reconcile must not delete what such a run wrote. For a live key that no
// listed run accounts for, Claim names the workflow that wrote it, from the
// key's content (hash is the key's fields; nil when it is no hash); the
// reconcile then asks Temporal for that workflow's current run and
// projects it like a listed one.
type Claimer interface {
	Claim(key string, hash map[string]string) (workflowID string, ok bool)
}

// Run is one workflow run as visibility lists it. Its search attributes are
// helhed's own (package searchattr): never personal data.
type Run struct {
	WorkflowID string
	RunID      string
	Type       string
	Status     enumspb.WorkflowExecutionStatus
	Start      time.Time
	Close      time.Time // zero while running
	Kind       string
	Stage      string
	Area       string
	Partner    string
	Plan       string
	DueAt      time.Time // zero when unset

	memo *commonpb.Memo          // as listed: still encoded
	dc   converter.DataConverter // the process's, which decodes memo
}

// MemoValue decodes the run's memo field key into valuePtr with the
// process's data converter (Service.DataConverter); false when the run
// has no such field.
func (r Run) MemoValue(key string, valuePtr any) (bool, error) {
	p, ok := r.memo.GetFields()[key]
	if !ok {
		return false, nil
	}
	dc := r.dc
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	if err := dc.FromPayload(p, valuePtr); err != nil {
		return false, fmt.Errorf("memo %s of %s: %w", key, r.WorkflowID, err)
	}
	return true, nil
}

// Running reports whether the run is still open.
func (r Run) Running() bool {
	return r.Status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

// Spec is a Reconciler from plain values: running runs are read with the
// state query, closed runs from their memo (MemoKey), else completed runs
// from their result (or the state query, with QueryClosed), other closed
// runs are projected with nil. A kind without a state query has its runs
// that visibility still lists as running described, so one that has just
// completed is read from its result.
type Spec struct {
	KindName string
	// KeyPatterns: see Reconciler.Keys.
	KeyPatterns []string
	// Filter is AND-ed to `HelhedKind = "<KindName>"` (optional), e.g.
	// `ExecutionStatus = "Running"` when closed runs add nothing.
	Filter string
	// StateQuery and NewState read a running run; NewState returns a
	// pointer the query result is decoded into.
	StateQuery string
	NewState   func() any
	// QueryClosed reads closed runs with the state query too (Temporal
	// replays their history on a worker: slower, but their state says more
	// than the result). It takes precedence over NewResult.
	QueryClosed bool
	// NewResult returns a pointer a completed run's result is decoded
	// into; nil means completed runs are projected with nil.
	NewResult func() any
	// StateInResult reads a completed run's state from its result
	// (decoded with NewResult), so QueryClosed replays only the runs whose
	// result lacks it (recorded before the workflow returned its state, or
	// closed otherwise than completed). ok false: not in this result.
	StateInResult func(result any) (state any, ok bool)
	// MemoKey is the memo field in which a closed run keeps what
	// ProjectFunc needs (its workflow upserts it as it closes), decoded
	// into the pointer NewMemo returns, which ProjectFunc gets: such a run
	// is read from the visibility listing, with no call of its own (a
	// result costs a history call per run). A closed run without the
	// field (closed before its workflow kept it) is read as before.
	MemoKey string
	NewMemo func() any
	// ProjectFunc: see Reconciler.Project.
	ProjectFunc func(m *Model, run Run, loaded any) error
	// FinishFunc: see Finisher (optional).
	FinishFunc func(m *Model) error
	// ClaimFunc: see Claimer (optional).
	ClaimFunc func(key string, hash map[string]string) (workflowID string, ok bool)
	// Incremental: ProjectFunc writes each run's keys from that run alone
	// (see the Incremental interface); not with FinishFunc.
	Incremental bool
	// TotalKeyPatterns: see Totals (optional); with Incremental, ProjectFunc
	// may add to these keys across runs.
	TotalKeyPatterns []string
}

// IncrementalPasses implements Incremental.
func (s Spec) IncrementalPasses() bool { return s.Incremental && s.FinishFunc == nil }

// Claim implements Claimer.
func (s Spec) Claim(key string, hash map[string]string) (string, bool) {
	if s.ClaimFunc == nil {
		return "", false
	}
	return s.ClaimFunc(key, hash)
}

// Kind implements Reconciler.
func (s Spec) Kind() string { return s.KindName }

// Keys implements Reconciler.
func (s Spec) Keys() []string { return s.KeyPatterns }

// ListQuery implements Reconciler.
func (s Spec) ListQuery() string {
	q := KindQuery(s.KindName)
	if s.Filter != "" {
		q += " AND (" + s.Filter + ")"
	}
	return q
}

// Load implements Reconciler.
func (s Spec) Load(ctx context.Context, c client.Client, run Run) (any, error) {
	if !run.Running() && s.MemoKey != "" && s.NewMemo != nil {
		v := s.NewMemo()
		ok, err := run.MemoValue(s.MemoKey, v)
		if err != nil {
			return nil, err
		}
		if ok {
			return v, nil
		}
	}
	if run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED && s.QueryClosed && s.StateInResult != nil && s.NewResult != nil {
		countResult(ctx)
		res := s.NewResult()
		if err := c.GetWorkflow(ctx, run.WorkflowID, run.RunID).Get(ctx, res); err != nil {
			return nil, fmt.Errorf("result of %s: %w", run.WorkflowID, err)
		}
		if st, ok := s.StateInResult(res); ok {
			return st, nil
		}
	}
	switch {
	case (run.Running() || s.QueryClosed) && s.StateQuery != "" && s.NewState != nil:
		if !run.Running() {
			countReplay(ctx)
		}
		v := s.NewState()
		resp, err := c.QueryWorkflow(ctx, run.WorkflowID, run.RunID, s.StateQuery)
		if err != nil {
			return nil, fmt.Errorf("query %s of %s: %w", s.StateQuery, run.WorkflowID, err)
		}
		if err := resp.Get(v); err != nil {
			return nil, fmt.Errorf("decode %s of %s: %w", s.StateQuery, run.WorkflowID, err)
		}
		return v, nil
	case run.Running() && s.NewResult != nil:
		// Visibility lags the history: a run it still lists as running
		// may have completed and written its result's part live already.
		d, err := c.DescribeWorkflowExecution(ctx, run.WorkflowID, run.RunID)
		if err != nil {
			return nil, fmt.Errorf("describe %s: %w", run.WorkflowID, err)
		}
		if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			return nil, nil
		}
		v := s.NewResult()
		if err := c.GetWorkflow(ctx, run.WorkflowID, run.RunID).Get(ctx, v); err != nil {
			return nil, fmt.Errorf("result of %s: %w", run.WorkflowID, err)
		}
		return v, nil
	case run.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED && s.NewResult != nil:
		countResult(ctx)
		v := s.NewResult()
		if err := c.GetWorkflow(ctx, run.WorkflowID, run.RunID).Get(ctx, v); err != nil {
			return nil, fmt.Errorf("result of %s: %w", run.WorkflowID, err)
		}
		return v, nil
	}
	return nil, nil
}

// Project implements Reconciler.
func (s Spec) Project(m *Model, run Run, loaded any) error {
	if s.ProjectFunc == nil {
		return nil
	}
	return s.ProjectFunc(m, run, loaded)
}

// Finish implements Finisher.
func (s Spec) Finish(m *Model) error {
	if s.FinishFunc == nil {
		return nil
	}
	return s.FinishFunc(m)
}

// loadCounts are a reconcile's counts of the closed runs read with a call
// of their own: replayed for the state query (KindReport.Replayed) and
// read from their result (KindReport.FromResult).
type loadCounts struct {
	replayed, fromResult atomic.Int64
}

type loadCountsKey struct{}

func withLoadCounts(ctx context.Context) (context.Context, *loadCounts) {
	n := new(loadCounts)
	return context.WithValue(ctx, loadCountsKey{}, n), n
}

// countReplay counts a closed run about to be replayed for its state.
func countReplay(ctx context.Context) {
	if n, ok := ctx.Value(loadCountsKey{}).(*loadCounts); ok {
		n.replayed.Add(1)
	}
}

// countResult counts a closed run whose result is about to be read.
func countResult(ctx context.Context) {
	if n, ok := ctx.Value(loadCountsKey{}).(*loadCounts); ok {
		n.fromResult.Add(1)
	}
}

// KindQuery is the visibility query for every run of a kind.
func KindQuery(kind string) string {
	return searchattr.Kind.GetName() + ` = "` + strings.ReplaceAll(kind, `"`, ``) + `"`
}

// Registry holds the reconcilers by kind.
type Registry struct {
	mu sync.RWMutex
	m  map[string]Reconciler
}

// NewRegistry holds rs (app: every wired capability's Reconcilers); it
// refuses what Register refuses.
func NewRegistry(rs ...Reconciler) (*Registry, error) {
	g := &Registry{}
	for _, r := range rs {
		if err := g.Register(r); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Register adds r, replacing an earlier one of the same kind. It refuses a
// reconciler without kind or keys, keys outside helhed:<capability>:, keys
// under helhed:readmodel: (this package's own) and keys that overlap
// another kind's.
func (g *Registry) Register(r Reconciler) error {
	kind := r.Kind()
	if kind == "" {
		return fmt.Errorf("readmodel: reconciler without a kind")
	}
	if len(r.Keys()) == 0 {
		return fmt.Errorf("readmodel: reconciler %s owns no keys", kind)
	}
	for _, p := range r.Keys() {
		parts := strings.SplitN(p, ":", 3)
		if len(parts) < 3 || parts[0] != "helhed" || parts[1] == "" || strings.ContainsAny(parts[1], "*?[") {
			return fmt.Errorf("readmodel: reconciler %s: key pattern %q is not under helhed:<capability>:", kind, p)
		}
		if parts[1] == "readmodel" {
			return fmt.Errorf("readmodel: reconciler %s: key pattern %q is under helhed:readmodel:, which this package owns", kind, p)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]Reconciler{}
	}
	for other, o := range g.m {
		if other == kind {
			continue
		}
		for _, p := range r.Keys() {
			for _, q := range o.Keys() {
				if patternsOverlap(p, q) {
					return fmt.Errorf("readmodel: reconciler %s: key pattern %q overlaps %q of %s", kind, p, q, other)
				}
			}
		}
	}
	g.m[kind] = r
	return nil
}

// All returns the reconcilers sorted by kind.
func (g *Registry) All() []Reconciler {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]Reconciler, 0, len(g.m))
	for _, r := range g.m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind() < out[j].Kind() })
	return out
}

// Get returns the reconciler of kind.
func (g *Registry) Get(kind string) (Reconciler, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	r, ok := g.m[kind]
	return r, ok
}

// patternsOverlap is conservative: two wildcard patterns overlap when one
// literal prefix extends the other; an exact key overlaps a pattern that
// matches it.
func patternsOverlap(p, q string) bool {
	if p == q {
		return true
	}
	lp, lq := literalPrefix(p), literalPrefix(q)
	if !strings.HasPrefix(lp, lq) && !strings.HasPrefix(lq, lp) {
		return false
	}
	pw, qw := lp != p, lq != q
	switch {
	case pw && qw:
		return true
	case pw:
		return match(p, q)
	case qw:
		return match(q, p)
	}
	return false
}

func literalPrefix(p string) string {
	if i := strings.IndexAny(p, "*?["); i >= 0 {
		return p[:i]
	}
	return p
}
