package readmodel_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"helhed/readmodel"
)

// TestLiveWritesDuringReconcileSurvive: the workflows keep writing while a
// reconcile runs. What a run writes after the reconcile listed the runs (a
// run that opened meanwhile, a newer state of a listed run, an entry in a
// shared index) is newer than the reconcile's model, and the reconcile
// must neither delete nor overwrite it. The live writes are made from
// inside the reconcile, as it projects the runs it listed.
func TestLiveWritesDuringReconcileSurvive(t *testing.T) {
	ctx := context.Background()
	r := shared.Redis
	startProbes(t, "w1", "w2")
	const index = "helhed:probe:windex"
	t.Cleanup(func() {
		r.Del(ctx, "helhed:probe:item:w-late", index)
		reconcile(t, probeKind)
	})
	reconcile(t, probeKind) // a whole read model to start from
	spec := probeReconciler().(readmodel.Spec)
	project := spec.ProjectFunc
	var once sync.Once
	spec.ProjectFunc = func(m *readmodel.Model, run readmodel.Run, v any) error {
		once.Do(func() {
			r.HSet(ctx, "helhed:probe:item:w-late", "area", "vangdalen", "status", "open") // a run not listed
			r.HSet(ctx, "helhed:probe:item:w2", "status", "answered")                      // a listed run, newer
			r.SAdd(ctx, index, "w-late")                                                   // a shared index
		})
		if st, ok := v.(*probeState); ok && strings.HasPrefix(st.ID, "w") {
			m.SAdd(index, st.ID)
		}
		return project(m, run, v)
	}
	rep, err := serviceOver(t, spec).Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := kindReport(t, rep, probeKind)
	if r.Exists(ctx, "helhed:probe:item:w-late").Val() != 1 {
		t.Errorf("the item a run wrote while the reconcile ran was deleted (drift %+v)", k.Drift)
	}
	if got := r.HGet(ctx, "helhed:probe:item:w2", "status").Val(); got != "answered" {
		t.Errorf("item w2 status %q: the newer live write was overwritten with what the reconcile read (drift %+v)", got, k.Drift)
	}
	members := r.SMembers(ctx, index).Val()
	for _, want := range []string{"w-late", "w1", "w2"} {
		if !strings.Contains(strings.Join(members, " "), want) {
			t.Errorf("index %v lacks %s: want the live member kept and the model's added", members, want)
		}
	}
	if k.Drift.Raced < 3 || k.Drift.Extra != 0 {
		t.Errorf("drift %+v, want the three keys written meanwhile counted as raced and none as extra", k.Drift)
	}
}

// TestRunNotYetVisibleKeepsItsKeys: visibility lists a run only some time
// after it wrote its keys. A reconcile that does not list it (here: a
// filter leaves it out) must not delete them when the kind names the
// workflow behind a key (Claimer); Temporal is asked for that run, and it
// is projected. A key whose workflow Temporal does not have is extra.
func TestRunNotYetVisibleKeepsItsKeys(t *testing.T) {
	ctx := context.Background()
	r := shared.Redis
	startProbes(t, "v1", "v-lag")
	t.Cleanup(func() {
		r.Del(ctx, "helhed:probe:item:v-gone")
		reconcile(t, probeKind)
	})
	reconcile(t, probeKind)
	r.HSet(ctx, "helhed:probe:item:v-gone", "area", "vangdalen", "status", "open") // no such workflow
	spec := probeReconciler().(readmodel.Spec)
	spec.Filter = `WorkflowId != "probe-readmodel/v-lag"` // visibility lagging behind v-lag
	spec.ClaimFunc = func(key string, _ map[string]string) (string, bool) {
		id, ok := strings.CutPrefix(key, "helhed:probe:item:")
		return "probe-readmodel/" + id, ok
	}
	rep, err := serviceOver(t, spec).Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := kindReport(t, rep, probeKind)
	if got := r.HGetAll(ctx, "helhed:probe:item:v-lag").Val(); got["status"] != "open" {
		t.Errorf("the item of the run visibility did not list yet: %v (drift %+v)", got, k.Drift)
	}
	if r.Exists(ctx, "helhed:probe:item:v-gone").Val() != 0 {
		t.Error("a key whose workflow Temporal does not have was kept")
	}
	if k.Drift.Extra != 1 || k.Unreadable != 0 {
		t.Errorf("kind report %+v, want only helhed:probe:item:v-gone extra", k)
	}
}
