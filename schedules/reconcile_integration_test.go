package schedules_test

import (
	"context"
	"strings"
	"testing"

	"helhed/internal/cycletest"
	"helhed/readmodel"
)

// reconcileRebuilds checks a cycle's Reconciler against its live writes: a
// reconcile of kind finds the read model exactly as the runs project it
// (no drift); once every key of the kind is deleted, a reconcile restores
// each of them with the same content.
func reconcileRebuilds(t *testing.T, kind string, patterns []string) {
	t.Helper()
	ctx := context.Background()
	svc := shared.ReadModel
	reconcile := func() readmodel.KindReport {
		t.Helper()
		rep, err := svc.Reconcile(ctx, readmodel.Options{Kinds: []string{kind}}, nil)
		if err != nil {
			t.Fatalf("reconcile %s: %v", kind, err)
		}
		return rep.Kinds[0]
	}
	dump := func() map[string]string {
		t.Helper()
		d, err := cycletest.Dump(ctx, shared.Redis, patterns...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if kr := reconcile(); !kr.Reconciled || kr.Drift.Total() != 0 {
		t.Errorf("%s: the live read model differs from the one rebuilt from Temporal: %+v", kind, kr)
	}
	before := dump()
	if len(before) == 0 {
		t.Fatalf("%s: no read-model keys under %v", kind, patterns)
	}
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	if err := shared.Redis.Del(ctx, keys...).Err(); err != nil {
		t.Fatal(err)
	}
	if kr := reconcile(); kr.Drift.Missing != len(keys) || kr.Drift.Extra+kr.Drift.Changed != 0 {
		t.Errorf("%s: reconcile after deleting %d keys: %+v", kind, len(keys), kr.Drift)
	}
	if d := cycletest.DiffDumps(before, dump()); len(d) > 0 {
		t.Errorf("%s: the rebuild differs from the live read model:\n%s", kind, strings.Join(d, "\n"))
	}
	t.Logf("%s: %d read-model keys rebuilt as they were", kind, len(keys))
}
