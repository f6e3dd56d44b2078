package readmodel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/capability"
	"helhed/internal/cycletest"
	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

var shared *teststack.Stack

func TestMain(m *testing.M) {
	probes := capability.Capability{Name: "probes",
		Workflows: []capability.Workflow{{Name: "probe-readmodel", Func: probeWorkflow}, {Name: benchWorkflowName, Func: benchWorkflow},
			{Name: closingWorkflowName, Func: closingWorkflow}},
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

// statusUnreadable marks a probe whose "state-checked" query fails.
const statusUnreadable = "unreadable"

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
	// What a reconciler reading "state-checked" sees of a run whose state
	// cannot be read (as a history that no longer replays).
	if err := workflow.SetQueryHandler(ctx, "state-checked", func() (probeState, error) {
		if st.Status == statusUnreadable {
			return st, errors.New("probe state cannot be read")
		}
		return st, nil
	}); err != nil {
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
	for _, id := range ids {
		startProbe(t, id, "open")
	}
}

// startProbe starts a probe and waits until it has written its item and
// visibility lists it.
func startProbe(t *testing.T, id, status string) {
	t.Helper()
	ctx := context.Background()
	run, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "probe-readmodel/" + id, TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(probeKind)),
	}, "probe-readmodel", probeState{ID: id, Area: "vangdalen", Status: status})
	if err != nil {
		t.Fatal(err)
	}
	// Wait for the live write, and for visibility, which the reconcile
	// lists runs from and which lags the start under load.
	query := fmt.Sprintf("WorkflowId = 'probe-readmodel/%s' AND HelhedKind = '%s'", id, probeKind)
	teststack.Eventually(t, fmt.Sprintf("probe %s (run %s) recorded and visible", id, run.GetRunID()), func() error {
		if shared.Redis.Exists(ctx, "helhed:probe:item:"+id).Val() == 0 {
			return errors.New("no live write")
		}
		resp, err := shared.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil || resp.GetCount() == 0 {
			return fmt.Errorf("not visible: %v", err)
		}
		return nil
	})
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

// TestNoRunReadable: when no run of a kind can be read (a state query no
// run answers) there is nothing to rebuild from: the reconcile succeeds
// with a warning, counts the runs and leaves every key as it was.
func TestNoRunReadable(t *testing.T) {
	ctx := context.Background()
	spec := probeReconciler().(readmodel.Spec)
	spec.StateQuery = "no-such-query"
	startProbes(t, "e")
	r := shared.Redis
	r.Set(ctx, "helhed:probe:stale-e", "x", 0)
	t.Cleanup(func() { r.Del(ctx, "helhed:probe:stale-e") })
	before := dumpProbe(t)
	rep, err := serviceOver(t, spec).Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err != nil {
		t.Fatalf("reconcile failed: %v", err)
	}
	k := kindReport(t, rep, probeKind)
	if k.Unreadable == 0 || k.Unreadable != k.Runs["running"] || !strings.Contains(k.Warning, "none of the") {
		t.Errorf("kind report %+v", k)
	}
	if after := dumpProbe(t); !maps.Equal(before, after) {
		t.Errorf("the read model changed although no run could be read:\nbefore %v\nafter  %v", before, after)
	}
}

