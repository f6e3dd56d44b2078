package eviction_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	evictionadapter "helhed/adapters/eviction"
	"helhed/app"
	"helhed/arrears"
	"helhed/capability"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
	"helhed/workflows/eviction"
)

// stack is the whole process (embedded Temporal, real redis-server, every
// module wired) the integration tests and the benchmark run against.
var (
	stack  *teststack.Stack
	logs   = &logSink{}
	hasher *pseudonym.Hasher
)

func TestMain(m *testing.M) {
	// Every log line of the process, the SDK's included, goes to the sink
	// that TestNoContactInPlaintext reads.
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	slog.SetDefault(logger)
	os.Exit(teststack.Main(m, teststack.Options{
		Name: "eviction", Logger: logger, Extra: []capability.Capability{baseline},
		// The workflow package's replay test decodes the history
		// TestLegalClockOnTheRealStack records with this key.
		PayloadKeyFile: "../../workflows/eviction/" + replaytest.KeyFile,
	}, func(s *teststack.Stack) error {
		stack = s
		evictionadapter.TestRedisURL = s.RedisServer.URL()
		keys, err := s.Config.PayloadKeys()
		if err != nil {
			return err
		}
		hasher = pseudonym.New(pseudonym.DeriveKey(keys[0], "v1"))
		return nil
	}))
}

// logSink keeps every log line; the benchmark switches it off.
type logSink struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	mute bool
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.mute {
		s.buf.Write(p)
	}
	return len(p), nil
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *logSink) setMute(m bool) {
	s.mu.Lock()
	s.mute = m
	s.mu.Unlock()
}

// The benchmark's baseline: a trivial workflow with one activity, started
// the way the importer starts cases (SignalWithStart), on the same server.
const (
	baselineWorkflow = "BenchTrivial"
	baselineKey      = "helhed:eviction:bench:trivial"
)

type baselineActivities struct{}

func (*baselineActivities) BenchNoop(ctx context.Context) error {
	return stack.Redis.Incr(ctx, baselineKey).Err()
}

func benchTrivial(ctx workflow.Context, _ int) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return workflow.ExecuteActivity(ctx, "BenchNoop").Get(ctx, nil)
}

var baseline = capability.Capability{Name: "baseline",
	Workflows:  []capability.Workflow{{Name: baselineWorkflow, Func: benchTrivial}},
	Activities: []capability.Activities{{Impl: &baselineActivities{}}}}

// api calls the operator API with the token; it returns status and body.
func api(t testing.TB, method, path, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+stack.HTTPAddr()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+stack.Config.OperatorToken)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// importFile posts a fixture of the arrears package as the list of listDate.
func importFile(t testing.TB, name string, listDate plan.Date) evictionadapter.ImportResult {
	t.Helper()
	body, err := os.ReadFile("../../arrears/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return importBody(t, body, listDate)
}

func importBody(t testing.TB, body []byte, listDate plan.Date) evictionadapter.ImportResult {
	t.Helper()
	return apiJSON[evictionadapter.ImportResult](t, "POST", "/api/v1/arrears?listDate="+listDate.String(), "text/csv", bytes.NewReader(body), http.StatusAccepted)
}

// cases lists the read model through the API.
func cases(t testing.TB, query string) evictionadapter.CasesResponse {
	t.Helper()
	return apiJSON[evictionadapter.CasesResponse](t, "GET", "/api/v1/cases"+query, "", nil, http.StatusOK)
}

// apiJSON calls the API, requires status want and decodes the answer.
func apiJSON[T any](t testing.TB, method, path, contentType string, body io.Reader, want int) T {
	t.Helper()
	var out T
	code, raw := api(t, method, path, contentType, body)
	if code != want {
		t.Fatalf("%s %s: %d %s", method, path, code, raw)
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// byTenancy indexes the cases of the given tenancies (org id, number).
func byTenancy(t testing.TB, tenancies [][2]string) map[string]evictionadapter.CaseRow {
	t.Helper()
	want := map[string]string{}
	for _, tn := range tenancies {
		want[arrears.TenancyID(hasher, tn[0], tn[1])] = tn[1]
	}
	out := map[string]evictionadapter.CaseRow{}
	for _, c := range cases(t, "").Cases {
		if num, ok := want[c.Tenancy]; ok {
			if _, dup := out[num]; dup && c.Closed.IsZero() {
				t.Fatalf("two open cases for tenancy %s", num)
			}
			out[num] = c
		}
	}
	return out
}

// update sends an operator update and waits for its result.
func update(t testing.TB, workflowID, name string, arg any) (eviction.View, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := stack.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return eviction.View{}, err
	}
	var v eviction.View
	err = h.Get(ctx, &v)
	return v, err
}

func state(t testing.TB, workflowID string) eviction.State {
	t.Helper()
	resp, err := stack.Temporal.QueryWorkflow(context.Background(), workflowID, "", eviction.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st eviction.State
	if err := resp.Get(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func today() plan.Date { return stack.Plan.DateOf(time.Now()) }

// wiredKind is the eviction run kind the running app wired, with the
// process's pseudonym hasher.
func wiredKind(t testing.TB) runs.Kind {
	t.Helper()
	for _, k := range app.Kinds(stack.Capabilities) {
		if k.Name == eviction.Kind {
			return k
		}
	}
	t.Fatal("the app wires no eviction-case kind")
	return runs.Kind{}
}
