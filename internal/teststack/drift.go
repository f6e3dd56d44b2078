package teststack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"

	"helhed/internal/cycletest"
	"helhed/readmodel"
	"helhed/searchattr"
)

// Settled waits until each workflow, and each child it has running, has
// acted on everything it was sent: no workflow task and no activity
// pending, and visibility listing the run with the status and helhed
// search attributes it has (a reconcile finds runs through visibility).
// A test calls it after an Update or signal, before it reconciles.
func (s *Stack) Settled(t testing.TB, workflowIDs ...string) {
	t.Helper()
	for _, id := range workflowIDs {
		var children []string
		Eventually(t, id+" to settle", func() error {
			var err error
			children, err = s.settled(id)
			return err
		})
		s.Settled(t, children...)
	}
}

// settled checks one workflow and returns its running children.
func (s *Stack) settled(id string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, err
	}
	if wt := d.GetPendingWorkflowTask(); wt != nil {
		return nil, fmt.Errorf("workflow task %s", wt.GetState())
	}
	if acts := d.GetPendingActivities(); len(acts) > 0 {
		names := make([]string, len(acts))
		for i, a := range acts {
			names[i] = fmt.Sprintf("%s (%s, attempt %d: %s)", a.GetActivityType().GetName(), a.GetState(), a.GetAttempt(), a.GetLastFailure().GetMessage())
		}
		return nil, fmt.Errorf("activities pending: %s", strings.Join(names, ", "))
	}
	var children []string
	for _, c := range d.GetPendingChildren() {
		if c.GetRunId() == "" {
			return nil, fmt.Errorf("child %s not started yet", c.GetWorkflowId())
		}
		children = append(children, c.GetWorkflowId())
	}
	info := d.GetWorkflowExecutionInfo()
	resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = %q AND RunId = %q", id, info.GetExecution().GetRunId()),
	})
	if err != nil {
		return nil, err
	}
	if len(resp.GetExecutions()) != 1 {
		return nil, fmt.Errorf("visibility lists %d runs of %s", len(resp.GetExecutions()), info.GetExecution().GetRunId())
	}
	listed := resp.GetExecutions()[0]
	if listed.GetStatus() != info.GetStatus() {
		return nil, fmt.Errorf("visibility says %s, the run is %s", listed.GetStatus(), info.GetStatus())
	}
	want, got := helhedAttributes(info.GetSearchAttributes()), helhedAttributes(listed.GetSearchAttributes())
	if want != got {
		return nil, fmt.Errorf("visibility lists %s, the run has %s", got, want)
	}
	return children, nil
}

// helhedAttributes renders the helhed search attributes (package
// searchattr), the ones a reconcile reads, comparably: times as instants,
// whatever precision visibility keeps.
func helhedAttributes(sa *commonpb.SearchAttributes) string {
	var b strings.Builder
	for _, name := range []string{searchattr.Kind.GetName(), searchattr.Stage.GetName(), searchattr.Area.GetName(),
		searchattr.Partner.GetName(), searchattr.PlanID.GetName(), searchattr.DueAt.GetName()} {
		p, ok := sa.GetIndexedFields()[name]
		if !ok {
			continue
		}
		var v any
		if err := json.NewDecoder(bytes.NewReader(p.GetData())).Decode(&v); err != nil {
			v = string(p.GetData())
		}
		if str, ok := v.(string); ok {
			if tm, err := time.Parse(time.RFC3339Nano, str); err == nil {
				v = tm.UTC().Format(time.RFC3339Nano)
			}
		}
		fmt.Fprintf(&b, "%s=%v ", name, v)
	}
	return strings.TrimSpace(b.String())
}

// NoDrift reconciles kind, once every running run of the kind has settled
// (Settled), and fails t unless the reconcile found the read model exactly
// as it rebuilds it from Temporal: nothing missing, extra or changed. step
// says what the test did last. The reconcile repairs what it found, so the
// next step starts from a whole read model.
func (s *Stack) NoDrift(t testing.TB, kind, step string) {
	t.Helper()
	ctx := context.Background()
	resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: readmodel.KindQuery(kind) + ` AND ExecutionStatus = "Running"`,
	})
	if err != nil {
		t.Fatalf("%s: list running %s runs: %v", step, kind, err)
	}
	for _, e := range resp.GetExecutions() {
		s.Settled(t, e.GetExecution().GetWorkflowId())
	}
	r, ok := s.ReadModel.Registry.Get(kind)
	if !ok {
		t.Fatalf("%s: kind %s has no reconciler", step, kind)
	}
	live, err := cycletest.Dump(ctx, s.Redis, r.Keys()...)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.ReadModel.Reconcile(ctx, readmodel.Options{Kinds: []string{kind}}, nil)
	if err != nil {
		t.Fatalf("%s: reconcile %s: %v", step, kind, err)
	}
	if d := rep.Kinds[0].Drift; d.Total() != 0 {
		rebuilt, err := cycletest.Dump(ctx, s.Redis, r.Keys()...)
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("after %s: the %s read model differed from the one rebuilt from Temporal (missing %d, extra %d, changed %d; got is the live one):\n%s",
			step, kind, d.Missing, d.Extra, d.Changed, strings.Join(cycletest.DiffDumps(rebuilt, live), "\n"))
	}
}
