package readmodel_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/capability"
	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

var shared *teststack.Stack

func TestMain(m *testing.M) {
	probes := capability.Capability{Name: "probes",
		Workflows:   []capability.Workflow{{Name: "probe-readmodel", Func: probeWorkflow}},
		Activities:  []capability.Activities{{Impl: &probeActivities{}}},
		Reconcilers: []readmodel.Reconciler{probeReconciler()}}
	os.Exit(teststack.Main(m, teststack.Options{Name: "readmodel", Extra: []capability.Capability{probes}}, func(s *teststack.Stack) error {
		shared = s
		// A new Redis has no reconcile record, so start-up reconciles once:
		// let it finish before the tests count drift.
		wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Temporal.GetWorkflow(wctx, s.ReadModel.StartupWorkflowID(), "").Get(wctx, nil); err != nil {
			return fmt.Errorf("start-up reconcile: %w", err)
		}
		return nil
	}))
}

// The probe kind: a workflow that records an item in the read model live
// (as capabilities do) and answers a state query the reconciler reads.
const probeKind = "probe-readmodel"

type probeState struct {
	ID     string
	Area   string
	Status string
}

func probeWorkflow(ctx workflow.Context, st probeState) error {
	if err := workflow.UpsertTypedSearchAttributes(ctx, searchattr.Kind.ValueSet(probeKind)); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, "state", func() (probeState, error) { return st, nil }); err != nil {
		return err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := workflow.ExecuteActivity(ctx, (*probeActivities).RecordProbe, st).Get(ctx, nil); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, "close").Receive(ctx, nil)
	return nil
}

type probeActivities struct{}

// RecordProbe is the live write.
func (*probeActivities) RecordProbe(ctx context.Context, st probeState) error {
	r := shared.Redis
	return r.HSet(ctx, "helhed:probe:item:"+st.ID, "area", st.Area, "status", st.Status).Err()
}

func probeReconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    probeKind,
		KeyPatterns: []string{"helhed:probe:*"},
		StateQuery:  "state",
		NewState:    func() any { return new(probeState) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, v any) error {
			st, ok := v.(*probeState)
			if !ok {
				return nil
			}
			m.HSet("helhed:probe:item:"+st.ID, "area", st.Area)
			m.HSet("helhed:probe:item:"+st.ID, "status", st.Status)
			m.HIncr("helhed:probe:count", st.Area, 1)
			return nil
		},
	}
}

