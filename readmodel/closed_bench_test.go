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

	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

// BenchmarkReconcileClosedRuns reconciles HELHED_BENCH_CLOSED (default
// 300) completed runs of the closing probe kind, whose results hold their
// final state (as data requests' and crisis activations' do), and reports
// runs/s of: paging through visibility alone (the baseline), a full pass
// reading each result, the same full pass replaying each run for the state
// query (the reconcile before results held the state), and an incremental
// pass after a full one (no run closed since). It reports the replays of
// each pass; the full and incremental passes must make none.
//
//	HELHED_BENCH_CLOSED=2000 go test -run '^$' -bench ReconcileClosedRuns -benchtime 3x -timeout 30m ./readmodel
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
	perSecond := func(b *testing.B) {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
	}
	b.Run("list-page-250", func(b *testing.B) {
		for b.Loop() {
			if got, err := pageThrough(query, 250, nil); err != nil || got < n {
				b.Fatalf("listed %d runs, want %d: %v", got, n, err)
			}
		}
		perSecond(b)
	})
	replaying := closingReconciler().(readmodel.Spec)
	replaying.StateInResult = nil
	for _, c := range []struct {
		name        string
		r           readmodel.Reconciler
		incremental bool
	}{{"full", closingReconciler(), false}, {"full-replaying", replaying, false}, {"incremental", closingReconciler(), true}} {
		b.Run(c.name, func(b *testing.B) {
			s := serviceOver(b, c.r)
			// The runs closed minutes ago: with the default overlap the
			// incremental pass would read them all again.
			readmodel.SetCloseOverlap(s, 0)
			opts := readmodel.Options{Kinds: []string{closingKind}, Incremental: c.incremental}
			if c.incremental {
				if _, err := s.Reconcile(context.Background(), readmodel.Options{Kinds: opts.Kinds}, nil); err != nil {
					b.Fatal(err)
				}
			}
			replayed := 0
			for b.Loop() {
				rep, err := s.Reconcile(context.Background(), opts, nil)
				if err != nil {
					b.Fatal(err)
				}
				k := rep.Kinds[0]
				if k.Unreadable != 0 || (c.incremental != (k.Pass == readmodel.PassIncremental)) {
					b.Fatalf("kind report %+v", k)
				}
				replayed = k.Replayed
			}
			perSecond(b)
			b.ReportMetric(float64(replayed), "replays")
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
