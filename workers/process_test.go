package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"helhed/freeport"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"helhed/internal/testplan"
	"helhed/plan"
)

// The tests and benchmarks of this package run the built `workers -dev`
// binary as an operator does: its own DATA_DIR, free loopback ports, the
// plan derived around today as PLAN_FILE.

// built is the binary, built once per test run (workersBinary).
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// workersBinary builds this command once and returns the binary's path.
func workersBinary(tb testing.TB) string {
	tb.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "helhed-workers-bin"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "workers")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./workers: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		tb.Fatal(built.err)
	}
	return built.path
}

func freeAddr(tb testing.TB) string {
	tb.Helper()
	addr, err := freeport.Addr()
	if err != nil {
		tb.Fatal(err)
	}
	return addr
}

// operatorToken is the OPERATOR_TOKEN every process here runs with.
const operatorToken = "workers-test-operator-token-0123456789"

// devProcess is `workers -dev` on one DATA_DIR. It can be started again
// after a kill or a stop on the same DATA_DIR, plan and HTTP address, so
// the links in e-mails written before still point at it.
type devProcess struct {
	tb       testing.TB
	plan     *plan.Plan
	dataDir  string
	httpAddr string
	env      []string
	logPath  string
	cmd      *exec.Cmd
	started  time.Time
	exited   chan struct{} // closed when the process has exited
	exitErr  error         // cmd.Wait's answer, once exited is closed
	client   *http.Client
}

// newDevProcess prepares (does not start) a process on dataDir; the test's
// cleanup kills it if it still runs and, when the test failed, shows what
// it logged about the read model, and its warnings and errors.
func newDevProcess(tb testing.TB, dataDir string) *devProcess {
	tb.Helper()
	p := &devProcess{tb: tb, dataDir: dataDir, httpAddr: freeAddr(tb)}
	var planFile string
	p.plan, planFile = testplan.AroundToday(tb)
	p.logPath = filepath.Join(tb.TempDir(), "workers.log")
	// exec.Cmd keeps the last of duplicate keys: these override the
	// caller's environment.
	p.env = append(os.Environ(),
		"DATA_DIR="+dataDir, "PLAN_FILE="+planFile, "HTTP_ADDR="+p.httpAddr, "PUBLIC_URL=http://"+p.httpAddr,
		"METRICS_ADDR="+freeAddr(tb), "TEMPORAL_ADDRESS=127.0.0.1:0", "TEMPORAL_UI_ADDR=",
		"REDIS_URL=", "SMTP_URL=", "MAIL_MODE=", "OPERATOR_TOKEN="+operatorToken)
	tb.Cleanup(func() {
		if p.running() {
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if tb.Failed() {
			tb.Logf("the process's log, read model, warnings and errors:\n%s", p.logExcerpt(60))
		}
	})
	return p
}

func (p *devProcess) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// start execs the binary and returns at once; its output goes to the log.
func (p *devProcess) start() {
	p.tb.Helper()
	if p.running() {
		p.tb.Fatal("start: the process is still running")
	}
	logFile, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.tb.Fatal(err)
	}
	fmt.Fprintf(logFile, "=== start %s\n", time.Now().Format(time.RFC3339Nano))
	p.cmd = exec.Command(workersBinary(p.tb), "-dev")
	p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = p.env, logFile, logFile
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		p.tb.Fatal(err)
	}
	p.started = time.Now()
	p.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		p.exitErr = cmd.Wait()
		logFile.Close()
		close(exited)
	}(p.cmd, p.exited)
	// A client per process: no connection to the previous one is reused.
	p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

// kill is kill -9. Through os.Process (a pidfd on Linux), never by pid
// number: the process may have exited and been reaped, and its pid reused
// by another test binary running in parallel.
func (p *devProcess) kill() {
	p.tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.tb.Fatalf("kill -9: %v (exited: %v)", err, p.exitErr)
	}
	<-p.exited
}

// stop is a clean stop (SIGTERM), as a service manager sends it.
func (p *devProcess) stop() {
	p.tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.tb.Fatal(err)
	}
	sent := time.Now()
	select {
	case <-p.exited:
		if p.exitErr != nil {
			p.tb.Errorf("the process exited with %v after SIGTERM", p.exitErr)
		}
		p.tb.Logf("stopped %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
	case <-time.After(60 * time.Second):
		p.kill()
		p.tb.Fatal("the process did not stop within 60 s of SIGTERM")
	}
}

// health is /healthz's answer.
type health struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// waitHealthy polls /healthz until it answers 200 and, with whole, status
// "ok" (not "degraded": the read model is rebuilt), and returns when. It
// reports false, with an error on the test, when that does not happen
// within limit.
func (p *devProcess) waitHealthy(whole bool, limit time.Duration) (time.Time, bool) {
	p.tb.Helper()
	deadline := time.Now().Add(limit)
	last := "no answer"
	for {
		if !p.running() {
			p.tb.Fatalf("the process exited before it was healthy (last /healthz: %s)", last)
		}
		code, body, err := p.call(http.MethodGet, "/healthz", "", nil, 3*time.Second)
		if err == nil {
			last = fmt.Sprintf("%d %s", code, strings.TrimSpace(body))
			var h health
			if code == http.StatusOK && json.Unmarshal([]byte(body), &h) == nil && (!whole || h.Status == "ok") {
				p.tb.Logf("/healthz %s %s after exec", h.Status, time.Since(p.started).Round(time.Millisecond))
				return time.Now(), true
			}
		}
		if time.Now().After(deadline) {
			p.tb.Errorf("/healthz not 200 %q within %s of the start: last answer %s", map[bool]string{true: "ok", false: "any"}[whole], limit, last)
			return time.Now(), false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// call sends an HTTP request to the process (with the operator token when
// contentType or the path needs it) and returns the status and body.
func (p *devProcess) call(method, path, contentType string, body io.Reader, timeout time.Duration) (int, string, error) {
	req, err := http.NewRequest(method, "http://"+p.httpAddr+path, body)
	if err != nil {
		return 0, "", err
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+operatorToken)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	c := *p.client
	c.Timeout = timeout
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// getJSON GETs an operator API path and decodes the 200 answer into v.
func (p *devProcess) getJSON(path string, v any) error {
	code, body, err := p.call(http.MethodGet, path, "", nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, code, strings.TrimSpace(body))
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Errorf("GET %s: decode: %w", path, err)
	}
	return nil
}

// logExcerpt is the process's start markers, read-model lines, warnings
// and errors (the last n of them).
func (p *devProcess) logExcerpt(n int) string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines, last []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "=== ") {
			last = last[:0]
		}
		last = append(last, l)
		if strings.HasPrefix(l, "=== ") || strings.Contains(l, "read model") || strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") || strings.HasPrefix(l, "helhed:") {
			lines = append(lines, l)
		}
	}
	// A start that died without a log line (a panic, a fatal error) shows
	// its last output.
	if p.cmd != nil && !p.running() && p.exitErr != nil {
		lines = append(lines, fmt.Sprintf("=== the last start exited: %v; its last output:", p.exitErr))
		lines = append(lines, last[max(0, len(last)-40):]...)
	}
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… %d lines before", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// pollUntil calls cond until it returns nil or deadline passes, and
// returns its last error. teststack.Eventually does not fit here: its limit
// is a fixed 90 s and it stops the test, where these tests measure from
// /healthz and report every shortfall.
func pollUntil(deadline time.Time, cond func() error) error {
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}
