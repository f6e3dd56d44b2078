package eviction_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	evictionadapter "helhed/adapters/eviction"
	"helhed/internal/testplan"
	"helhed/mail"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// unitRedis is the package's redis-server (TestMain in main_test.go
// starts it), emptied for a new harness.
func unitRedis(t testing.TB) *redis.Client {
	t.Helper()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	return rdb
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
	mail    *mailSwitch
	start   time.Time
	results map[string]*updateResult
	states  map[string]eviction.State
}

type updateResult struct {
	view      eviction.View
	rejected  error
	failed    error
	completed bool
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, p: examplePlan(t), rdb: unitRedis(t), outbox: t.TempDir(), start: start,
		results: map[string]*updateResult{}, states: map[string]eviction.State{}}
	h.mail = &mailSwitch{Outbox: mailer.Outbox{Dir: h.outbox, From: "helhedsplan@example.invalid"}}
	var s testsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	h.env = s.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.RegisterWorkflowWithOptions(eviction.EvictionCase, workflow.RegisterOptions{Name: eviction.WorkflowName})
	h.env.RegisterActivityWithOptions(&evictionadapter.Activities{Plan: h.p, Model: &evictionadapter.ReadModel{R: h.rdb}}, activity.RegisterOptions{Name: eviction.ActivityPrefix})
	h.env.RegisterActivity(&activities.Mail{Sender: h.mail})
	return h
}

// mailSwitch is the outbox with a switch: while down, every send fails
// (retryably), as with a mail server that does not answer. It keeps the
// key of every send tried.
type mailSwitch struct {
	mailer.Outbox
	down atomic.Bool
	mu   sync.Mutex
	keys []string
}

func (m *mailSwitch) Send(ctx context.Context, msg mail.Message) error {
	m.mu.Lock()
	m.keys = append(m.keys, msg.Key)
	m.mu.Unlock()
	if m.down.Load() {
		return errors.New("mail server down")
	}
	return m.Outbox.Send(ctx, msg)
}

// tried are the keys of the sends tried so far, in order.
func (m *mailSwitch) tried() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.keys)
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
	h.at(when, func() { h.send(label, name, arg) })
}

// send sends an update now and records its fate under label. It runs on
// the environment's own thread: in a callback of at or of a listener.
func (h *harness) send(label, name string, arg any) {
	res := &updateResult{}
	h.results[label] = res
	h.env.UpdateWorkflow(name, label, &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { res.rejected = err },
		OnComplete: func(v interface{}, err error) {
			if err != nil {
				res.failed = err
				return
			}
			if view, ok := v.(eviction.View); ok {
				res.view = view
			}
			res.completed = true
		},
	}, arg)
}

// snapshot queries the state at when and keeps it under label.
func (h *harness) snapshot(when time.Time, label string) {
	h.at(when, func() {
		v, err := h.env.QueryWorkflow(eviction.QueryState)
		if err != nil {
			h.t.Errorf("query at %s: %v", label, err)
			return
		}
		var st eviction.State
		if err := v.Get(&st); err != nil {
			h.t.Errorf("decode state at %s: %v", label, err)
			return
		}
		h.states[label] = st
	})
}

func (h *harness) signalList(when time.Time, e eviction.ListEntry) {
	h.at(when, func() { h.env.SignalWorkflow(eviction.SignalList, e) })
}

// accepted fails unless the update labelled label was accepted and done.
func (h *harness) accepted(label string) eviction.View {
	h.t.Helper()
	r := h.results[label]
	if r == nil || r.rejected != nil || r.failed != nil || !r.completed {
		h.t.Fatalf("update %s: %+v", label, r)
	}
	return r.view
}

// failed fails unless the update labelled label was accepted and its
// handler then refused it with a message containing want.
func (h *harness) failed(label, want string) error {
	h.t.Helper()
	r := h.results[label]
	if r == nil || r.rejected != nil || r.failed == nil {
		h.t.Fatalf("update %s did not fail in its handler: %+v", label, r)
	}
	if !strings.Contains(r.failed.Error(), want) {
		h.t.Fatalf("update %s failed with %q, want %q", label, r.failed, want)
	}
	return r.failed
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

func (h *harness) state(label string) eviction.State {
	h.t.Helper()
	st, ok := h.states[label]
	if !ok {
		h.t.Fatalf("no state snapshot %s", label)
	}
	return st
}

// result runs to completion and returns the final view.
func (h *harness) result() eviction.View {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow error: %v", err)
	}
	var v eviction.View
	if err := h.env.GetWorkflowResult(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// stored reads a case's view and the aggregates back from Redis.
func (h *harness) stored(caseID string) (eviction.View, map[string]int64) {
	h.t.Helper()
	ctx := context.Background()
	raw, err := h.rdb.HGet(ctx, "helhed:eviction:case:"+caseID, "view").Result()
	if err != nil {
		h.t.Fatalf("read model has no case %s: %v", caseID, err)
	}
	var v eviction.View
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		h.t.Fatal(err)
	}
	agg, err := (&evictionadapter.ReadModel{R: h.rdb}).Aggregates(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return v, agg
}

func cph(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, eviction.Zone)
}

func day(y int, m time.Month, d int) plan.Date { return plan.NewDate(y, m, d) }

// listInput is a case opened by a list of listDate.
func listInput(listDate plan.Date, arrears eviction.Money, due plan.Date) eviction.Input {
	e := eviction.ListEntry{ListID: listDate.String() + "-test", ListDate: listDate, PlanID: "eksempel-2025-29",
		Organisation: "ms", Owner: "randersbolig", Department: "27", Area: "gl-jennumparken", TenancyNumber: "27-101-1",
		Contact: eviction.Contact{Name: "Anna Jensen", Address: "Jennumparken 12", Phone: "20112233"}, Arrears: arrears, DueDate: due, Reminders: 1}
	return eviction.Input{CaseInput: eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: e.TenancyNumber, Contact: e.Contact,
		Arrears: arrears, DueDate: due, Reminders: 1}, List: &e}
}
