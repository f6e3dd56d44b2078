package readmodel_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

// The bench kind: open runs that only answer their state query, so a
// reconcile of them measures listing, querying and writing, nothing else.
const (
	benchKind         = "bench-readmodel"
	benchWorkflowName = "bench-readmodel"
	// benchRunsEnv sets how many open runs the benchmark reconciles.
	benchRunsEnv     = "HELHED_BENCH_RUNS"
	defaultBenchRuns = 500
	benchReady       = "ready"
)

type benchState struct{ N int }

func benchWorkflow(ctx workflow.Context, st benchState) error {
	if err := workflow.SetQueryHandler(ctx, "state", func() (benchState, error) { return st, nil }); err != nil {
		return err
	}
	// Visible once the first workflow task is done: a query before that
	// waits for the worker's backlog of new runs.
	if err := workflow.UpsertTypedSearchAttributes(ctx, searchattr.Stage.ValueSet(benchReady)); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, "close").Receive(ctx, nil)
	return nil
}

func benchReconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    benchKind,
		KeyPatterns: []string{"helhed:bench:*"},
		StateQuery:  "state",
		NewState:    func() any { return new(benchState) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, v any) error {
			if st, ok := v.(*benchState); ok {
				m.HSet("helhed:bench:item:"+strconv.Itoa(st.N), "n", st.N)
				m.HIncr("helhed:bench:count", "open", 1)
			}
			return nil
		},
	}
}

// BenchmarkReconcileOpenRuns reconciles HELHED_BENCH_RUNS (default 500)
// open runs of a trivial kind on the embedded dev server and reports
// runs/s, beside baselines over the same runs: paging through visibility
// alone (the page size the reconcile uses, and the 1,000 it used before)
// and paging plus one state query per run, 8 at a time (the least a
// reconcile must do). Starting 10,000 runs takes a few minutes:
//
//	HELHED_BENCH_RUNS=10000 go test -run '^$' -bench ReconcileOpenRuns -benchtime 1x -timeout 60m ./readmodel
func BenchmarkReconcileOpenRuns(b *testing.B) {
	n := defaultBenchRuns
	if v := os.Getenv(benchRunsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("%s=%q: want a positive number", benchRunsEnv, v)
		}
	}
	ctx := context.Background()
	startBenchRuns(b, n)
	query := readmodel.KindQuery(benchKind)
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
	}
	for _, size := range []int32{250, 1000} {
		b.Run(fmt.Sprintf("list-page-%d", size), func(b *testing.B) {
			for b.Loop() {
				got, err := pageThrough(query, size, nil)
				if err != nil && size > 250 {
					b.Skipf("the former page size fails here: %v", err) // the dev server's 10 s per call
				}
				if err != nil || got != n {
					b.Fatalf("listed %d runs, want %d: %v", got, n, err)
				}
			}
			perSecond(b)
		})
	}
	b.Run("list+query", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			errs := make(chan error, n)
			ids := make(chan [2]string, 8)
			for range 8 {
				wg.Go(func() {
					for id := range ids {
						qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
						resp, err := shared.Temporal.QueryWorkflow(qctx, id[0], id[1], "state")
						cancel()
						if err == nil {
							var st benchState
							err = resp.Get(&st)
						}
						if err != nil {
							errs <- err
						}
					}
				})
			}
			_, err := pageThrough(query, 250, func(id, runID string) { ids <- [2]string{id, runID} })
			close(ids)
			wg.Wait()
			close(errs)
			if err != nil {
				b.Fatal(err)
			}
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b)
	})
	b.Run("reconcile", func(b *testing.B) {
		s := benchService(b)
		for b.Loop() {
			reconcileBench(b, s, n)
		}
		perSecond(b)
	})
}

func benchService(b *testing.B) *readmodel.Service {
	b.Helper()
	g, err := readmodel.NewRegistry(benchReconciler())
	if err != nil {
		b.Fatal(err)
	}
	return readmodel.New(shared.Temporal, shared.Redis, g, nil)
}

// reconcileBench reconciles the bench kind and checks that every run was
// projected.
func reconcileBench(b *testing.B, s *readmodel.Service, n int) {
	b.Helper()
	rep, err := s.Reconcile(context.Background(), readmodel.Options{Kinds: []string{benchKind}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if k := rep.Kinds[0]; k.Runs["running"] != n || k.Unreadable != 0 || k.Keys != n+1 {
		b.Fatalf("kind report %+v, want %d running runs and %d keys", k, n, n+1)
	}
}

// pageThrough lists query in pages of size, handing each run to each (may
// be nil), and returns how many it listed.
func pageThrough(query string, size int32, each func(id, runID string)) (int, error) {
	var token []byte
	n := 0
	for {
		resp, err := shared.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: size, NextPageToken: token,
		})
		if err != nil {
			return n, fmt.Errorf("list %q in pages of %d: %w", query, size, err)
		}
		for _, e := range resp.GetExecutions() {
			if each != nil {
				each(e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId())
			}
			n++
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return n, nil
		}
	}
}

// benchRuns is how many bench runs this process has started.
var benchRuns int

// startBenchRuns makes sure n bench runs are open and past their first
// workflow task (a benchmark function runs several times; the runs are
// started once).
func startBenchRuns(b *testing.B, n int) {
	b.Helper()
	if benchRuns >= n {
		return
	}
	ctx := context.Background()
	start := time.Now()
	ids := make(chan int)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range ids {
				_, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: fmt.Sprintf("%s/%05d", benchKind, i), TaskQueue: workflows.TaskQueue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
					TypedSearchAttributes:    temporal.NewSearchAttributes(searchattr.Kind.ValueSet(benchKind)),
				}, benchWorkflowName, benchState{N: i})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := benchRuns; i < n; i++ {
		ids <- i
	}
	close(ids)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("start bench runs: %v", err)
	}
	query := readmodel.KindQuery(benchKind) + ` AND ExecutionStatus = "Running" AND HelhedStage = "` + benchReady + `"`
	deadline := time.Now().Add(15 * time.Minute)
	for {
		resp, err := shared.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err == nil && resp.GetCount() >= int64(n) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d bench runs started, visibility lists %d ready: %v", n, resp.GetCount(), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	benchRuns = n
	b.Logf("%d open bench runs started and ready in %s", n, time.Since(start).Round(time.Second))
	// The first reconcile writes every key and queries runs the server
	// has not been asked about yet; the sub-benchmarks measure the ones
	// after it.
	start = time.Now()
	reconcileBench(b, benchService(b), n)
	b.Logf("first reconcile of %d runs: %s, %.0f runs/s", n, time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds())
}
