package datarequest_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/readmodel"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// TestCountsAreTheSumOfTheStoredTasksFacts: whatever order the saves come
// in (a task answered, reassigned, cancelled, run again, a stale retry),
// the counters the collector reads are the sum of the facts of the tasks
// the store holds, and none is left at 0.
func TestCountsAreTheSumOfTheStoredTasksFacts(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: stack.app.RedisServer.Addr, DB: 3})
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	store := &datarequestadapter.Store{R: rdb, Loc: time.UTC}
	created := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	round := meeting.Kind + "/randers/2026-12-10"
	task := func(id, partner, status string, version int64) datarequest.Task {
		t := datarequest.Task{RequestID: id, Partner: partner, Title: "Fravær", Due: "2026-11-20", Status: status,
			CreatedAt: created, Version: version, Origin: round}
		if status == datarequest.StatusAnswered {
			t.AnsweredAt, t.OnTime = created.Add(50*time.Hour+time.Millisecond), true
		}
		return t
	}
	for _, s := range []datarequest.Task{
		task("a", "skole-a", datarequest.StatusOpen, 1),
		task("b", "skole-a", datarequest.StatusOpen, 1),
		task("c", "skole-b", datarequest.StatusOpen, 1),
		task("a", "skole-a", datarequest.StatusAnswered, 2),
		task("a", "skole-a", datarequest.StatusOpen, 1), // a stale retry: not written
		task("b", "skole-c", datarequest.StatusOpen, 2), // reassigned
		task("c", "skole-b", datarequest.StatusCancelled, 2),
	} {
		if _, err := store.Save(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	again := task("c", "skole-b", datarequest.StatusOpen, 1) // run again: a later run restarts its versions
	again.CreatedAt = created.Add(time.Hour)
	if _, err := store.Save(ctx, again); err != nil {
		t.Fatal(err)
	}

	got, err := store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := store.List(ctx, datarequestadapter.Filter{}, created)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, task := range tasks {
		for k, n := range datarequestadapter.Facts(task) {
			want[k] += n
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("counts = %v\nwant the sum of the stored tasks' facts %v", got, want)
	}
	for k, n := range got {
		if n == 0 {
			t.Errorf("counter %s is kept at 0", k)
		}
	}
	// Spot checks, so the test does not only compare Facts with itself.
	for k, n := range map[string]int64{
		"partner|skole-a": 1, "partner|skole-c": 1, "partner|skole-b": 1,
		"answered|skole-a|on_time": 1, "response|skole-a|ms": int64(50*time.Hour/time.Millisecond) + 1,
		"open|skole-c|2026-11-20": 1, "open|skole-b|2026-11-20": 1,
		"round|skole-a|randers/2026-12-10|received": 1,
	} {
		if got[k] != n {
			t.Errorf("counts[%s] = %d, want %d", k, got[k], n)
		}
	}
	for _, gone := range []string{"open|skole-a|2026-11-20", "cancelled|skole-b"} {
		if _, ok := got[gone]; ok {
			t.Errorf("counts[%s] = %d, want it gone", gone, got[gone])
		}
	}
}

// TestReconcileRepairsDriftedCounts: counters that no longer sum the
// stored tasks (a write lost, a field deleted, a stray one) are rebuilt by
// a full reconcile, which reports the drift; an incremental pass, which
// reads only some runs, leaves correct counters as they are.
func TestReconcileRepairsDriftedCounts(t *testing.T) {
	ctx := context.Background()
	in := formRequest("counts/drift", "kfum")
	start(t, in)
	stack.app.NoDrift(t, datarequest.Kind, "start") // the counters agree with Temporal
	right, err := stack.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	partner := "partner|" + in.Partner
	if right[partner] == 0 {
		t.Fatalf("no %s counter after the start: %v", partner, right)
	}
	const key = "helhed:task:counts"
	pipe := stack.rdb.TxPipeline()
	pipe.HIncrBy(ctx, key, partner, 7)
	pipe.HSet(ctx, key, "cancelled|no-such-partner", 3)
	pipe.HDel(ctx, key, "open|"+in.Partner+"|"+in.Due)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	rep, err := stack.app.ReadModel.Reconcile(ctx, readmodel.Options{Kinds: []string{datarequest.Kind}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := rep.Kinds[0]; k.Pass != readmodel.PassFull || k.Drift.Changed == 0 {
		t.Errorf("full reconcile: pass %s, drift %+v; want the counters reported as changed", k.Pass, k.Drift)
	}
	repaired, err := stack.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(repaired, right) {
		t.Errorf("after the full reconcile counts = %v\nwant %v", repaired, right)
	}

	rep, err = stack.app.ReadModel.Reconcile(ctx, readmodel.Options{Kinds: []string{datarequest.Kind}, Incremental: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := rep.Kinds[0]; k.Pass != readmodel.PassIncremental || k.Drift.Total() != 0 {
		t.Errorf("incremental reconcile: pass %s, drift %+v; want an incremental pass without drift", k.Pass, k.Drift)
	}
	after, err := stack.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(after, right) {
		t.Errorf("after the incremental reconcile counts = %v\nwant %v", after, right)
	}
}
