package datarequest_test

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/capability"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// stack is one dev App (embedded Temporal, real redis-server) shared by
// this package's tests and benchmarks. Its payload key is the test key of
// workflows/datarequest, so a history recorded here can be replayed by
// that package's replay test.
var stack struct {
	app   *teststack.Stack
	base  string // http://host:port
	rdb   *redis.Client
	store *datarequestadapter.Store
	dir   string
}

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{
		Name: "portal", FixedPorts: true, Extra: []capability.Capability{baseline},
		PayloadKeyFile: "../../workflows/datarequest/" + replaytest.KeyFile,
		Env:            map[string]string{"OPERATOR_TOKEN": "test-operator-token-0123456789"},
	}, func(s *teststack.Stack) error {
		stack.app, stack.base, stack.dir = s, "http://"+s.HTTPAddr(), s.Dir
		stack.rdb = s.Redis.Client
		stack.store = &datarequestadapter.Store{R: stack.rdb, Loc: s.Plan.Location()}
		return nil
	}))
}

// formRequest is a form request for partner, due in two weeks.
func formRequest(id, partner string) datarequest.Input {
	p := stack.app.Plan
	return datarequest.Input{
		RequestID: id, Partner: partner, Title: "Fravær i kvartalet " + id,
		Instructions: "Oplys antal elever og fraværsprocent for hvert område.", Period: "2026 K3",
		Areas: []string{"vangdalen", "gl-jennumparken"},
		Due:   p.DateOf(time.Now()).AddDays(14).String(),
		Fields: []datarequest.Field{
			{Key: "elever", Label: "Antal elever", Type: datarequest.Integer, Unit: "elever", Required: true},
			{Key: "fravaer", Label: "Fravær", Type: datarequest.Percentage, Unit: "%", Required: true, PerArea: true},
			{Key: "bemaerkning", Label: "Bemærkning", Type: datarequest.Text},
		},
		Origin: "test",
	}
}

func tableRequest(id, partner string) datarequest.Input {
	in := formRequest(id, partner)
	in.Fields, in.Areas = nil, nil
	in.Title = "Nøgletal " + id
	in.Table = &datarequest.Table{Columns: []datarequest.Column{
		{Key: "omraade", Label: "Område", Type: datarequest.Text, Required: true},
		{Key: "beboere", Label: "Beboere", Type: datarequest.Integer, Required: true},
		{Key: "andel", Label: "Andel", Type: datarequest.Percentage},
	}}
	return in
}

// start starts a request and waits until its invitation is in the outbox
// (the task is then in the read model too).
func start(t testing.TB, in datarequest.Input) client.WorkflowRun {
	t.Helper()
	run, err := datarequestadapter.Start(context.Background(), stack.app.Temporal, in)
	if err != nil {
		t.Fatal(err)
	}
	readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeInvite, 0))
	return run
}

// readMail waits for the .eml of key and returns its decoded headers and
// text.
func readMail(t testing.TB, key string) (mail.Header, string) {
	t.Helper()
	path := filepath.Join(stack.dir, "outbox", mailFileName(key))
	deadline := time.Now().Add(60 * time.Second)
	for {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			msg, err := mail.ReadMessage(f)
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader = msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			b, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			return msg.Header, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail %s in the outbox", key)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mailFileName(key string) string { return mailer.FileName(key) }

// noticeKey is the idempotency key of a request's notice, scoped to its
// run chain (workflows.MailKey).
func noticeKey(t testing.TB, c client.Client, requestID, kind string, n int) string {
	t.Helper()
	d, err := c.DescribeWorkflowExecution(context.Background(), datarequest.WorkflowID(requestID), "")
	if err != nil {
		t.Fatal(err)
	}
	info := d.GetWorkflowExecutionInfo()
	first := info.GetFirstRunId()
	if first == "" {
		first = info.GetExecution().GetRunId()
	}
	return workflows.RunMailKey(first, datarequest.MailKey(requestID, kind, n))
}

var linkPattern = regexp.MustCompile(`http://[^\s]+/portal/t/[A-Za-z0-9_-]{43}/opgave/[^\s]+`)

// taskLink is the portal link of the request's invitation.
func taskLink(t testing.TB, requestID string) string {
	t.Helper()
	_, body := readMail(t, noticeKey(t, stack.app.Temporal, requestID, datarequest.NoticeInvite, 0))
	link := linkPattern.FindString(body)
	if link == "" {
		t.Fatalf("no portal link in the invitation:\n%s", body)
	}
	return link
}

func decodeSubject(h mail.Header) string {
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		return h.Get("Subject")
	}
	return s
}

// api calls the operator API.
func api(t testing.TB, method, path string, body io.Reader) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, stack.base+path, body)
	req.Header.Set("Authorization", "Bearer test-operator-token-0123456789")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out
}

// state queries a request.
func state(t testing.TB, requestID string) datarequest.State {
	t.Helper()
	v, err := stack.app.Temporal.QueryWorkflow(context.Background(), datarequest.WorkflowID(requestID), "", datarequest.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var s datarequest.State
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// closeAnswered closes an answered request that is still open for
// corrections (the cancel Update keeps its answer), so that its run
// completes with it.
func closeAnswered(t testing.TB, c client.Client, requestID string) {
	t.Helper()
	h, err := c.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: datarequest.WorkflowID(requestID), UpdateName: datarequest.UpdateCancel,
		Args: []any{datarequest.Cancellation{Reason: "Svaret er endeligt"}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(context.Background(), nil)
	}
	if err != nil {
		t.Fatalf("close %s: %v", requestID, err)
	}
}

func today() plan.Date { return stack.app.Plan.DateOf(time.Now()) }
