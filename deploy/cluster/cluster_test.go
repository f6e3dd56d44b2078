package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/internal/testplan"
	"helhed/plan"
)

// wholeAfterRecovery is how long after a dependency is back the read
// model must show everything Temporal holds (issue 15).
const wholeAfterRecovery = 10 * time.Second

// eventually bounds waits for work that follows an answer (an e-mail
// activity retried after its timeout, a restarted replica's start); it is
// generous because the machine is shared, and no performance check.
const eventually = 3 * time.Minute

// cluster is the running cluster as scripts/cluster up left it.
type cluster struct {
	env    map[string]string
	plan   *plan.Plan
	client *http.Client
}

// figures are the measurements the test prints at the end.
var figures struct {
	sync.Mutex
	lines []string
}

func figure(format string, args ...any) {
	figures.Lock()
	defer figures.Unlock()
	figures.lines = append(figures.lines, fmt.Sprintf(format, args...))
}

func TestCluster(t *testing.T) {
	if os.Getenv("HELHED_CLUSTER") == "" {
		t.Skip("needs the cluster of scripts/cluster; run `scripts/cluster test`")
	}
	c := attach(t)
	t.Cleanup(func() {
		figures.Lock()
		defer figures.Unlock()
		fmt.Println("\n== figures (scripts/cluster test)")
		for _, l := range figures.lines {
			fmt.Println("  " + l)
		}
	})
	t.Run("Topology", c.testTopology)
	t.Run("DashboardQueries", c.testDashboardQueries)
	t.Run("AnswerThroughOtherReplica", c.testAnswerThroughOtherReplica)
	t.Run("AnnualReportServedByOtherReplica", c.testAnnualReportOtherReplica)
	t.Run("KillReplicaDuringArrearsImport", c.testKillReplicaDuringArrearsImport)
	t.Run("StartRates", c.testStartRates)
	t.Run("KillReplicaDuringStarts", c.testKillReplicaDuringStarts)
	// SMTP before Redis and PostgreSQL: their outages fail the mail
	// activity too (its sent-marker is in Redis), firing the alert the
	// SMTP outage must fire.
	t.Run("SMTPOutage", c.testSMTPOutage)
	t.Run("RedisRestart", c.testRedisRestart)
	t.Run("PostgresRestart", c.testPostgresRestart)
}

// attach reads the state scripts/cluster up wrote.
func attach(t *testing.T) *cluster {
	t.Helper()
	dir := os.Getenv("HELHED_CLUSTER_DIR")
	if dir == "" {
		dir = "/tmp/helhed-cluster"
	}
	f, err := os.Open(filepath.Join(dir, "state.env"))
	if err != nil {
		t.Fatalf("no running cluster: %v (run `scripts/cluster up` or `scripts/cluster test`)", err)
	}
	defer f.Close()
	c := &cluster{env: map[string]string{}, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			c.env[k] = v
		}
	}
	if file := c.env["PLAN_FILE"]; file != "" {
		c.plan, err = plan.LoadFile(file)
	} else {
		c.plan, err = plan.ForDate(time.Now())
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cluster) replica(r string) string {
	return "http://127.0.0.1:" + c.env["HTTP_"+strings.ToUpper(r)]
}

// script runs scripts/cluster with args (start/stop/kill NAME).
func (c *cluster) script(t *testing.T, args ...string) {
	t.Helper()
	path := os.Getenv("HELHED_CLUSTER_SCRIPT")
	if path == "" {
		path = "../../scripts/cluster"
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "HELHED_CLUSTER_DIR="+c.env["STATE_DIR"])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/cluster %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// call sends a request to base (with the operator token on /api/ paths)
// and returns the status, body and the Location header.
func (c *cluster) call(base, method, path, contentType string, body io.Reader, timeout time.Duration) (int, string, error) {
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return 0, "", err
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.env["OPERATOR_TOKEN"])
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	hc := *c.client
	hc.Timeout = timeout
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc, err
	}
	return resp.StatusCode, string(b), err
}

