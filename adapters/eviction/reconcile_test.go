package eviction_test

import (
	"context"
	"fmt"
	"testing"

	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/workflows/eviction"
)

// TestReconcileRebuildsTheReadModel: after the other tests, a reconcile of
// the eviction kind finds the live read model as the workflows' states and
// results project it (no drift), and rebuilds a case whose keys were lost.
func TestReconcileRebuildsTheReadModel(t *testing.T) {
	ctx := context.Background()
	svc := stack.ReadModel
	reconcile := func() readmodel.KindReport {
		t.Helper()
		rep, err := svc.Reconcile(ctx, readmodel.Options{Kinds: []string{eviction.Kind}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rep.Kinds[0]
	}
	// Cases opened by earlier tests may still be publishing: wait for a
	// quiet read model.
	teststack.Eventually(t, "no drift", func() error {
		if kr := reconcile(); !kr.Reconciled || kr.Drift.Total() != 0 {
			return fmt.Errorf("%+v", kr)
		}
		return nil
	})
	all := cases(t, "").Cases
	if len(all) == 0 {
		t.Skip("no cases to lose (run with the other tests)")
	}
	victim := all[0]
	aggBefore, _ := stack.Redis.HGetAll(ctx, "helhed:eviction:agg").Result()
	if err := stack.Redis.Del(ctx, "helhed:eviction:case:"+victim.CaseID, "helhed:eviction:agg").Err(); err != nil {
		t.Fatal(err)
	}
	if kr := reconcile(); kr.Drift.Total() < 2 {
		t.Fatalf("lost keys not seen as drift: %+v", kr)
	}
	aggAfter, _ := stack.Redis.HGetAll(ctx, "helhed:eviction:agg").Result()
	if fmt.Sprint(aggAfter) != fmt.Sprint(aggBefore) {
		t.Fatalf("aggregates rebuilt differently:\n%v\n%v", aggBefore, aggAfter)
	}
	found := false
	for _, c := range cases(t, "").Cases {
		if c.CaseID == victim.CaseID && c.Seq == victim.Seq && c.Stage == victim.Stage {
			found = true
		}
	}
	if !found {
		t.Fatalf("case %s not rebuilt", victim.CaseID)
	}
}