// TestUnreadableRunIsSkipped: one run whose state cannot be read does not
// block its kind. The other runs' missing and changed keys are repaired,
// the run is counted and exported as unreadable, the reconcile counts as a
// success, and nothing the model lacks is deleted: neither an extra key
// nor the unreadable run's member of an index the runs share.
func TestUnreadableRunIsSkipped(t *testing.T) {
	ctx := context.Background()
	r := shared.Redis
	startProbes(t, "u1", "u2")
	startProbe(t, "u-bad", statusUnreadable)
	const index = "helhed:probe:index"
	t.Cleanup(func() {
		r.Del(ctx, "helhed:probe:stale-u", index)
		reconcile(t, probeKind) // the shared reconciler reads every probe: its report replaces this one
	})
	spec := probeReconciler().(readmodel.Spec)
	spec.StateQuery = "state-checked"
	project := spec.ProjectFunc
	spec.ProjectFunc = func(m *readmodel.Model, run readmodel.Run, v any) error {
		if st, ok := v.(*probeState); ok {
			m.SAdd(index, st.ID)
		}
		return project(m, run, v)
	}

	r.Del(ctx, "helhed:probe:item:u1")                        // missing
	r.HSet(ctx, "helhed:probe:item:u2", "status", "tampered") // changed
	r.Set(ctx, "helhed:probe:stale-u", "x", 0)                // extra, perhaps the bad run's
	r.SAdd(ctx, index, "u-bad", "u1")                         // the bad run's member, and one to add to
	rep, err := serviceOver(t, spec).Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err != nil {
		t.Fatalf("reconcile failed: %v", err)
	}
	k := kindReport(t, rep, probeKind)
	if k.Unreadable != 1 || k.Error != "" || !strings.Contains(k.Warning, "probe-readmodel/u-bad") || len(rep.Warnings) != 1 {
		t.Fatalf("kind report %+v, warnings %q", k, rep.Warnings)
	}
	if k.Drift.Missing < 1 || k.Drift.Changed < 2 || k.Drift.Extra != 0 || k.Drift.Kept != 2 {
		t.Errorf("drift %+v, want item u1 missing, item u2 and the index changed, the stale key and the item of u-bad kept", k.Drift)
	}
	if got := r.HGetAll(ctx, "helhed:probe:item:u1").Val(); got["status"] != "open" {
		t.Errorf("item u1 not restored: %v", got)
	}
	if got := r.HGet(ctx, "helhed:probe:item:u2", "status").Val(); got != "open" {
		t.Errorf("item u2 status %q, want open", got)
	}
	if r.Exists(ctx, "helhed:probe:stale-u", "helhed:probe:item:u-bad").Val() != 2 {
		t.Error("an extra key, or the unreadable run's item, was deleted")
	}
	members := r.SMembers(ctx, index).Val()
	for _, want := range []string{"u-bad", "u1", "u2"} {
		if !slices.Contains(members, want) {
			t.Errorf("index %v lacks %s", members, want)
		}
	}

	if last := r.HGet(ctx, "helhed:readmodel:reconcile", "last_success").Val(); last != readmodel.Value(rep.Started) {
		t.Errorf("last_success %s, want this reconcile's start %s", last, readmodel.Value(rep.Started))
	}
	body := shared.Scrape(t)
	for _, want := range []string{
		`helhed_readmodel_unreadable_runs{kind="probe-readmodel"} 1`,
		fmt.Sprintf("helhed_readmodel_reconcile_last_success_timestamp_seconds %s\n", metricValue(rep.Started)),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grep(body, "helhed_readmodel"))
		}
	}
}

// TestReconcilePagesThroughVisibility: with pages of two runs, every
// running probe is projected.
func TestReconcilePagesThroughVisibility(t *testing.T) {
	ctx := context.Background()
	startProbes(t, "p1", "p2", "p3", "p4", "p5")
	resp, err := shared.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: readmodel.KindQuery(probeKind) + ` AND ExecutionStatus = "Running"`, PageSize: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, e := range resp.GetExecutions() {
		items = append(items, "helhed:probe:item:"+strings.TrimPrefix(e.GetExecution().GetWorkflowId(), "probe-readmodel/"))
	}
	if len(items) < 5 || len(resp.GetNextPageToken()) > 0 {
		t.Fatalf("%d running probes listed (more: %v)", len(items), len(resp.GetNextPageToken()) > 0)
	}
	if err := shared.Redis.Del(ctx, items...).Err(); err != nil {
		t.Fatal(err)
	}
	s := serviceOver(t, probeReconciler())
	readmodel.SetPageSize(s, 2)
	rep, err := s.Reconcile(ctx, readmodel.Options{Kinds: []string{probeKind}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := kindReport(t, rep, probeKind)
	if k.Runs["running"] != len(items) || k.Drift.Missing < len(items) {
		t.Errorf("kind report %+v, want %d running runs and their items missing", k, len(items))
	}
	if n := shared.Redis.Exists(ctx, items...).Val(); n != int64(len(items)) {
		t.Errorf("%d of %d items rebuilt", n, len(items))
	}
}

// serviceOver is a reconcile Service of the stack over rs alone.
func serviceOver(t testing.TB, rs ...readmodel.Reconciler) *readmodel.Service {
	t.Helper()
	g, err := readmodel.NewRegistry(rs...)
	if err != nil {
		t.Fatal(err)
	}
	s := readmodel.New(shared.Temporal, shared.Redis, g, nil)
	s.DataConverter = shared.ReadModel.DataConverter
	return s
}

// dumpProbe is every probe key with its content.
func dumpProbe(t *testing.T) map[string]string {
	t.Helper()
	d, err := cycletest.Dump(context.Background(), shared.Redis, "helhed:probe:*")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// metricValue is t as the exposition format writes a Unix-seconds gauge.
func metricValue(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix()), 'g', -1, 64)
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
	// Let it finish, or the full reconcile below would join it.
	if err := shared.Temporal.GetWorkflow(context.Background(), readmodel.ManualWorkflowID, "").Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	code, body := post(tok, "", "")
	if code != http.StatusOK || !strings.Contains(body, `"kind":"`+probeKind+`"`) {
		t.Fatalf("reconcile: %d %s", code, body)
	}
	// Kinds without a reconciler are found in visibility and counted: the
	// reconcile's own runs, at least the start-up one.
	var rep readmodel.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	if k := kindReport(t, rep, readmodel.Kind); k.Reconciled || k.Runs["completed"] == 0 || k.LastCompleted == 0 {
		t.Errorf("the reconcile's own kind: %+v", k)
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
