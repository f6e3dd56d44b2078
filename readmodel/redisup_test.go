package readmodel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/capability"
	"helhed/internal/testredis"
	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workflows"
)

const outageProbeWorkflowName = "probe-readmodel-outage"

// outageProbeWorkflow is a probe whose live write is retried only after an
// hour: once it has failed, only a reconcile puts its item in the read
// model within the test.
func outageProbeWorkflow(ctx workflow.Context, st probeState) error {
	if err := workflow.UpsertTypedSearchAttributes(ctx, searchattr.Kind.ValueSet(probeKind)); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, "state", func() (probeState, error) { return st, nil }); err != nil {
		return err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Hour}})
	if err := workflow.ExecuteActivity(ctx, (*outageProbeActivities).RecordOutageProbe, st).Get(ctx, nil); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, "close").Receive(ctx, nil)
	return nil
}

type outageProbeActivities struct{ redis *redis.Client }

// RecordOutageProbe is the live write.
func (a *outageProbeActivities) RecordOutageProbe(ctx context.Context, st probeState) error {
	return a.redis.HSet(ctx, "helhed:probe:item:"+st.ID, "area", st.Area, "status", st.Status).Err()
}

// lockedBuffer collects a stack's log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) has(s string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !strings.Contains(l.b.String(), s) {
		return fmt.Errorf("no log line %q yet", s)
	}
	return nil
}

// TestRedisReturnStartsReconcile: Redis dies, a run's live write fails
// meanwhile (its retry is an hour away), Redis returns empty on the same
// address: the process notices and reconciles at once, so the read model
// holds the run's item again, and everything it held before.
func TestRedisReturnStartsReconcile(t *testing.T) {
	rs, rdb := testredis.StartT(t)
	logs := &lockedBuffer{}
	probes := capability.Capability{Name: "probes",
		Workflows:   []capability.Workflow{{Name: outageProbeWorkflowName, Func: outageProbeWorkflow}},
		Activities:  []capability.Activities{{Impl: &outageProbeActivities{redis: rdb}}},
		Reconcilers: []readmodel.Reconciler{probeReconciler()}}
	s := teststack.StartT(t, teststack.Options{Name: "readmodel-redis", Env: map[string]string{"REDIS_URL": rs.URL()},
		Extra: []capability.Capability{probes}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ctx := context.Background()
	// Only the reconcile under test may write the item: not the periodic
	// one, should a quarter-hour pass during the test.
	if err := s.Temporal.ScheduleClient().GetHandle(ctx, readmodel.ScheduleID).Pause(ctx, client.SchedulePauseOptions{Note: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Temporal.GetWorkflow(ctx, s.ReadModel.StartupWorkflowID(), "").Get(ctx, nil); err != nil {
		t.Fatalf("start-up reconcile: %v", err)
	}
	start := func(id string) string {
		wid := "probe-readmodel/" + id
		if _, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: wid, TaskQueue: workflows.TaskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(probeKind)),
		}, outageProbeWorkflowName, probeState{ID: id, Area: "vangdalen", Status: "open"}); err != nil {
			t.Fatal(err)
		}
		teststack.Eventually(t, wid+" listed by visibility", func() error {
			resp, err := s.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
				Query: fmt.Sprintf("WorkflowId = '%s' AND HelhedKind = '%s'", wid, probeKind)})
			if err != nil || resp.GetCount() == 0 {
				return fmt.Errorf("not listed: %v", err)
			}
			return nil
		})
		return wid
	}
	item := func(id string) error {
		st, err := rdb.HGet(ctx, "helhed:probe:item:"+id, "status").Result()
		if err != nil {
			return fmt.Errorf("item %s: %w", id, err)
		}
		if st != "open" {
			return fmt.Errorf("item %s has status %q, want open", id, st)
		}
		return nil
	}

	start("before")
	teststack.Eventually(t, "the live write before the outage", func() error { return item("before") })

	rs.Kill()
	teststack.Eventually(t, "the process to notice Redis is away", func() error { return logs.has("redis unreachable") })
	wid := start("during")
	teststack.Eventually(t, "the live write during the outage to fail", func() error {
		d, err := s.Temporal.DescribeWorkflowExecution(ctx, wid, "")
		if err != nil {
			return err
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetLastFailure() != nil {
				return nil
			}
		}
		return errors.New("the activity has not failed yet")
	})
	if err := rs.Restart(); err != nil {
		t.Fatal(err)
	}

	teststack.Eventually(t, "the read model whole after Redis returned", func() error {
		if err := item("during"); err != nil {
			return err
		}
		return item("before")
	})
	if err := logs.has("reconcile started"); err != nil {
		t.Error(err)
	}
	if err := logs.has(readmodel.RedisReturnedWorkflowID); err != nil {
		t.Error(err)
	}
}
