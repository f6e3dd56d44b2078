package readmodel_test

import (
	"context"
	"fmt"
	"helhed/internal/cputime"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

// BenchmarkReconcileClosedRuns reconciles HELHED_BENCH_CLOSED (default
// 300) completed runs of the closing probe kind, which keep their final
// state in their memo and return it as their result (as data requests and
// crisis activations do), and reports runs/s of: paging through visibility
// alone in pages of 50, 100 and 250 (the baselines, with ms/page; a page
// of 1,000 outlasts the SDK's 10 s per call on a busy machine), a full
// pass reading each run's memo from the listing (full-memo; again in pages
// of 100), the same full
// pass reading each result instead (full-result: runs closed before they
// kept the memo, one history call each), the same replaying each run for
// the state query (full-replaying: before results held the state), and an
// incremental pass after a full one (no run closed since). It reports each
// pass's replays and results read; full-memo must read neither.
//
//	HELHED_BENCH_CLOSED=2000 go test -run '^$' -bench ReconcileClosedRuns -benchtime 3x -timeout 30m ./readmodel
//
// With many runs leave out the slow passes, e.g. 100,000 runs:
//
//	HELHED_BENCH_CLOSED=100000 go test -run '^$' -bench 'ReconcileClosedRuns/(list|full-memo)' -benchtime 1x -timeout 2h ./readmodel
func BenchmarkReconcileClosedRuns(b *testing.B) {
	n := 300
	if v := os.Getenv("HELHED_BENCH_CLOSED"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("HELHED_BENCH_CLOSED=%q: want a positive number", v)
		}
	}
	startClosedRuns(b, n)
	query := readmodel.KindQuery(closingKind) + ` AND ExecutionStatus = "Completed"`
	// runs/cpu-s is the rate per CPU second of this process (the embedded
	// server, the worker and the reconcile; not redis-server): on a shared
	// machine it says more than the wall rate.
	var cpuStart time.Duration
	startCPU := func() { cpuStart = cputime.Process() }
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
		b.ReportMetric(float64(n)*float64(b.N)/(cputime.Process()-cpuStart).Seconds(), "runs/cpu-s")
	}
	for _, size := range []int{50, 100, 250} {
		b.Run(fmt.Sprintf("list-page-%d", size), func(b *testing.B) {
			startCPU()
			for b.Loop() {
				if got, err := pageThrough(query, int32(size), nil); err != nil || got < n {
					b.Fatalf("listed %d runs, want %d: %v", got, n, err)
				}
			}
			perSecond(b)
			pages := (n + size - 1) / size
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*pages), "ms/page")
		})
	}
	fromResult := closingReconciler().(readmodel.Spec)
	fromResult.MemoKey = ""
	replaying := fromResult
	replaying.StateInResult = nil
	for _, c := range []struct {
		name        string
		r           readmodel.Reconciler
		incremental bool
		pageSize    int // 0: the default
		// want the pass's replays and results read, of n runs
		replays, results int
	}{
		{"full-memo", closingReconciler(), false, 0, 0, 0},
		{"full-memo-page-100", closingReconciler(), false, 100, 0, 0},
		{"full-result", fromResult, false, 0, 0, n},
		{"full-replaying", replaying, false, 0, n, 0},
		{"incremental", closingReconciler(), true, 0, 0, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := serviceOver(b, c.r)
			if c.pageSize > 0 {
				readmodel.SetPageSize(s, c.pageSize)
			}
			// The runs closed minutes ago: with the default overlap the
			// incremental pass would read them all again.
			readmodel.SetCloseOverlap(s, 0)
			opts := readmodel.Options{Kinds: []string{closingKind}, Incremental: c.incremental}
			if c.incremental {
				if _, err := s.Reconcile(context.Background(), readmodel.Options{Kinds: opts.Kinds}, nil); err != nil {
					b.Fatal(err)
				}
			}
			var k readmodel.KindReport
			startCPU()
			for b.Loop() {
				rep, err := s.Reconcile(context.Background(), opts, nil)
				if err != nil {
					b.Fatal(err)
				}
				k = rep.Kinds[0]
				if k.Unreadable != 0 || (c.incremental != (k.Pass == readmodel.PassIncremental)) {
					b.Fatalf("kind report %+v", k)
				}
			}
			// Other tests' closing runs may be listed too: at least n.
			if k.Replayed < c.replays || k.FromResult < c.results || (c.replays == 0) != (k.Replayed == 0) || (c.results == 0) != (k.FromResult == 0) {
				b.Fatalf("%d replays and %d results read, want %d and %d", k.Replayed, k.FromResult, c.replays, c.results)
			}
			perSecond(b)
			b.ReportMetric(float64(k.Replayed), "replays")
			b.ReportMetric(float64(k.FromResult), "results")
		})
	}
}

// closedRuns is how many closed bench runs this process has started.
var closedRuns int

// startClosedRuns makes sure n closing probes have completed and are
// listed so.
func startClosedRuns(b *testing.B, n int) {
	b.Helper()
	if closedRuns >= n {
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
				id := fmt.Sprintf("bench-closed-%05d", i)
				_, err := shared.Temporal.SignalWithStartWorkflow(ctx, "probe-closing/"+id, "close", nil, client.StartWorkflowOptions{
					TaskQueue:                workflows.TaskQueue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
					TypedSearchAttributes:    temporal.NewSearchAttributes(searchattr.Kind.ValueSet(closingKind)),
				}, closingWorkflowName, closingState{ID: id, Status: "open"})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := closedRuns; i < n; i++ {
		ids <- i
	}
	close(ids)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("start closed runs: %v", err)
	}
	query := readmodel.KindQuery(closingKind) + ` AND ExecutionStatus = "Completed"`
	deadline := time.Now().Add(15 * time.Minute)
	for {
		resp, err := shared.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err == nil && resp.GetCount() >= int64(n) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d closed runs started, visibility lists %d completed: %v", n, resp.GetCount(), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	closedRuns = n
	b.Logf("%d closed runs in %s", n, time.Since(start).Round(time.Second))
}
