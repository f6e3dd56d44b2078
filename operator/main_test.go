package operator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sethvargo/go-envconfig"

	"helhed/app"
	"helhed/config"
	"helhed/internal/testredis"
	"helhed/runs"
	"helhed/runs/catalog"
)

// shared is one dev App (embedded Temporal, real redis-server) for every
// test here; runner is the run layer over its client.
var (
	shared *app.App
	runner *runs.Runner
	base   string
	token  string
)

// testKeyFile is the payload key of this test process, shared with the
// crisis package's replay test, which reads the recorded history.
const testKeyFile = "../workflows/crisis/testdata/payload-test.key"

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	rs, err := testredis.Start()
	if err != nil {
		if !testredis.Required() {
			fmt.Println("skipping operator integration tests:", err)
			return 0
		}
		fmt.Println(err)
		return 1
	}
	defer rs.Stop()
	dir, err := os.MkdirTemp("", "helhed-operator")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	key, err := os.ReadFile(testKeyFile)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	cfg, err := config.Load(context.Background(), envconfig.MapLookuper(map[string]string{
		"TEMPORAL_ADDRESS": "127.0.0.1:0", "HTTP_ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0",
		"TEMPORAL_UI_ADDR": "", "DATA_DIR": dir, "REDIS_URL": rs.URL(),
		"PAYLOAD_KEY": strings.TrimSpace(string(key)), "STATBANK_URL": "http://127.0.0.1:9/unreachable",
	}), true)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	shared, err = app.Start(context.Background(), app.Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println("start app:", err)
		return 1
	}
	defer shared.Stop(context.Background())
	base = "http://" + shared.HTTPAddr()
	token = cfg.OperatorToken
	reg, err := catalog.Registry()
	if err != nil {
		fmt.Println(err)
		return 1
	}
	runner = &runs.Runner{Client: shared.Temporal, Plan: shared.Plan, Kinds: reg}
	return m.Run()
}

// apiResult is an API answer.
type apiResult struct {
	Status int
	Body   map[string]any
	Raw    string
}

func (r apiResult) str(key string) string {
	s, _ := r.Body[key].(string)
	return s
}

// call sends a request to the operator API with tok as bearer token
// ("" for none) and body as JSON (a string is sent as is).
func call(t *testing.T, method, path, tok string, body any) apiResult {
	t.Helper()
	return callType(t, method, path, tok, "application/json", body)
}

func callType(t *testing.T, method, path, tok, contentType string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := apiResult{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &res.Body)
	return res
}

func runPath(id string, rest ...string) string {
	return "/api/v1/runs/" + url.PathEscape(id) + strings.Join(rest, "")
}

// eventually polls f until it returns "" or the deadline passes, then
// fails with f's last complaint. Temporal's visibility and a workflow's
// timers are asynchronous; this waits for a state, it times nothing.
func eventually(t *testing.T, within time.Duration, f func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		msg := f()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cancelRun ends a run a test started, so it does not keep working.
func cancelRun(t *testing.T, id string) {
	t.Helper()
	if _, err := runner.Cancel(context.Background(), id, "test finished"); err != nil {
		// Closed, or closing (its stage no longer takes cancel), is fine.
		if re, ok := err.(*runs.Error); !ok || (re.Code != runs.CodeClosed && re.Code != runs.CodeRejected) {
			t.Logf("cancel %s: %v", id, err)
		}
	}
}
