package eviction

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// unitRedis is database 1 of the package's redis-server (TestMain in
// main_test.go starts it); the stack's integration tests use database 0.
func unitRedis(t testing.TB) *redis.Client {
	t.Helper()
	if TestRedisURL == "" {
		t.Fatal("TestMain did not start redis-server")
	}
	opts, err := redis.ParseURL(TestRedisURL)
	if err != nil {
		t.Fatal(err)
	}
	opts.DB = 1
	r := redis.NewClient(opts)
	t.Cleanup(func() { r.Close() })
	if err := r.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

func examplePlan(t testing.TB) *plan.Plan { return testplan.Load(t, "eksempel-2025-29") }

func testView(id string, seq int, stage eviction.Stage, area string) eviction.View {
	return eviction.View{CaseID: id, Tenancy: "t-" + id, Stage: stage, Area: area, Seq: seq,
		Opened: time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC), FirstList: plan.NewDate(2026, 2, 2),
		Transitions: []eviction.Transition{{To: eviction.StageArrears}, {From: eviction.StageArrears, To: eviction.StageOutreach}}}
}

// TestPutIsIdempotentAndOrdered: a repeated or older write changes
// nothing; a newer one moves the case's counts; counters that reach 0
// disappear.
func TestPutIsIdempotentAndOrdered(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	put := func(v eviction.View) bool {
		t.Helper()
		ok, err := m.Put(ctx, v, Facts(v, p))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	v1 := testView("a", 2, eviction.StageOutreach, "vangdalen")
	if !put(v1) || put(v1) {
		t.Fatal("first write refused or repeat applied")
	}
	v2 := v1
	v2.Seq, v2.Stage = 3, eviction.StageCounselling
	v2.Transitions = append(v2.Transitions, eviction.Transition{From: eviction.StageOutreach, To: eviction.StageCounselling})
	v2.FirstContact, v2.CounsellingStarted = plan.NewDate(2026, 2, 4), plan.NewDate(2026, 2, 4)
	if !put(v2) || put(v1) {
		t.Fatal("newer write refused or older applied")
	}
	agg, err := m.Aggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"cases|counselling|vangdalen": 1, "trans|new|arrears": 1, "trans|arrears|outreach": 1,
		"trans|outreach|counselling": 1, "courses|2025-26": 1, factContactCount: 1, factContactSum: 2 * daySeconds}
	for _, b := range contactBuckets {
		if b >= 2*daySeconds {
			want[factContactLE+fmt.Sprint(b)] = 1
		}
	}
	if fmt.Sprint(agg) != fmt.Sprint(want) {
		t.Fatalf("aggregates\n got %v\nwant %v", agg, want)
	}
	list, err := m.List(ctx, Filter{Stage: eviction.StageCounselling})
	if err != nil || len(list) != 1 || list[0].Seq != 3 {
		t.Fatalf("list %v %+v", err, list)
	}
	if list, _ := m.List(ctx, Filter{Area: "gl-jennumparken"}); len(list) != 0 {
		t.Fatalf("area filter: %+v", list)
	}
}
