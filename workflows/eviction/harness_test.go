package eviction

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	"helhed/internal/testplan"
	"helhed/mailer"
	"helhed/plan"
)

// unitRedis is database 1 of the package's redis-server (TestMain in
// main_test.go starts it); the app's integration tests use database 0.
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

// harness is one time-skipping workflow environment with the real
// activities: the plan, a real Redis and an outbox directory.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	p       *plan.Plan
	rdb     *redis.Client
	outbox  string
	start   time.Time
	results map[string]*updateResult
	states  map[string]State
}

type updateResult struct {
	view     View
	rejected error
	failed   error
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, p: examplePlan(t), rdb: unitRedis(t), outbox: t.TempDir(), start: start,
		results: map[string]*updateResult{}, states: map[string]State{}}
	var s testsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	h.env = s.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.RegisterWorkflowWithOptions(EvictionCase, workflow.RegisterOptions{Name: WorkflowName})
	h.env.RegisterActivityWithOptions(&Activities{Plan: h.p, Model: &ReadModel{R: h.rdb}}, activity.RegisterOptions{Name: ActivityPrefix})
	h.env.RegisterActivity(&activities.Mail{Sender: &mailer.Outbox{Dir: h.outbox, From: "helhedsplan@example.invalid"}})
	return h
}

// at runs fn at wall time when (Copenhagen) in the workflow's clock.
func (h *harness) at(when time.Time, fn func()) {
	h.t.Helper()
	d := when.Sub(h.start)
	if d < 0 {
		h.t.Fatalf("callback at %s is before the start", when)
	}
	h.env.RegisterDelayedCallback(fn, d)
}

// update sends an update at when and records its fate under label.
func (h *harness) update(when time.Time, label, name string, arg any) {
	res := &updateResult{}
	h.results[label] = res
	h.at(when, func() {
		h.env.UpdateWorkflow(name, label, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { res.rejected = err },
			OnComplete: func(v interface{}, err error) {
				if err != nil {
					res.failed = err
					return
				}
				if view, ok := v.(View); ok {
					res.view = view
				}
			},
		}, arg)
	})
}

// snapshot queries the state at when and keeps it under label.
func (h *harness) snapshot(when time.Time, label string) {
	h.at(when, func() {
		v, err := h.env.QueryWorkflow(QueryState)
		if err != nil {
			h.t.Errorf("query at %s: %v", label, err)
			return
		}
		var st State
		if err := v.Get(&st); err != nil {
			h.t.Errorf("decode state at %s: %v", label, err)
			return
		}
		h.states[label] = st
	})
}

func (h *harness) signalList(when time.Time, e ListEntry) {
	h.at(when, func() { h.env.SignalWorkflow(SignalList, e) })
}

// accepted fails unless the update labelled label was accepted and done.
func (h *harness) accepted(label string) View {
	h.t.Helper()
	r := h.results[label]
	if r == nil || r.rejected != nil || r.failed != nil {
		h.t.Fatalf("update %s: %+v", label, r)
	}
	return r.view
}

// rejected fails unless the update labelled label was refused with a
// message containing want.
func (h *harness) rejected(label, want string) error {
	h.t.Helper()
	r := h.results[label]
	if r == nil || r.rejected == nil {
		h.t.Fatalf("update %s was not rejected: %+v", label, r)
	}
	if !strings.Contains(r.rejected.Error(), want) {
		h.t.Fatalf("update %s rejected with %q, want %q", label, r.rejected, want)
	}
	return r.rejected
}

func (h *harness) state(label string) State {
	h.t.Helper()
	st, ok := h.states[label]
	if !ok {
		h.t.Fatalf("no state snapshot %s", label)
	}
	return st
}

// result runs to completion and returns the final view.
func (h *harness) result() View {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow error: %v", err)
	}
	var v View
	if err := h.env.GetWorkflowResult(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// stored reads a case's view and the aggregates back from Redis.
func (h *harness) stored(caseID string) (View, map[string]int64) {
	h.t.Helper()
	ctx := context.Background()
	raw, err := h.rdb.HGet(ctx, caseKey(caseID), "view").Result()
	if err != nil {
		h.t.Fatalf("read model has no case %s: %v", caseID, err)
	}
	var v View
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		h.t.Fatal(err)
	}
	agg, err := (&ReadModel{R: h.rdb}).Aggregates(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return v, agg
}

func cph(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, zone) }

func day(y int, m time.Month, d int) plan.Date { return plan.NewDate(y, m, d) }

// listInput is a case opened by a list of listDate.
func listInput(listDate plan.Date, arrears Money, due plan.Date) Input {
	e := ListEntry{ListID: listDate.String() + "-test", ListDate: listDate, PlanID: "eksempel-2025-29",
		Organisation: "ms", Owner: "randersbolig", Department: "27", Area: "gl-jennumparken", TenancyNumber: "27-101-1",
		Contact: Contact{Name: "Anna Jensen", Address: "Jennumparken 12", Phone: "20112233"}, Arrears: arrears, DueDate: due, Reminders: 1}
	return Input{CaseInput: CaseInput{Organisation: "ms", Department: "27", TenancyNumber: e.TenancyNumber, Contact: e.Contact,
		Arrears: arrears, DueDate: due, Reminders: 1}, List: &e}
}
