package operator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/runs"
)

// shared is one dev App (embedded Temporal, real redis-server) for every
// test here; runner is the run layer over its client.
var (
	shared *teststack.Stack
	runner *runs.Runner
	base   string
	token  string
)

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{
		Name: "operator",
		// The payload key is shared with the crisis package's replay test,
		// which reads the recorded history.
		PayloadKeyFile: "../workflows/crisis/" + replaytest.KeyFile,
		Env:            map[string]string{"STATBANK_URL": "http://127.0.0.1:9/unreachable"},
	}, func(s *teststack.Stack) error {
		shared, base, token = s, "http://"+s.HTTPAddr(), s.Config.OperatorToken
		reg, err := runs.NewRegistry(app.Kinds(s.Capabilities))
		if err != nil {
			return err
		}
		runner = &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: reg}
		return nil
	}))
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
