package readmodel

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, key string
		want         bool
	}{
		{"helhed:task:*", "helhed:task:req:data-request/x", true},
		{"helhed:task:*", "helhed:tasks", false},
		{"helhed:task:req:?", "helhed:task:req:a", true},
		{"helhed:task:req:?", "helhed:task:req:ab", false},
		{"helhed:*:index", "helhed:task:index", true},
		{"helhed:*:index", "helhed:task:index2", false},
		{"exact", "exact", true},
	}
	for _, c := range cases {
		if got := match(c.pattern, c.key); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.pattern, c.key, got, c.want)
		}
	}
}

func TestRegistryRefuses(t *testing.T) {
	g := &Registry{}
	ok := Spec{KindName: "a", KeyPatterns: []string{"helhed:a:*"}}
	if err := g.Register(ok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{KeyPatterns: []string{"helhed:b:*"}}, "without a kind"},
		{Spec{KindName: "b"}, "owns no keys"},
		{Spec{KindName: "b", KeyPatterns: []string{"other:b:*"}}, "not under helhed:<capability>:"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:*"}}, "not under helhed:<capability>:"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:readmodel:x"}}, "which this package owns"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:a:sub:*"}}, `overlaps "helhed:a:*" of a`},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:a:index"}}, "overlaps"},
	} {
		err := g.Register(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Register(%+v) = %v, want error containing %q", c.spec, err, c.want)
		}
	}
	// Same kind again replaces; a disjoint prefix is fine.
	if err := g.Register(Spec{KindName: "a", KeyPatterns: []string{"helhed:a:x:*"}}); err != nil {
		t.Error(err)
	}
	if err := g.Register(Spec{KindName: "c", KeyPatterns: []string{"helhed:c:*", "helhed:ab:*"}}); err != nil {
		t.Error(err)
	}
	if got := len(g.All()); got != 2 {
		t.Errorf("%d reconcilers, want 2", got)
	}
}

func TestModelRefusesForeignKeysAndTypeClashes(t *testing.T) {
	m := NewModel("k", []string{"helhed:k:*"})
	m.HSet("helhed:k:a", "f", 1)
	m.HIncr("helhed:k:a", "n", 2)
	m.HIncr("helhed:k:a", "n", 0.5)
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	if got := m.keys["helhed:k:a"].hash["n"]; got != "2.5" {
		t.Errorf("HIncr sum = %q, want 2.5", got)
	}
	m.Set("helhed:other:x", "v")
	if err := m.Err(); err == nil || !strings.Contains(err.Error(), "helhed:other:x") {
		t.Errorf("foreign key: err = %v", err)
	}
	m = NewModel("k", []string{"helhed:k:*"})
	m.SAdd("helhed:k:s", "x")
	m.HSet("helhed:k:s", "f", "v")
	if err := m.Err(); err == nil || !strings.Contains(err.Error(), "written as set and as hash") {
		t.Errorf("type clash: err = %v", err)
	}
}

func TestValueAndSameValue(t *testing.T) {
	for v, want := range map[any]string{
		"x": "x", 3: "3", int64(-4): "-4", 2.0: "2", 5.7: "5.7", true: "1", false: "0",
		time.Unix(1700000000, 0): "1700000000", time.Time{}: "0",
	} {
		if got := Value(v); got != want {
			t.Errorf("Value(%#v) = %q, want %q", v, got, want)
		}
	}
	if !sameValue("5.70", "5.7") || sameValue("5.7", "5.8") || sameValue("a", "b") || !sameValue("a", "a") {
		t.Error("sameValue")
	}
}

// pagingClient serves ListWorkflow from ids, a page token being the offset
// of the next run; fail[offset] failures are returned before the page at
// offset is served.
type pagingClient struct {
	client.Client
	ids   []string
	fail  map[int]int
	err   error
	sizes []int32 // page sizes asked for, in order
}

func (c *pagingClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	c.sizes = append(c.sizes, req.GetPageSize())
	start, _ := strconv.Atoi(string(req.GetNextPageToken()))
	if c.fail[start] > 0 {
		c.fail[start]--
		return nil, c.err
	}
	end := min(start+int(req.GetPageSize()), len(c.ids))
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	for _, id := range c.ids[start:end] {
		resp.Executions = append(resp.Executions, &workflowpb.WorkflowExecutionInfo{
			Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "r-" + id},
			Status:    enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
		})
	}
	if end < len(c.ids) {
		resp.NextPageToken = []byte(strconv.Itoa(end))
	}
	return resp, nil
}

// TestListRetriesTimedOutPage: a page that times out is asked for again,
// at half the size, and the listing goes on from where it was; every run
// is visited once, in order, with a heartbeat before every call.
func TestListRetriesTimedOutPage(t *testing.T) {
	var ids []string
	for i := range 260 {
		ids = append(ids, fmt.Sprintf("wf-%03d", i))
	}
	c := &pagingClient{ids: ids, fail: map[int]int{100: 2}, err: serviceerror.NewDeadlineExceeded("context deadline exceeded")}
	s := &Service{Temporal: c, Log: slog.New(slog.DiscardHandler), pageSize: 100, retryPause: time.Millisecond}
	var got []string
	beats := 0
	err := s.list(context.Background(), "q", func() { beats++ }, func(page []Run) error {
		for _, r := range page {
			got = append(got, r.WorkflowID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("visited %d runs, want the %d listed, in order", len(got), len(ids))
	}
	// 0–99, two time-outs at 100 (100 → 50 → 25), then pages of 25.
	if want := []int32{100, 100, 50, 25, 25, 25, 25, 25, 25, 25}; !slices.Equal(c.sizes[:len(want)], want) {
		t.Errorf("page sizes %v, want %v…", c.sizes, want)
	}
	if beats != len(c.sizes) {
		t.Errorf("%d heartbeats for %d calls", beats, len(c.sizes))
	}
}

func TestListGivesUp(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		calls int
	}{
		{"unavailable after every attempt", serviceerror.NewUnavailable("server unavailable"), callAttempts},
		{"invalid query at once", serviceerror.NewInvalidArgument("invalid query"), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			pc := &pagingClient{ids: []string{"a", "b"}, fail: map[int]int{0: 99}, err: c.err}
			s := &Service{Temporal: pc, Log: slog.New(slog.DiscardHandler), retryPause: time.Millisecond}
			err := s.list(context.Background(), "q", func() {}, func([]Run) error { return nil })
			if err == nil || !strings.Contains(err.Error(), c.err.Error()) {
				t.Errorf("err = %v, want %v", err, c.err)
			}
			if len(pc.sizes) != c.calls {
				t.Errorf("%d calls, want %d", len(pc.sizes), c.calls)
			}
		})
	}
}