func startProbes(t *testing.T, ids ...string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		run, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: "probe-readmodel/" + id, TaskQueue: workflows.TaskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(probeKind)),
		}, "probe-readmodel", probeState{ID: id, Area: "vangdalen", Status: "open"})
		if err != nil {
			t.Fatal(err)
		}
		// Wait for the live write.
		deadline := time.Now().Add(30 * time.Second)
		for shared.Redis.Exists(ctx, "helhed:probe:item:"+id).Val() == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("probe %s never recorded (run %s)", id, run.GetRunID())
			}
			time.Sleep(20 * time.Millisecond)
		}
		// And for visibility, which the reconcile lists runs from and which
		// lags the start under load.
		query := fmt.Sprintf("WorkflowId = 'probe-readmodel/%s' AND HelhedKind = '%s'", id, probeKind)
		for {
			resp, err := shared.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
			if err == nil && resp.GetCount() > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("probe %s never visible: %v", id, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func reconcile(t *testing.T, kinds ...string) readmodel.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := shared.ReadModel.Start(ctx, readmodel.Options{Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	var rep readmodel.Report
	if err := run.Get(ctx, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func kindReport(t *testing.T, rep readmodel.Report, kind string) readmodel.KindReport {
	t.Helper()
	for _, k := range rep.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	t.Fatalf("report has no kind %s: %+v", kind, rep)
	return readmodel.KindReport{}
}

// TestReconcileRepairsDrift: the live read model of three runs, then one
// key deleted, one altered and one foreign key added: the reconcile finds
// exactly that drift, repairs it, and the next finds none.
func TestReconcileRepairsDrift(t *testing.T) {
	startProbes(t, "a", "b", "c")
	ctx := context.Background()
	r := shared.Redis
	// The live writes lack the aggregate, so the first reconcile adds it.
	first := kindReport(t, reconcile(t, probeKind), probeKind)
	if first.Error != "" || first.Runs["running"] != 3 {
		t.Fatalf("first reconcile: %+v", first)
	}
	if first.Drift.Missing != 1 || first.Drift.Extra != 0 || first.Drift.Changed != 0 {
		t.Fatalf("first reconcile drift %+v, want only helhed:probe:count missing", first.Drift)
	}
	if got := r.HGet(ctx, "helhed:probe:count", "vangdalen").Val(); got != "3" {
		t.Fatalf("count = %q after reconcile", got)
	}
	if again := kindReport(t, reconcile(t, probeKind), probeKind); again.Drift.Total() != 0 {
		t.Fatalf("second reconcile drift %+v, want none", again.Drift)
	}

	r.Del(ctx, "helhed:probe:item:a")
	r.HSet(ctx, "helhed:probe:item:b", "status", "tampered")
	r.Set(ctx, "helhed:probe:stale", "x", 0)
	k := kindReport(t, reconcile(t, probeKind), probeKind)
	if k.Drift != (readmodel.Drift{Missing: 1, Extra: 1, Changed: 1}) {
		t.Fatalf("drift %+v, want 1 missing, 1 extra, 1 changed", k.Drift)
	}
	if got := r.HGetAll(ctx, "helhed:probe:item:a").Val(); got["status"] != "open" || got["area"] != "vangdalen" {
		t.Errorf("item a not restored: %v", got)
	}
	if got := r.HGet(ctx, "helhed:probe:item:b", "status").Val(); got != "open" {
		t.Errorf("item b status %q, want open", got)
	}
	if r.Exists(ctx, "helhed:probe:stale").Val() != 0 {
		t.Error("stale key not deleted")
	}
	// Keys outside the kind's patterns are never touched.
	r.Set(ctx, "helhed:other:keep", "1", 0)
	reconcile(t, probeKind)
	if r.Get(ctx, "helhed:other:keep").Val() != "1" {
		t.Error("reconcile touched a key outside its patterns")
	}

	body := shared.Scrape(t)
	for _, want := range []string{
		`helhed_readmodel_drift{kind="probe-readmodel"} 0`, // the last reconcile found none
		`helhed_readmodel_keys{kind="probe-readmodel"} 4`,
		`helhed_workflow_runs{kind="probe-readmodel",status="running"} 3`,
		`helhed_readmodel_up 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestDriftMetric: the metric shows the drift of the last reconcile, read
// from Redis, until the next one.
func TestDriftMetric(t *testing.T) {
	startProbes(t, "d")
	reconcile(t, probeKind)
	shared.Redis.Del(context.Background(), "helhed:probe:item:d")
	reconcile(t, probeKind)
	if body := shared.Scrape(t); !strings.Contains(body, `helhed_readmodel_drift{kind="probe-readmodel"} 1`) {
		t.Errorf("drift metric not 1 after one deleted key:\n%s", grep(body, "helhed_readmodel"))
	}
}

// TestLoadErrorLeavesReadModel: a run whose state cannot be read (a query
// the workflow does not answer) stops the rebuild of its kind rather than
// deleting its keys.
func TestLoadErrorLeavesReadModel(t *testing.T) {
	ctx := context.Background()
	g := &readmodel.Registry{}
	spec := probeReconciler().(readmodel.Spec)
	spec.StateQuery = "no-such-query"
	if err := g.Register(spec); err != nil {
		t.Fatal(err)
	}
	startProbes(t, "e")
	s := readmodel.New(shared.Temporal, shared.Redis, g, nil)
	rep, err := s.Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err == nil {
		t.Fatal("reconcile with an unreadable run succeeded")
	}
	k := kindReport(t, rep, probeKind)
	if k.LoadErrors == 0 || !strings.Contains(k.Error, "could not be read") {
		t.Errorf("kind report %+v", k)
	}
	if shared.Redis.Exists(ctx, "helhed:probe:item:e").Val() != 1 {
		t.Error("the unreadable run's keys were deleted")
	}
}

func TestReconcileRoute(t *testing.T) {
	url := "http://" + shared.HTTPAddr() + "/api/v1/reconcile"
	post := func(token, body, query string) (int, string) {
		return teststack.Call(t, http.MethodPost, url+query, token, body)
	}
	tok := shared.Config.OperatorToken
	if code, _ := post("", "", ""); code != http.StatusUnauthorized {
		t.Errorf("without token: %d", code)
	}
	if code, body := post(tok, `{"kinds":["no-such-kind"]}`, ""); code != http.StatusBadRequest || !strings.Contains(body, `"field":"kinds[0]"`) {
		t.Errorf("unknown kind: %d %s", code, body)
	}
	if code, body := post(tok, `{"kind":"x"}`, ""); code != http.StatusBadRequest || !strings.Contains(body, `"field":"kind"`) {
		t.Errorf("unknown field: %d %s", code, body)
	}
	if code, body := post(tok, `{"kinds":["`+probeKind+`"]}`, "?wait=false"); code != http.StatusAccepted || !strings.Contains(body, readmodel.ManualWorkflowID) {
		t.Errorf("no wait: %d %s", code, body)
	}
	code, body := post(tok, "", "")
	if code != http.StatusOK || !strings.Contains(body, `"kind":"`+probeKind+`"`) {
		t.Fatalf("reconcile: %d %s", code, body)
	}
	// A full reconcile records the last success and snapshots the schedules
	// (its own at least).
	m := shared.Scrape(t)
	if strings.Contains(m, "helhed_readmodel_reconcile_last_success_timestamp_seconds 0\n") {
		t.Error("last success still 0 after a successful full reconcile")
	}
	if !strings.Contains(m, `helhed_schedule_next_action_timestamp_seconds{kind="readmodel-reconcile",schedule="helhed-readmodel-reconcile"}`) {
		t.Errorf("no schedule snapshot:\n%s", grep(m, "helhed_schedule"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