func (c *cluster) getJSON(base, path string, v any) error {
	code, body, err := c.call(base, http.MethodGet, path, "", nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("GET %s%s: %w", base, path, err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s%s: %d %s", base, path, code, strings.TrimSpace(body))
	}
	return json.Unmarshal([]byte(body), v)
}

// health is /healthz's status ("" when it does not answer).
func (c *cluster) health(base string) string {
	_, body, err := c.call(base, http.MethodGet, "/healthz", "", nil, 5*time.Second)
	if err != nil {
		return ""
	}
	var h struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal([]byte(body), &h)
	return h.Status
}

// waitHealthy polls /healthz until "ok" and returns when.
func (c *cluster) waitHealthy(t *testing.T, base string) time.Time {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for c.health(base) != "ok" {
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz not ok within %s (last: %q)", base, eventually, c.health(base))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Now()
}

// pollUntil calls cond until it returns nil or deadline passes, and
// returns its last error.
func pollUntil(deadline time.Time, cond func() error) error {
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dataRequest is one request the test starts.
type dataRequest struct{ ID, Partner, Title string }

func (c *cluster) requests(prefix string, n int) []dataRequest {
	var partners []string
	for _, p := range c.plan.Partners {
		if p.Email != "" {
			partners = append(partners, p.ID)
		}
	}
	out := make([]dataRequest, n)
	for i := range out {
		out[i] = dataRequest{ID: fmt.Sprintf("%s-%03d", prefix, i), Partner: partners[i%len(partners)],
			Title: fmt.Sprintf("Klyngetest %s %03d (syntetisk)", prefix, i)}
	}
	return out
}

func (r dataRequest) startBody() string {
	b, _ := json.Marshal(map[string]any{"kind": "data-request", "input": map[string]any{
		"requestId": r.ID, "partner": r.Partner, "title": r.Title,
		"instructions": "Syntetisk opgave fra klyngetesten; svar ikke.", "due": testplan.Today().AddDays(30).String(),
		"fields": []map[string]any{{"key": "antal", "label": "Antal", "type": "integer", "required": true}},
		"origin": "test",
	}})
	return string(b)
}

// start POSTs the request to base and reports whether it was confirmed.
func (c *cluster) start(base string, r dataRequest) (bool, error) {
	code, body, err := c.call(base, http.MethodPost, "/api/v1/runs", "application/json", strings.NewReader(r.startBody()), 60*time.Second)
	if err != nil {
		return false, err
	}
	if code != http.StatusCreated {
		return false, fmt.Errorf("%s: %d %s", r.ID, code, strings.TrimSpace(body))
	}
	return true, nil
}

type task struct {
	RequestID string `json:"requestId"`
	Status    string `json:"status"`
}

func (c *cluster) tasks(base string) (map[string]task, error) {
	var list struct {
		Tasks []task `json:"tasks"`
	}
	if err := c.getJSON(base, "/api/v1/tasks", &list); err != nil {
		return nil, err
	}
	out := map[string]task{}
	for _, tk := range list.Tasks {
		out[tk.RequestID] = tk
	}
	return out, nil
}

// waitTasks waits until base lists every request in want, and says how
// long that took from since.
func (c *cluster) waitTasks(base string, want []dataRequest, deadline time.Time) error {
	return pollUntil(deadline, func() error {
		got, err := c.tasks(base)
		if err != nil {
			return err
		}
		var missing []string
		for _, r := range want {
			if _, ok := got[r.ID]; !ok {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%d of %d requests not in %s/api/v1/tasks; first: %s", len(missing), len(want), base, strings.Join(missing[:min(5, len(missing))], ", "))
		}
		return nil
	})
}

// message is one e-mail Mailpit holds.
type message struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

// mails is every message Mailpit received.
func (c *cluster) mails() ([]message, error) {
	var all []message
	for start := 0; ; {
		var page struct {
			Total    int       `json:"total"`
			Messages []message `json:"messages"`
		}
		if err := c.getJSON("http://127.0.0.1:"+c.env["MAILPIT_HTTP"], fmt.Sprintf("/api/v1/messages?start=%d&limit=1000", start), &page); err != nil {
			return nil, err
		}
		all = append(all, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return all, nil
		}
	}
}

var ruleLine = regexp.MustCompile(`(?m)^\s*- (alert|record):`)

var invitationSubject = regexp.MustCompile(`^Dataanmodning: (.*) – frist `)

// invitations counts the data-request invitations per request title and
// recipient.
func (c *cluster) invitations() (map[string]map[string]int, error) {
	ms, err := c.mails()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int{}
	for _, m := range ms {
		sub := invitationSubject.FindStringSubmatch(m.Subject)
		if sub == nil {
			continue
		}
		if out[sub[1]] == nil {
			out[sub[1]] = map[string]int{}
		}
		for _, to := range m.To {
			out[sub[1]][to.Address]++
		}
	}
	return out, nil
}

// checkMail waits for an invitation for every confirmed request and
// fails on any request whose invitation went out more than once.
func (c *cluster) checkMail(t *testing.T, all, confirmed []dataRequest) {
	t.Helper()
	var inv map[string]map[string]int
	err := pollUntil(time.Now().Add(eventually), func() error {
		var err error
		if inv, err = c.invitations(); err != nil {
			return err
		}
		var missing []string
		for _, r := range confirmed {
			if len(inv[r.Title]) == 0 {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%d of %d confirmed requests have no invitation in Mailpit; first: %s", len(missing), len(confirmed), strings.Join(missing[:min(5, len(missing))], ", "))
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	var twice []string
	sent := 0
	for _, r := range all {
		for to, n := range inv[r.Title] {
			sent += n
			if n > 1 {
				twice = append(twice, fmt.Sprintf("%s to %s %d times", r.ID, to, n))
			}
		}
		if len(inv[r.Title]) > 1 {
			twice = append(twice, fmt.Sprintf("%s to %d recipients", r.ID, len(inv[r.Title])))
		}
	}
	sort.Strings(twice)
	if len(twice) > 0 {
		t.Errorf("%d invitations went out more than once: %s", len(twice), strings.Join(twice[:min(5, len(twice))], "; "))
	}
	t.Logf("%d invitations in Mailpit for %d confirmed and %d unconfirmed starts, none twice: %v", sent, len(confirmed), len(all)-len(confirmed), len(twice) == 0)
}

// testTopology checks Prometheus scrapes both replicas and Temporal and
// has the shipped rules loaded.
func (c *cluster) testTopology(t *testing.T) {
	prom := "http://127.0.0.1:" + c.env["PROM_PORT"]
	want := map[string]bool{
		"127.0.0.1:" + c.env["METRICS_A"]: false, "127.0.0.1:" + c.env["METRICS_B"]: false, "127.0.0.1:" + c.env["T_METRICS"]: false,
	}
	err := pollUntil(time.Now().Add(time.Minute), func() error {
		var targets struct {
			Data struct {
				ActiveTargets []struct {
					ScrapeURL string `json:"scrapeUrl"`
					Health    string `json:"health"`
				} `json:"activeTargets"`
			} `json:"data"`
		}
		if err := c.getJSON(prom, "/api/v1/targets", &targets); err != nil {
			return err
		}
		var down []string
		for _, tg := range targets.Data.ActiveTargets {
			u, _ := url.Parse(tg.ScrapeURL)
			if _, ok := want[u.Host]; ok {
				want[u.Host] = tg.Health == "up"
			}
		}
		for host, up := range want {
			if !up {
				down = append(down, host)
			}
		}
		if len(down) > 0 {
			return fmt.Errorf("Prometheus targets not up: %v", down)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	var rules struct {
		Data struct {
			Groups []struct {
				File  string `json:"file"`
				Rules []any  `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := c.getJSON(prom, "/api/v1/rules", &rules); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range rules.Data.Groups {
		n += len(g.Rules)
	}
	// The rules Prometheus runs are the shipped ones (with PROM_RULE_FOR,
	// generated from them): as many as deploy/prometheus/rules holds.
	shipped := 0
	files, _ := filepath.Glob("../prometheus/rules/*.yml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		shipped += len(ruleLine.FindAll(b, -1))
	}
	if n == 0 || n != shipped {
		t.Errorf("Prometheus has %d rules loaded, deploy/prometheus/rules holds %d", n, shipped)
	}
	var ams struct {
		Data struct {
			Active []struct {
				URL string `json:"url"`
			} `json:"activeAlertmanagers"`
		} `json:"data"`
	}
	err = pollUntil(time.Now().Add(time.Minute), func() error {
		if err := c.getJSON(prom, "/api/v1/alertmanagers", &ams); err != nil {
			return err
		}
		for _, am := range ams.Data.Active {
			if u, _ := url.Parse(am.URL); u != nil && u.Host == "127.0.0.1:"+c.env["AM_PORT"] {
				return nil
			}
		}
		return fmt.Errorf("Prometheus sends alerts to %+v, not the cluster's Alertmanager", ams.Data.Active)
	})
	if err != nil {
		t.Error(err)
	}
	t.Logf("Prometheus scrapes both replicas and Temporal and alerts Alertmanager; %d rules in %d groups loaded", n, len(rules.Data.Groups))
}

// testAnswerThroughOtherReplica starts a data request through replica A,
// has the partner open the form from A's e-mail link and send the answer
// to replica B, and reads the receipt and the answered task back through
// the replica that did not take it.
func (c *cluster) testAnswerThroughOtherReplica(t *testing.T) {
	a, b := c.replica("a"), c.replica("b")
	r := c.requests("svar", 1)[0]
	if _, err := c.start(a, r); err != nil {
		t.Fatal(err)
	}
	if err := c.waitTasks(b, []dataRequest{r}, time.Now().Add(eventually)); err != nil {
		t.Fatal(err)
	}
	code, body, err := c.call(b, http.MethodPost, "/api/v1/partners/"+r.Partner+"/token", "application/json", nil, 10*time.Second)
	if err != nil || code != http.StatusOK {
		t.Fatalf("POST /api/v1/partners/%s/token on B: %d %v %s", r.Partner, code, err, body)
	}
	var tok struct {
		Link string `json:"link"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		t.Fatal(err)
	}
	link, err := url.Parse(tok.Link)
	if err != nil {
		t.Fatal(err)
	}
	taskPath := link.EscapedPath() + "/opgave/" + url.PathEscape(r.ID)
	code, page, err := c.call(a, http.MethodGet, taskPath, "", nil, 10*time.Second)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET %s on A: %d %v", taskPath, code, err)
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the task page on A has no form token")
	}
	form := url.Values{"csrf": {m[1]}, "antal": {"42"}}
	code, loc, err := c.call(b, http.MethodPost, taskPath, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), 30*time.Second)
	if err != nil || code != http.StatusSeeOther {
		t.Fatalf("POST the answer to B: %d %v %s", code, err, loc[:min(300, len(loc))])
	}
	u, _ := url.Parse(loc)
	code, receipt, err := c.call(a, http.MethodGet, u.RequestURI(), "", nil, 10*time.Second)
	if err != nil || code != http.StatusOK || !strings.Contains(receipt, "42") {
		t.Errorf("the receipt %s through A: %d %v (want 200 showing the answer)", u.RequestURI(), code, err)
	}
	err = pollUntil(time.Now().Add(wholeAfterRecovery), func() error {
		got, err := c.tasks(a)
		if err != nil {
			return err
		}
		if got[r.ID].Status != "answered" {
			return fmt.Errorf("task %s on A is %q, want answered", r.ID, got[r.ID].Status)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// testStartRates compares how fast the cluster confirms helhed's data
// requests (POST /api/v1/runs, through both replicas) with a trivial
// one-activity workflow started and completed through the SDK.
func (c *cluster) testStartRates(t *testing.T) {
	const n, inFlight = 200, 32
	reqs := c.requests("takt", n)
	var failed atomic.Int32
	began := time.Now()
	var wg sync.WaitGroup
	slots := make(chan struct{}, inFlight)
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if _, err := c.start(c.replica([]string{"a", "b"}[i%2]), r); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		}()
	}
	wg.Wait()
	helhed := time.Since(began)
	if failed.Load() > 0 {
		t.Errorf("%d of %d data-request starts failed", failed.Load(), n)
	}
	if err := c.waitTasks(c.replica("a"), reqs, time.Now().Add(eventually)); err != nil {
		t.Error(err)
	}
	listed := time.Since(began)

	tc := c.temporal(t)
	const queue = "cluster-trivial"
	w := worker.New(tc, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(trivialWorkflow, workflow.RegisterOptions{Name: "ClusterTrivial"})
	w.RegisterActivityWithOptions(trivialActivity, activity.RegisterOptions{Name: "ClusterTrivialActivity"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), eventually)
	defer cancel()
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	began = time.Now()
	var startedAll time.Duration
	var started atomic.Int32
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("cluster-trivial-%s-%d", run, i), TaskQueue: queue}, "ClusterTrivial")
			if err == nil {
				if started.Add(1) == n {
					startedAll = time.Since(began)
				}
				err = run.Get(ctx, nil)
			}
			errs <- err
		}()
	}
	wg.Wait()
	trivial := time.Since(began)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("trivial workflow: %v", err)
		}
	}
	figure("helhed data requests: %d confirmed (201) through both replicas in %s = %.0f/s (%d in flight); all listed in the read model after %s",
		n, helhed.Round(time.Millisecond), float64(n)/helhed.Seconds(), inFlight, listed.Round(time.Millisecond))
	figure("trivial one-activity workflow (SDK, same cluster): %d started in %s = %.0f/s, completed in %s = %.0f/s",
		n, startedAll.Round(time.Millisecond), float64(n)/startedAll.Seconds(), trivial.Round(time.Millisecond), float64(n)/trivial.Seconds())
}

// quietLogger is the SDK's logger for the test's clients: warnings up.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func trivialWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	return workflow.ExecuteActivity(ctx, "ClusterTrivialActivity").Get(ctx, nil)
}

func trivialActivity(context.Context) error { return nil }

// testKillReplicaDuringStarts starts 200 data requests through both
// replicas and kills replica A (SIGKILL) once half are confirmed. Every
// confirmed start must become a task and get exactly one invitation.
// A stays down until HelhedWorkerDown fires and Alertmanager has mailed
// the operators; after its restart the alert must resolve. The figures
// are those times and how long A took to be healthy and its read model to
// list every confirmed request.
func (c *cluster) testKillReplicaDuringStarts(t *testing.T) {
	const n = 200
	reqs := c.requests("nedbrud", n)
	confirmed := make([]bool, n)
	var confirmedSoFar atomic.Int32
	halfway, allAnswered := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	slots := make(chan struct{}, 16)
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			ok, _ := c.start(c.replica([]string{"a", "b"}[i%2]), r)
			confirmed[i] = ok
			if ok && confirmedSoFar.Add(1) >= n/2 {
				once.Do(func() { close(halfway) })
			}
		}()
	}
	go func() { wg.Wait(); close(allAnswered) }()
	select {
	case <-halfway:
	case <-allAnswered:
	}
	c.script(t, "kill", "worker-a")
	killed := time.Now()
	<-allAnswered
	var ok []dataRequest
	for i, r := range reqs {
		if confirmed[i] {
			ok = append(ok, r)
		}
	}
	if len(ok) == n {
		t.Fatalf("all %d starts confirmed: the kill did not land during the starts", n)
	}
	t.Logf("killed replica A with %d of %d starts confirmed", len(ok), n)

	// B keeps serving while A is down.
	if err := c.waitTasks(c.replica("b"), ok, time.Now().Add(eventually)); err != nil {
		t.Errorf("with A down: %v", err)
	}
	instanceA := map[string]string{"instance": c.metricsInstance("a")}
	fired := c.waitAlert(t, "HelhedWorkerDown", instanceA, true)
	mailed := c.waitAlertMail(t, "HelhedWorkerDown")
	restarted := time.Now()
	c.script(t, "start", "worker-a")
	healthy := c.waitHealthy(t, c.replica("a"))
	if err := c.waitTasks(c.replica("a"), ok, healthy.Add(wholeAfterRecovery)); err != nil {
		t.Errorf("A after restart: %v (want all within %s of healthy)", err, wholeAfterRecovery)
	}
	whole := time.Now()
	resolved := c.waitAlert(t, "HelhedWorkerDown", instanceA, false)
	c.checkMail(t, reqs, ok)
	figure("kill -9 of replica A during %d starts: %d confirmed, 0 lost, 0 duplicate invitations; HelhedWorkerDown fired %s after the kill, Alertmanager's mail to %s in Mailpit %s after that; A restarted then, healthy %s after its restart, its read model whole %s after healthy; the alert resolved %s after the restart",
		n, len(ok), fired.Sub(killed).Round(time.Millisecond), operators, mailed.Sub(fired).Round(time.Millisecond), healthy.Sub(restarted).Round(time.Millisecond),
		whole.Sub(healthy).Round(time.Millisecond), resolved.Sub(restarted).Round(time.Millisecond))
}

// testRedisRestart kills Redis (SIGKILL; the AOF is what survives) with
// starts in flight, checks /healthz says so, keeps it down until
// HelhedReadModelDown fires, starts it again and expects both replicas'
// read models whole within 10 s of Redis being back and the alert
// resolved.
func (c *cluster) testRedisRestart(t *testing.T) {
	reqs := c.requests("redis", 20)
	var ok []dataRequest
	for _, r := range reqs[:10] {
		if confirmed, err := c.start(c.replica("b"), r); confirmed {
			ok = append(ok, r)
		} else {
			t.Error(err)
		}
	}
	c.script(t, "kill", "redis")
	down := time.Now()
	var whileDown []string
	for _, r := range []string{"a", "b"} {
		if s := c.health(c.replica(r)); s == "ok" {
			t.Errorf("replica %s /healthz says ok with Redis down", r)
		} else {
			whileDown = append(whileDown, fmt.Sprintf("%s: %q", r, s))
		}
	}
	// Starts go to Temporal, not Redis: they are confirmed while Redis is
	// down, and must be listed once it is back.
	confirmed := make([]bool, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs[10:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			confirmed[10+i], _ = c.start(c.replica("a"), r)
		}()
	}
	wg.Wait()
	for i, r := range reqs[10:] {
		if confirmed[10+i] {
			ok = append(ok, r)
		}
	}
	t.Logf("with Redis down: %d of 10 starts confirmed", len(ok)-10)
	fired := c.waitAlert(t, "HelhedReadModelDown", nil, true)
	c.script(t, "start", "redis")
	back := time.Now()
	var wholeAt [2]time.Duration
	for i, r := range []string{"a", "b"} {
		if err := c.waitTasks(c.replica(r), ok, back.Add(wholeAfterRecovery)); err != nil {
			t.Errorf("replica %s %s after Redis is back: %v (want all within %s)", r, time.Since(back).Round(time.Millisecond), err, wholeAfterRecovery)
		}
		wholeAt[i] = time.Since(back)
	}
	healthyA := c.waitHealthy(t, c.replica("a"))
	resolved := c.waitAlert(t, "HelhedReadModelDown", nil, false)
	c.checkMail(t, reqs, ok)
	figure("Redis kill -9 and restart (%s down; /healthz while down: %s; HelhedReadModelDown fired %s after the kill): %d confirmed requests listed by A %s and B %s after Redis was back; A healthy %s after; the alert resolved %s after",
		back.Sub(down).Round(time.Millisecond), strings.Join(whileDown, ", "), fired.Sub(down).Round(time.Millisecond), len(ok),
		wholeAt[0].Round(time.Millisecond), wholeAt[1].Round(time.Millisecond), healthyA.Sub(back).Round(time.Millisecond),
		resolved.Sub(back).Round(time.Millisecond))
}

// testDashboardQueries runs every panel query of the Grafana dashboards
// (the directory docker-compose.yml mounts into Grafana) on the cluster's
// Prometheus: each must be valid PromQL over what the cluster exports.
// Grafana itself does not run here.
func (c *cluster) testDashboardQueries(t *testing.T) {
	dir := os.Getenv("HELHED_CLUSTER_DASHBOARDS")
	if dir == "" {
		dir = "../../dashboards"
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s: %v", dir, err)
	}
	vars := strings.NewReplacer("$__rate_interval", "1m", "$__interval", "1m", "$__range", "1h", "$__all", ".*",
		"$area", ".*", "$year", ".*", "$partner", ".*")
	prom := "http://127.0.0.1:" + c.env["PROM_PORT"]
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				if strings.TrimSpace(tg.Expr) == "" {
					continue
				}
				n++
				var res struct {
					Status string `json:"status"`
					Error  string `json:"error"`
				}
				code, body, err := c.call(prom, http.MethodGet, "/api/v1/query?query="+url.QueryEscape(vars.Replace(tg.Expr)), "", nil, 30*time.Second)
				if err == nil {
					err = json.Unmarshal([]byte(body), &res)
				}
				if err != nil || code != http.StatusOK || res.Status != "success" {
					t.Errorf("%s panel %q: %s: %d %v %s", filepath.Base(f), p.Title, tg.Expr, code, err, res.Error)
				}
			}
		}
	}
	t.Logf("%d dashboard queries of %d dashboards run on Prometheus", n, len(files))
}
