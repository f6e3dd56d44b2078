package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"helhed/app"
	"helhed/capability"
	"helhed/internal/testsmtp"
	"helhed/internal/teststack"
	"helhed/workflows"
)

// shared is one dev App (embedded Temporal, real redis-server) for the
// tests that do not restart or break anything.
var shared *teststack.Stack

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{Name: "app", Extra: []capability.Capability{probes}},
		func(s *teststack.Stack) error { shared = s; return nil }))
}

// Probe workflows exercise the stack; helhed's own workflows are tested in
// their packages.
type probeInput struct {
	Phone string
	Wait  time.Duration
}

func probeEcho(ctx workflow.Context, in probeInput) (string, error) {
	if in.Wait > 0 {
		if err := workflow.Sleep(ctx, in.Wait); err != nil {
			return "", err
		}
	}
	return "kontakt: " + in.Phone, nil
}

var probes = capability.Capability{Name: "probes", Workflows: []capability.Workflow{{Name: "probe-echo", Func: probeEcho}}}

// TestHealthzOK: /healthz is 200 from the start ("degraded: readmodel"
// while the reconcile after start runs) and "ok" once it has succeeded.
func TestHealthzOK(t *testing.T) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := teststack.Get(t, "http://"+shared.HTTPAddr()+"/healthz", "")
		if code != http.StatusOK {
			t.Fatalf("healthz %d: %s", code, body)
		}
		var got struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Checks["temporal"] != "ok" || got.Checks["redis"] != "ok" {
			t.Fatalf("healthz body %s", body)
		}
		if got.Status == "ok" && got.Checks["readmodel"] == "ok" {
			return
		}
		if got.Status != "degraded: readmodel" || time.Now().After(deadline) {
			t.Fatalf("healthz body %s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestMetricsHasSDKAndPlanFamilies(t *testing.T) {
	// Run one workflow so the SDK has reported client and worker metrics.
	runProbe(t, shared.App, "metrics-probe", probeInput{Phone: "-"})
	body := shared.Scrape(t)
	for _, want := range []string{
		"temporal_request_total",
		"temporal_workflow_completed_total",
		`helhed_plan_info{name="`,
		`helhed_milestone_target{activity="brandkadet"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func runProbe(t *testing.T, a *app.App, id string, in probeInput) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, "probe-echo", in)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHistoryHoldsNoPlaintext reads the raw history with a client that has
// no codec and finds neither the sensitive input nor the result.
func TestHistoryHoldsNoPlaintext(t *testing.T) {
	const phone = "+45 87 65 43 21"
	out := runProbe(t, shared.App, "encryption-probe", probeInput{Phone: phone})
	if out != "kontakt: "+phone {
		t.Fatalf("result %q", out)
	}
	raw, err := client.Dial(client.Options{HostPort: shared.TemporalAddr(), Namespace: shared.Config.TemporalNamespace, Logger: nil})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	iter := raw.GetWorkflowHistory(context.Background(), "encryption-probe", "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events int
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		b, err := json.Marshal(ev) // every field, payload bytes included (base64)
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{phone, base64.StdEncoding.EncodeToString([]byte(phone))} {
			if bytes.Contains(b, []byte(needle)) {
				t.Fatalf("event %d (%s) holds plaintext %q", ev.GetEventId(), ev.GetEventType(), needle)
			}
		}
		// Also look inside the payload bytes directly.
		if attrs := ev.GetWorkflowExecutionStartedEventAttributes(); attrs != nil {
			for _, p := range attrs.GetInput().GetPayloads() {
				if bytes.Contains(p.GetData(), []byte(phone)) {
					t.Fatal("start input holds plaintext")
				}
				if string(p.GetMetadata()["encoding"]) != "binary/encrypted" {
					t.Fatalf("start input encoding %q", p.GetMetadata()["encoding"])
				}
			}
		}
	}
	if events < 5 {
		t.Fatalf("only %d events read", events)
	}
}

// TestHealthzNamesRedisWhenDown runs a second, non-dev process against the
// shared Temporal (as `go run ./workers` would) with its own Redis, then
// stops that Redis.
func TestHealthzNamesRedisWhenDown(t *testing.T) {
	a := teststack.StartT(t, teststack.Options{Name: "app-nondev", NonDev: true, Env: map[string]string{
		"TEMPORAL_ADDRESS": shared.TemporalAddr(), "OPERATOR_TOKEN": "test-operator-token", "PAYLOAD_KEY": shared.Config.PayloadKey,
		"TOKEN_SECRET": shared.Config.TokenSecret, "PSEUDONYM_KEY": shared.Config.PseudonymKey,
		"MAIL_MODE": "outbox",
	}})
	if code, body := teststack.Get(t, "http://"+a.HTTPAddr()+"/healthz", ""); code != http.StatusOK {
		t.Fatalf("before: %d %s", code, body)
	}
	a.RedisServer.Stop()
	code, body := teststack.Get(t, "http://"+a.HTTPAddr()+"/healthz", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") || !strings.Contains(body, `"temporal":"ok"`) {
		t.Fatalf("after redis stopped: %d %s", code, body)
	}
}

// healthz reads the process's /healthz, which must answer code.
func healthz(t *testing.T, s *teststack.Stack, code int) (status string, checks map[string]string) {
	t.Helper()
	got, body := teststack.Get(t, "http://"+s.HTTPAddr()+"/healthz", "")
	var h struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil || got != code {
		t.Fatalf("/healthz %d, want %d: %s (%v)", got, code, body, err)
	}
	return h.Status, h.Checks
}

// TestDependencyHealthInMetrics: /metrics publishes helhed_dependency_up
// for what /healthz checks; with mail to files there is no mail check.
func TestDependencyHealthInMetrics(t *testing.T) {
	if _, checks := healthz(t, shared, http.StatusOK); checks["mail"] != "" {
		t.Errorf("mail to files, yet /healthz checks mail: %v", checks)
	}
	body := shared.Scrape(t)
	for _, dep := range []string{"temporal", "redis", "documents"} {
		if want := `helhed_dependency_up{dependency="` + dep + `"} 1`; !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `dependency="mail"`) || strings.Contains(body, `dependency="readmodel"`) {
		t.Errorf("/metrics has a mail or readmodel dependency:\n%s", body)
	}
}

// TestHealthzMailCheck: with SMTP_URL, a relay that does not answer makes
// /healthz "degraded: mail" (200: mail waits in its activities' retries)
// and helhed_dependency_up{dependency="mail"} 0; once the relay is back,
// both say so after at most the check's cache interval.
func TestHealthzMailCheck(t *testing.T) {
	server := testsmtp.Start(t)
	server.Stop()
	env := map[string]string{"OPERATOR_TOKEN": "test-operator-token", "PAYLOAD_KEY": shared.Config.PayloadKey,
		"TOKEN_SECRET": shared.Config.TokenSecret, "PSEUDONYM_KEY": shared.Config.PseudonymKey,
		"TEMPORAL_ADDRESS": shared.TemporalAddr(), "MAIL_MODE": "",
		"SMTP_URL": server.URL(), "SMTP_CA_FILE": server.CAFile}
	a := teststack.StartT(t, teststack.Options{Name: "app-mail-health", NonDev: true, Env: env})
	status, checks := healthz(t, a, http.StatusOK)
	if !strings.Contains(status, "mail") || !strings.HasPrefix(checks["mail"], "degraded: ") || checks["temporal"] != "ok" {
		t.Fatalf("relay stopped: status %q, checks %v; want degraded: mail", status, checks)
	}
	if want := `helhed_dependency_up{dependency="mail"} 0`; !strings.Contains(a.Scrape(t), want) {
		t.Errorf("relay stopped: /metrics lacks %s", want)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the mail check after the relay is back", func() error {
		if _, checks := healthz(t, a, http.StatusOK); checks["mail"] != "ok" {
			return fmt.Errorf("/healthz mail check %q", checks["mail"])
		}
		if want := `helhed_dependency_up{dependency="mail"} 1`; !strings.Contains(a.Scrape(t), want) {
			return fmt.Errorf("/metrics lacks %s", want)
		}
		return nil
	})
	if n := len(server.Messages()); n != 0 {
		t.Errorf("the check delivered %d messages", n)
	}
}

func TestStartErrorsNameTheSetting(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	closedPort := func() string {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().String()
	}()
	badPlan := t.TempDir() + "/plan.yaml"
	if err := os.WriteFile(badPlan, []byte("id: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"port in use", map[string]string{"HTTP_ADDR": busy.Addr().String()}, "HTTP_ADDR"},
		{"metrics port in use", map[string]string{"METRICS_ADDR": busy.Addr().String()}, "METRICS_ADDR"},
		{"bad plan", map[string]string{"PLAN_FILE": badPlan}, "PLAN_FILE"},
		{"redis down", map[string]string{"REDIS_URL": "redis://" + closedPort}, "REDIS_URL"},
		{"temporal down", map[string]string{"TEMPORAL_ADDRESS": closedPort, "REDIS_URL": shared.Config.RedisURL}, "TEMPORAL_ADDRESS"},
		{"no SMTP_URL", map[string]string{"MAIL_MODE": ""}, "SMTP_URL"},
		{"no TOKEN_SECRET", map[string]string{"TOKEN_SECRET": ""}, "TOKEN_SECRET"},
		{"no PSEUDONYM_KEY", map[string]string{"PSEUDONYM_KEY": ""}, "PSEUDONYM_KEY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"OPERATOR_TOKEN": "test-operator-token", "PAYLOAD_KEY": shared.Config.PayloadKey,
				"TOKEN_SECRET": shared.Config.TokenSecret, "PSEUDONYM_KEY": shared.Config.PseudonymKey,
				"TEMPORAL_ADDRESS": shared.TemporalAddr(), "REDIS_URL": shared.Config.RedisURL, "MAIL_MODE": "outbox"}
			for k, v := range c.env {
				env[k] = v
			}
			a, err := teststack.Start(context.Background(), teststack.Options{Name: "app-bad", NonDev: true, Env: env})
			if err == nil {
				a.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %s", err, c.want)
			}
		})
	}
}

// TestRestartResumesTimer stops a dev process while a workflow waits on a
// timer and starts a new one on the same DATA_DIR: the workflow completes.
func TestRestartResumesTimer(t *testing.T) {
	s := teststack.StartT(t, teststack.Options{Name: "app-restart", Extra: []capability.Capability{probes}})
	ctx := context.Background()
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "restart-probe", TaskQueue: workflows.TaskQueue},
		"probe-echo", probeInput{Phone: "x", Wait: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	waitForTimer(t, s.App, "restart-probe")
	firstReconcile := s.ReadModel.StartupWorkflowID()
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	// Every start reconciles in a fresh run, never joining one left from
	// before (it may have died with the old process).
	if id := s.ReadModel.StartupWorkflowID(); id == "" || id == firstReconcile {
		t.Fatalf("start-up reconcile %q after a restart; before it was %q", id, firstReconcile)
	}
	rctx, rcancel := context.WithTimeout(ctx, time.Minute)
	defer rcancel()
	if err := s.Temporal.GetWorkflow(rctx, s.ReadModel.StartupWorkflowID(), "").Get(rctx, nil); err != nil {
		t.Fatalf("start-up reconcile after the restart: %v", err)
	}
	if err := s.ReadModel.Ready(rctx); err != nil {
		t.Fatalf("read model not ready after the start-up reconcile: %v", err)
	}

	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var out string
	if err := s.Temporal.GetWorkflow(waitCtx, "restart-probe", "").Get(waitCtx, &out); err != nil {
		t.Fatal(err)
	}
	if out != "kontakt: x" {
		t.Fatalf("result %q", out)
	}
}

func waitForTimer(t *testing.T, a *app.App, id string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		iter := a.Temporal.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("timer never started")
}

// TestBannerSaysMailMode: the start banner tells whether mail is sent or
// only written to files.
func TestBannerSaysMailMode(t *testing.T) {
	var b strings.Builder
	shared.Banner(&b)
	if !strings.Contains(b.String(), "mail:        .eml files in") || !strings.Contains(b.String(), "nothing is sent") {
		t.Fatalf("banner does not say the mail mode:\n%s", b.String())
	}
}

// TestSMTPPasswordNeverShown: the SMTP password in SMTP_URL shows neither
// in the start banner (which says TLS is required) nor in a start error.
func TestSMTPPasswordNeverShown(t *testing.T) {
	const secret = "hemmelig-kode-123"
	server := testsmtp.Start(t)
	env := map[string]string{"OPERATOR_TOKEN": "test-operator-token", "PAYLOAD_KEY": shared.Config.PayloadKey,
		"TOKEN_SECRET": shared.Config.TokenSecret, "PSEUDONYM_KEY": shared.Config.PseudonymKey,
		"TEMPORAL_ADDRESS": shared.TemporalAddr(), "REDIS_URL": shared.Config.RedisURL, "MAIL_MODE": "",
		"SMTP_URL": "smtp://helhed:" + secret + "@" + server.Addr, "SMTP_CA_FILE": server.CAFile}
	a, err := teststack.Start(context.Background(), teststack.Options{Name: "app-smtp", NonDev: true, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	a.Banner(&b)
	a.Close()
	if strings.Contains(b.String(), secret) || !strings.Contains(b.String(), "mail:        SMTP to "+server.Addr+" (STARTTLS required)") {
		t.Fatalf("banner shows the password or not the mail server:\n%s", b.String())
	}
	for _, bad := range []string{"smtp://helhed:" + secret + "@", "smtps://helhed:" + secret + "@" + server.Addr} {
		env["SMTP_URL"], env["SMTP_INSECURE_PLAIN"] = bad, "true"
		a, err := teststack.Start(context.Background(), teststack.Options{Name: "app-smtp-bad", NonDev: true, Env: env})
		if err == nil {
			a.Close()
			t.Fatalf("started with SMTP_URL %s", bad)
		}
		if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "SMTP_") {
			t.Errorf("start error %q: want one naming the setting, without the password", err)
		}
	}
}
