package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"helhed/internal/testplan"
	"helhed/workflows/report"
)

// alertWait bounds how long an alert may take to fire or resolve: a
// scrape, the generated rules' shortened `for:` and an evaluation, on a
// shared machine.
const alertWait = 2 * time.Minute

// alert is one alert of Prometheus's /api/v1/alerts.
type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

func (c *cluster) alerts() ([]alert, error) {
	var res struct {
		Data struct {
			Alerts []alert `json:"alerts"`
		} `json:"data"`
	}
	err := c.getJSON("http://127.0.0.1:"+c.env["PROM_PORT"], "/api/v1/alerts", &res)
	return res.Data.Alerts, err
}

// firing is whether the alert name is firing with labels including match.
func (c *cluster) firing(name string, match map[string]string) (bool, error) {
	all, err := c.alerts()
	if err != nil {
		return false, err
	}
	for _, a := range all {
		if a.Labels["alertname"] != name || a.State != "firing" {
			continue
		}
		ok := true
		for k, v := range match {
			ok = ok && a.Labels[k] == v
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// waitAlert polls Prometheus until the alert is firing (want true) or is
// no longer firing (want false), and returns when that was seen.
func (c *cluster) waitAlert(t *testing.T, name string, match map[string]string, want bool) time.Time {
	t.Helper()
	err := pollUntil(time.Now().Add(alertWait), func() error {
		got, err := c.firing(name, match)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("alert %s %v firing: %v, want %v", name, match, got, want)
		}
		return nil
	})
	if err != nil {
		t.Errorf("%v (within %s)", err, alertWait)
	}
	return time.Now()
}

// firingNames are the names of the alerts firing now but not in before
// (nil: all), sorted, the heartbeat left out.
func (c *cluster) firingNames(before []string) []string {
	all, err := c.alerts()
	if err != nil {
		return []string{"(" + err.Error() + ")"}
	}
	var names []string
	for _, a := range all {
		n := a.Labels["alertname"]
		if a.State == "firing" && n != "HelhedWatchdog" && !slices.Contains(before, n) && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// temporal is an SDK client on the cluster's frontend.
func (c *cluster) temporal(t *testing.T) client.Client {
	t.Helper()
	tc, err := client.Dial(client.Options{HostPort: "127.0.0.1:" + c.env["T_FRONTEND"], Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	return tc
}

// replicaOfIdentity names the replica ("a" or "b") whose worker has the
// SDK identity id (pid@host@, the SDK's default), "" when neither.
func (c *cluster) replicaOfIdentity(id string) string {
	pid, _, _ := strings.Cut(id, "@")
	for _, r := range []string{"a", "b"} {
		b, err := os.ReadFile(filepath.Join(c.env["STATE_DIR"], "pid", "worker-"+r))
		if err == nil && strings.TrimSpace(string(b)) == pid {
			return r
		}
	}
	return ""
}

// testAnnualReportOtherReplica starts the annual report, finds in the
// run's history which replica's worker rendered it, and downloads the
// HTML and the PDF through the other replica. The replicas have DATA_DIRs
// of their own; the documents are in the PostgreSQL document store
// (DOCUMENT_STORE), so nothing of the report may be under either DATA_DIR.
func (c *cluster) testAnnualReportOtherReplica(t *testing.T) {
	today := testplan.Today()
	var year string
	for _, y := range c.plan.PlanYears() {
		if y.Period.End.Before(today) || year == "" {
			year = y.Label
		}
	}
	body, _ := json.Marshal(map[string]any{"kind": report.Kind, "input": report.Input{PlanYear: year}})
	code, resp, err := c.call(c.replica("a"), http.MethodPost, "/api/v1/runs", "application/json", bytes.NewReader(body), 60*time.Second)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("start the annual report %s through A: %d %v %s", year, code, err, resp)
	}
	began := time.Now()
	var pdfLink string
	err = pollUntil(time.Now().Add(eventually), func() error {
		var list struct {
			Reports []struct {
				PlanYear string `json:"planYear"`
				Versions []struct {
					PDF string `json:"pdf"`
				} `json:"versions"`
			} `json:"reports"`
		}
		if err := c.getJSON(c.replica("b"), "/api/v1/reports", &list); err != nil {
			return err
		}
		for _, l := range list.Reports {
			for _, v := range l.Versions {
				if l.PlanYear == year && v.PDF != "" {
					pdfLink = v.PDF
					return nil
				}
			}
		}
		return fmt.Errorf("B lists no PDF of the annual report %s", year)
	})
	if err != nil {
		t.Fatal(err)
	}
	rendered := time.Since(began)

	// The Render activity's started event names the worker that ran it.
	tc := c.temporal(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	renderEvent := int64(0)
	renderer := ""
	it := tc.GetWorkflowHistory(ctx, report.WorkflowID(report.Input{PlanYear: year}), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "Render" {
			renderEvent = e.GetEventId()
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil && a.GetScheduledEventId() == renderEvent {
			renderer = c.replicaOfIdentity(a.GetIdentity())
			if renderer == "" {
				t.Fatalf("the report was rendered by worker %q, neither replica's pid", a.GetIdentity())
			}
		}
	}
	if renderer == "" {
		t.Fatal("no completed Render activity in the report's history")
	}
	other := map[string]string{"a": "b", "b": "a"}[renderer]

	var sums []string
	for _, link := range []string{pdfLink, strings.TrimSuffix(pdfLink, ".pdf") + ".html"} {
		code, doc, err := c.call(c.replica(other), http.MethodGet, link, "", nil, 30*time.Second)
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET %s through replica %s (rendered by %s): %d %v %s", link, other, renderer, code, err, doc[:min(300, len(doc))])
		}
		if strings.HasSuffix(link, ".pdf") && !strings.HasPrefix(doc, "%PDF-") {
			t.Errorf("GET %s through replica %s: not a PDF", link, other)
		}
		sums = append(sums, fmt.Sprintf("%s %d bytes", filepath.Ext(link), len(doc)))
	}
	for _, r := range []string{"a", "b"} {
		for _, sub := range []string{"reports", "meetings", "absence"} {
			if _, err := os.Stat(filepath.Join(c.env["STATE_DIR"], "data-"+r, sub)); err == nil {
				t.Errorf("replica %s keeps %s/ under its DATA_DIR: documents must go to DOCUMENT_STORE", r, sub)
			}
		}
	}
	figure("annual report %s: rendered by replica %s (HTML+PDF, Chromium) and listed by B %s after the start; served by replica %s from the document store (%s)",
		year, strings.ToUpper(renderer), rendered.Round(time.Millisecond), strings.ToUpper(other), strings.Join(sums, ", "))
}

// arrearsList is a synthetic list of n lines (tenancies prefix-00000…).
func (c *cluster) arrearsList(prefix string, n int) string {
	listDate := testplan.Today()
	deps := c.plan.Departments
	var sb strings.Builder
	sb.WriteString("lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\r\n")
	for i := range n {
		d := deps[i%len(deps)]
		fmt.Fprintf(&sb, "%s-%05d;%s;%s;Syntetisk Lejer %d;Prøvevej %d, 9999 Testby;%08d;%d.%03d,%02d;%s;%d\r\n",
			prefix, i, d.Organisation, d.Number, i, i%200+1, 20000000+i, 1+i%30, i%1000, i%100, listDate.AddDays(-14).String(), i%4)
	}
	return sb.String()
}

// caseView is what the test reads of a listed case.
type caseView struct {
	WorkflowID string `json:"workflowId"`
	Lists      int    `json:"lists"`
}

func (c *cluster) cases(base string) ([]caseView, error) {
	var list struct {
		Cases []caseView `json:"cases"`
	}
	err := c.getJSON(base, "/api/v1/cases", &list)
	return list.Cases, err
}

// wholeCases checks base lists exactly n cases, each with the list once.
func (c *cluster) wholeCases(base string, n int) error {
	cs, err := c.cases(base)
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	twice := 0
	for _, v := range cs {
		ids[v.WorkflowID] = true
		if v.Lists != 1 {
			twice++
		}
	}
	if len(ids) != n || len(cs) != n {
		return fmt.Errorf("%s lists %d cases (%d distinct), want %d", base, len(cs), len(ids), n)
	}
	if twice > 0 {
		return fmt.Errorf("%s: %d cases have the list more than once", base, twice)
	}
	return nil
}

// importResult is what the test reads of POST /api/v1/arrears's answer.
type importResult struct {
	Lines     int `json:"lines"`
	Accepted  int `json:"accepted"`
	Delivered []struct {
		Outcome string `json:"outcome"`
	} `json:"delivered"`
	Rejected []any `json:"rejected"`
}

// testKillReplicaDuringArrearsImport posts a 1,000-line arrears list to
// replica A and kills A (SIGKILL) once B lists a tenth of the cases. The
// POST breaks; the operator's recovery is the documented one: send the
// same file again, here to B (lines delivered before the kill are
// recognised by the list's id). Every line's case must then be listed by
// both replicas, once each, within 10 s of the re-import's answer and A
// being healthy again.
func (c *cluster) testKillReplicaDuringArrearsImport(t *testing.T) {
	const lines = 1000
	path := "/api/v1/arrears?listDate=" + testplan.Today().String()
	// The kill must land while A imports: it comes once B lists a tenth of
	// the cases; on a quiet machine an import can finish first, and then
	// the attempt is repeated with a new list, killing at the first case.
	var (
		list           string
		began, killed  time.Time
		listed, before int // cases listed at the kill; cases of earlier attempts
	)
	for attempt, threshold := 1, lines/10; ; attempt, threshold = attempt+1, 1 {
		list = c.arrearsList(fmt.Sprintf("BRUD%d", attempt), lines)
		began = time.Now()
		posted := make(chan error, 1)
		go func() {
			code, body, err := c.call(c.replica("a"), http.MethodPost, path, "text/csv; charset=utf-8", strings.NewReader(list), 10*time.Minute)
			if err == nil && code == http.StatusAccepted {
				posted <- nil
				return
			}
			posted <- fmt.Errorf("%d %v %s", code, err, body[:min(200, len(body))])
		}()
		err := pollUntil(time.Now().Add(eventually), func() error {
			select {
			case err := <-posted:
				posted <- err
				return nil
			default:
			}
			cs, err := c.cases(c.replica("b"))
			if err != nil {
				return err
			}
			if listed = len(cs) - before; listed < threshold {
				return fmt.Errorf("B lists %d of %d cases", listed, lines)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c.script(t, "kill", "worker-a")
		killed = time.Now()
		err = <-posted
		if err != nil {
			t.Logf("killed A %s into the import with %d cases listed; the POST to A: %v", killed.Sub(began).Round(time.Millisecond), listed, err)
			break
		}
		c.script(t, "start", "worker-a")
		c.waitHealthy(t, c.replica("a"))
		if attempt == 3 {
			t.Fatalf("the import through A answered 202 before the kill %d times: the kill never landed during an import", attempt)
		}
		t.Logf("attempt %d: the import through A finished before the kill; again with a new list, killing at the first case", attempt)
		before += lines
		if err := pollUntil(time.Now().Add(eventually), func() error { return c.wholeCases(c.replica("b"), before) }); err != nil {
			t.Fatal(err)
		}
	}

	restarted := time.Now()
	c.script(t, "start", "worker-a")
	code, body, err := c.call(c.replica("b"), http.MethodPost, path, "text/csv; charset=utf-8", strings.NewReader(list), 10*time.Minute)
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("import the list again through B: %d %v %s", code, err, body[:min(300, len(body))])
	}
	reimported := time.Now()
	var res importResult
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, d := range res.Delivered {
		outcomes[d.Outcome]++
	}
	if res.Accepted != lines || len(res.Rejected) != 0 {
		t.Errorf("the re-import through B accepted %d of %d lines, %d rejected", res.Accepted, lines, len(res.Rejected))
	}
	healthy := c.waitHealthy(t, c.replica("a"))
	recovered := later(healthy, reimported)
	var wholeAt [2]time.Duration
	for i, r := range []string{"a", "b"} {
		if err := pollUntil(recovered.Add(wholeAfterRecovery), func() error { return c.wholeCases(c.replica(r), before+lines) }); err != nil {
			t.Errorf("replica %s %s after recovery: %v (want every line's case, once, within %s)", r, time.Since(recovered).Round(time.Millisecond), err, wholeAfterRecovery)
		}
		wholeAt[i] = time.Since(recovered)
	}
	figure("kill -9 of replica A during a %d-line arrears import (%d cases listed at the kill, %s in): re-import through B answered %s after the kill (%d open cases recognised, %d new), A healthy %s after its restart; every case listed once by A %s and B %s after recovery; 0 lines lost",
		lines, listed, killed.Sub(began).Round(time.Millisecond), reimported.Sub(killed).Round(time.Millisecond),
		outcomes["open-case"], outcomes["new-case"], healthy.Sub(restarted).Round(time.Millisecond),
		wholeAt[0].Round(time.Millisecond), wholeAt[1].Round(time.Millisecond))
}

// startAll starts reqs through the replicas in turn, inFlight at a time,
// and returns the confirmed ones.
func (c *cluster) startAll(reqs []dataRequest, inFlight int) []dataRequest {
	confirmed := make([]bool, len(reqs))
	var wg sync.WaitGroup
	slots := make(chan struct{}, inFlight)
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			confirmed[i], _ = c.start(c.replica([]string{"a", "b"}[i%2]), r)
		}()
	}
	wg.Wait()
	var ok []dataRequest
	for i, r := range reqs {
		if confirmed[i] {
			ok = append(ok, r)
		}
	}
	return ok
}

// healthWhileDown polls both replicas' /healthz until neither says ok and
// returns what they said; an error when one keeps saying ok.
func (c *cluster) healthWhileDown(deadline time.Time) (string, error) {
	var said []string
	err := pollUntil(deadline, func() error {
		said = said[:0]
		for _, r := range []string{"a", "b"} {
			s := c.health(c.replica(r))
			if s == "ok" {
				return fmt.Errorf("replica %s /healthz says ok", r)
			}
			said = append(said, fmt.Sprintf("%s: %q", strings.ToUpper(r), s))
		}
		return nil
	})
	return strings.Join(said, ", "), err
}

// testPostgresRestart stops PostgreSQL (Temporal's store and the document
// store) with data-request starts in flight, checks /healthz while it is
// down and that HelhedDocumentStoreDown fires (and resolves), starts it again and expects every confirmed start listed by both
// replicas within 10 s of their /healthz being ok again, with one
// invitation each.
func (c *cluster) testPostgresRestart(t *testing.T) {
	reqs := c.requests("postgres", 40)
	before := c.firingNames(nil)
	inFlight := make(chan []dataRequest)
	go func() { inFlight <- c.startAll(reqs, 4) }()
	time.Sleep(500 * time.Millisecond)
	c.script(t, "stop", "postgres")
	down := time.Now()
	whileDown, err := c.healthWhileDown(time.Now().Add(30 * time.Second))
	if err != nil {
		t.Errorf("with PostgreSQL down: %v", err)
	}
	// The document store's own alert (4 s `for:` here, 5 minutes shipped).
	fired := c.waitAlert(t, "HelhedDocumentStoreDown", nil, true)
	if d := time.Until(down.Add(10 * time.Second)); d > 0 {
		time.Sleep(d)
	}
	alerts := "none"
	if names := c.firingNames(before); len(names) > 0 {
		alerts = strings.Join(names, ", ")
	}
	c.script(t, "start", "postgres")
	back := time.Now()
	ok := <-inFlight
	healthy := later(c.waitHealthy(t, c.replica("a")), c.waitHealthy(t, c.replica("b")))
	var wholeAt [2]time.Duration
	for i, r := range []string{"a", "b"} {
		if err := c.waitTasks(c.replica(r), ok, healthy.Add(wholeAfterRecovery)); err != nil {
			t.Errorf("replica %s after PostgreSQL is back: %v (want all within %s of healthy)", r, err, wholeAfterRecovery)
		}
		wholeAt[i] = time.Since(healthy)
	}
	c.checkMail(t, reqs, ok)
	resolved := c.waitAlert(t, "HelhedDocumentStoreDown", nil, false)
	figure("PostgreSQL stop and start (%s down; /healthz while down: %s; HelhedDocumentStoreDown fired %s after the stop, resolved %s after it was back; alerts that began firing: %s): %d of %d starts confirmed; both replicas healthy %s after it was back, all listed by A %s and B %s after that; 0 lost, 0 duplicate invitations",
		back.Sub(down).Round(time.Millisecond), whileDown, fired.Sub(down).Round(time.Millisecond), resolved.Sub(back).Round(time.Millisecond),
		alerts, len(ok), len(reqs), healthy.Sub(back).Round(time.Millisecond),
		wholeAt[0].Round(time.Millisecond), wholeAt[1].Round(time.Millisecond))
}

// mailAlert tells of mail not going out: every mail activity (SendMail,
// SendNotice, Distribute) counts under it.
const mailAlert = "HelhedMailFailing"

// testSMTPOutage stops Mailpit for a minute while data requests start.
// The starts are confirmed (mail is an activity that retries); an alert
// tells of the failing mail; after Mailpit is back every confirmed request
// has exactly one invitation.
func (c *cluster) testSMTPOutage(t *testing.T) {
	const outage = time.Minute
	if on, err := c.firing(mailAlert, nil); err != nil || on {
		t.Fatalf("before the outage: %s firing already (%v); the test could not tell it fired for the outage", mailAlert, err)
	}
	reqs := c.requests("smtp", 20)
	c.script(t, "stop", "mailpit")
	down := time.Now()
	ok := c.startAll(reqs, 4)
	if len(ok) != len(reqs) {
		t.Errorf("with SMTP down %d of %d starts confirmed, want all (mail waits, starts do not)", len(ok), len(reqs))
	}
	// The mail check answers from its last result for up to 30 s.
	health, err := c.healthWhileDown(time.Now().Add(45 * time.Second))
	if err != nil {
		t.Errorf("with SMTP down: %v (want degraded: mail)", err)
	}
	fired := c.waitAlert(t, mailAlert, nil, true)
	time.Sleep(time.Until(down.Add(outage)))
	c.script(t, "start", "mailpit")
	back := time.Now()
	c.checkMail(t, reqs, ok)
	delivered := time.Since(back)
	figure("SMTP (Mailpit) stopped %s while %d data requests started: %d confirmed; /healthz meanwhile: %s; %s fired %s after the stop; every invitation delivered once %s after SMTP was back (the alert resolves when its 30-minute window has no failures)",
		back.Sub(down).Round(time.Second), len(reqs), len(ok), health, mailAlert, fired.Sub(down).Round(time.Millisecond), delivered.Round(time.Millisecond))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// metricsInstance is the instance label Prometheus gives replica r.
func (c *cluster) metricsInstance(r string) string {
	return "127.0.0.1:" + c.env["METRICS_"+strings.ToUpper(r)]
}

// operators is the address deploy/alertmanager/alertmanager.yml mails the
// operators' alerts to (receiver drift).
const operators = "drift@example.org"

// waitAlertMail waits until Mailpit holds Alertmanager's mail to the
// operators about the firing alert name, and returns when it was seen.
// Alertmanager sends it after the route's group_wait (30 s) of firing.
func (c *cluster) waitAlertMail(t *testing.T, name string) time.Time {
	t.Helper()
	mailpit := "http://127.0.0.1:" + c.env["MAILPIT_HTTP"]
	err := pollUntil(time.Now().Add(alertWait), func() error {
		ms, err := c.mails()
		if err != nil {
			return err
		}
		for _, m := range ms {
			if len(m.To) != 1 || m.To[0].Address != operators || strings.HasPrefix(m.Subject, "[Helhedsplan] Løst") {
				continue
			}
			var full struct {
				Text string `json:"Text"`
			}
			if err := c.getJSON(mailpit, "/api/v1/message/"+m.ID, &full); err != nil {
				return err
			}
			if strings.Contains(full.Text, "Alarm: "+name+" ") {
				return nil
			}
		}
		return fmt.Errorf("no mail to %s about %s in Mailpit", operators, name)
	})
	if err != nil {
		t.Errorf("%v (within %s)", err, alertWait)
	}
	return time.Now()
}
