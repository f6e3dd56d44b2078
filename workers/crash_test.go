package main

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"helhed/internal/testplan"
)

// The crash tests (issue 13) kill `workers -dev` with SIGKILL in the
// middle of work started through the operator API, start it again on the
// same DATA_DIR and check, through the API, the partner portal and the
// outbox, that nothing confirmed was lost and nothing was sent twice.
// Then they stop it cleanly and start it once more. The in-process Redis
// of -dev is empty after every start, so everything the API and the
// portal show afterwards was rebuilt from Temporal.

// wholeAfterHealthy is how long after /healthz says "ok" the read model
// must show everything Temporal holds (issue 13, item 1).
const wholeAfterHealthy = 10 * time.Second

// eventually bounds a start up to /healthz "ok", and the cases following
// an import's answer; it is generous because the machine is shared, and
// no performance check (as teststack.Eventually's).
const eventually = 90 * time.Second

// TestKilledDuringDataRequestStarts starts 300 data requests concurrently
// through POST /api/v1/runs and kills the process once about half are
// confirmed (201), a reconcile just started. Started again, every confirmed request must be a task
// in GET /api/v1/tasks within 10 s of healthy, its invitation e-mail must
// be in the outbox exactly once, and the link in that e-mail must open
// the task's page in the portal. The same after a clean stop and start.
func TestKilledDuringDataRequestStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the built workers -dev binary")
	}
	began := time.Now()
	p := newDevProcess(t, t.TempDir())
	p.start()
	if _, ok := p.waitHealthy(true, eventually); !ok {
		t.FailNow()
	}

	const n = 300
	var partners []string
	for _, pt := range p.plan.Partners {
		if pt.Email != "" {
			partners = append(partners, pt.ID)
		}
	}
	due := testplan.Today().AddDays(30).String()
	requests := make([]dataRequest, n)
	for i := range requests {
		requests[i] = dataRequest{ID: fmt.Sprintf("nedbrudstest-%03d", i), Partner: partners[i%len(partners)],
			Title: fmt.Sprintf("Nedbrudstest %03d (syntetisk)", i)}
	}

	// 16 starts in flight at a time, so that the kill lands in the middle
	// of the 300 and not after a burst that confirmed them all at once.
	type outcome struct {
		code int
		body string
		err  error
	}
	outcomes := make([]outcome, n)
	var confirmedSoFar atomic.Int32
	halfway, allAnswered := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	inFlight := make(chan struct{}, 16)
	for i, r := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inFlight <- struct{}{}
			defer func() { <-inFlight }()
			code, body, err := p.call(http.MethodPost, "/api/v1/runs", "application/json", strings.NewReader(r.startBody(due)), 60*time.Second)
			outcomes[i] = outcome{code, body, err}
			if code == http.StatusCreated && confirmedSoFar.Add(1) >= n/2 {
				once.Do(func() { close(halfway) })
			}
		}()
	}
	go func() { wg.Wait(); close(allAnswered) }()
	select {
	case <-halfway:
	case <-allAnswered:
	}
	// A reconcile in flight at the kill is what lost the tasks in the
	// issue: start one, as an operator would, and kill at once.
	code, body, err := p.call(http.MethodPost, "/api/v1/reconcile?wait=false", "application/json", nil, 10*time.Second)
	if err != nil || code != http.StatusAccepted {
		t.Errorf("POST /api/v1/reconcile?wait=false: %d %v %s", code, err, body)
	}
	p.kill()
	killedAt := time.Now()
	<-allAnswered

	var confirmed []dataRequest
	var refused []string
	unanswered := 0
	for i, o := range outcomes {
		switch {
		case o.code == http.StatusCreated:
			confirmed = append(confirmed, requests[i])
		case o.err != nil:
			unanswered++
		default:
			refused = append(refused, fmt.Sprintf("%s: %d %s", requests[i].ID, o.code, strings.TrimSpace(o.body)))
		}
	}
	if len(refused) > 0 {
		t.Errorf("%d starts refused before the kill (want 201 or no answer); first: %s", len(refused), refused[0])
	}
	if len(confirmed) == 0 || len(confirmed) == n {
		t.Fatalf("%d of %d starts confirmed when the process was killed: the kill did not land during the starts", len(confirmed), n)
	}
	t.Logf("killed (SIGKILL) with a reconcile just started and %d of %d starts confirmed (201), %d unanswered, %s after the test began",
		len(confirmed), n, unanswered, killedAt.Sub(began).Round(time.Millisecond))

	// waitHealthy reports a start that never gets to "ok"; the checks
	// still run then, to say what the API shows.
	p.start()
	healthy, _ := p.waitHealthy(true, eventually)
	checkDataRequests(t, p, "after kill -9", healthy, requests, confirmed)

	p.stop()
	p.start()
	healthy, _ = p.waitHealthy(true, eventually)
	checkDataRequests(t, p, "after a clean stop and start", healthy, requests, confirmed)
	p.stop()
	t.Logf("test took %s", time.Since(began).Round(time.Second))
}

// dataRequest is one request the test starts.
type dataRequest struct {
	ID, Partner, Title string
}

// startBody is POST /api/v1/runs's body for the request: one number,
// due on due.
func (r dataRequest) startBody(due string) string {
	b, _ := json.Marshal(map[string]any{"kind": "data-request", "input": map[string]any{
		"requestId": r.ID, "partner": r.Partner, "title": r.Title,
		"instructions": "Syntetisk opgave fra en test; svar ikke.", "due": due,
		"fields": []map[string]any{{"key": "antal", "label": "Antal", "type": "integer", "required": true}},
		"origin": "test",
	}})
	return string(b)
}

// checkDataRequests waits up to 10 s from healthy for every confirmed
// request to be a task, then (as long as a retried e-mail activity takes)
// for each to have its invitation, and checks that no invitation went out
// twice and that each invitation's link opens the task in the portal.
func checkDataRequests(t *testing.T, p *devProcess, phase string, healthy time.Time, all, confirmed []dataRequest) {
	t.Helper()
	var tasks map[string]bool
	var missing []string
	err := pollUntil(healthy.Add(wholeAfterHealthy), func() error {
		var list struct {
			Tasks []struct {
				RequestID string `json:"requestId"`
			} `json:"tasks"`
		}
		if err := p.getJSON("/api/v1/tasks", &list); err != nil {
			return err
		}
		tasks, missing = map[string]bool{}, nil
		for _, tk := range list.Tasks {
			tasks[tk.RequestID] = true
		}
		for _, r := range confirmed {
			if !tasks[r.ID] {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%d of %d confirmed requests not in GET /api/v1/tasks", len(missing), len(confirmed))
		}
		return nil
	})
	switch {
	case tasks == nil:
		t.Errorf("%s: %v", phase, err)
	case len(missing) > 0:
		t.Errorf("%s: %d of %d confirmed data requests are not in GET /api/v1/tasks %s after /healthz said ok (want all within %s); first: %s",
			phase, len(missing), len(confirmed), time.Since(healthy).Round(time.Millisecond), wholeAfterHealthy, strings.Join(first(missing, 5), ", "))
	default:
		t.Logf("%s: all %d confirmed requests in GET /api/v1/tasks (%d tasks) %s after healthy",
			phase, len(confirmed), len(tasks), time.Since(healthy).Round(time.Millisecond))
	}

	// An invitation whose activity was running at the kill goes out when
	// Temporal retries it, after the activity's timeout.
	var invites map[string][]invitation
	var uninvited []string
	if err := pollUntil(time.Now().Add(eventually), func() error {
		var err error
		if invites, err = readInvitations(filepath.Join(p.dataDir, "outbox")); err != nil {
			return err
		}
		uninvited = nil
		for _, r := range confirmed {
			if len(invites[r.Title]) == 0 {
				uninvited = append(uninvited, r.ID)
			}
		}
		if len(uninvited) > 0 {
			return fmt.Errorf("%d of %d confirmed data requests have no invitation in the outbox; first: %s",
				len(uninvited), len(confirmed), strings.Join(first(uninvited, 5), ", "))
		}
		return nil
	}); err != nil {
		t.Errorf("%s: %v", phase, err)
	}
	t.Logf("%s: invitations of all but %d confirmed requests in the outbox %s after healthy", phase, len(uninvited), time.Since(healthy).Round(time.Millisecond))
	var twice []string
	sent := 0
	for _, r := range all {
		perRecipient := map[string][]string{}
		for _, inv := range invites[r.Title] {
			perRecipient[inv.to] = append(perRecipient[inv.to], inv.file)
			sent++
		}
		for to, files := range perRecipient {
			if len(files) > 1 {
				twice = append(twice, fmt.Sprintf("%s to %s %d times (%s)", r.ID, to, len(files), strings.Join(files, ", ")))
			}
		}
		if len(perRecipient) > 1 {
			twice = append(twice, fmt.Sprintf("%s to %d recipients", r.ID, len(perRecipient)))
		}
	}
	if len(twice) > 0 {
		sort.Strings(twice)
		t.Errorf("%s: %d invitations went out more than once: %s", phase, len(twice), strings.Join(first(twice, 5), "; "))
	} else {
		t.Logf("%s: %d invitations in the outbox (for %d confirmed and %d unconfirmed starts), none twice", phase, sent, len(confirmed), len(all)-len(confirmed))
	}
	checkPortalLinks(t, p, phase, confirmed, invites)
}

// invitation is one data-request invitation in the outbox.
type invitation struct {
	file, to, link string
}

var invitationSubject = regexp.MustCompile(`^Dataanmodning: (.*) – frist `)

// portalLink is the task link an invitation carries.
var portalLink = regexp.MustCompile(`https?://\S+/portal/t/([A-Za-z0-9_-]{43})/opgave/\S+`)

// readInvitations reads every .eml in dir and returns the data-request
// invitations by the request's title. It goes by what the e-mail says, not
// by its file name, so two files for one request (two keys) show.
func readInvitations(dir string) (map[string][]invitation, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	out := map[string][]invitation{}
	for _, f := range files {
		subject, to, text, err := readEML(f)
		if err != nil {
			return nil, err
		}
		m := invitationSubject.FindStringSubmatch(subject)
		if m == nil {
			continue
		}
		out[m[1]] = append(out[m[1]], invitation{file: filepath.Base(f), to: to, link: portalLink.FindString(text)})
	}
	return out, nil
}

// readEML is a single-part e-mail's decoded subject, recipients and text.
func readEML(path string) (subject, to, text string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", "", err
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return "", "", "", fmt.Errorf("%s: %w", path, err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", "", "", fmt.Errorf("%s: %w", path, err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	return subject, msg.Header.Get("To"), string(b), nil
}

// checkPortalLinks opens the link of each confirmed request's invitation,
// as the partner would, and expects the task's page. Each link token is
// first tried once on the partner's overview page: the portal slows down
// a client after 30 unknown tokens, so a dead token is not tried again
// for every task it carries. Where the e-mail's link fails, the task page
// is opened once more with the link the operator API issues now, which
// tells a lost link token from a task missing in the read model.
func checkPortalLinks(t *testing.T, p *devProcess, phase string, confirmed []dataRequest, invites map[string][]invitation) {
	t.Helper()
	tokenAlive := map[string]string{} // token → "" if alive, else the answer
	var noLink, deadToken, noPage []string
	var failed []dataRequest
	for _, r := range confirmed {
		inv := invites[r.Title]
		if len(inv) == 0 {
			continue // reported already
		}
		m := portalLink.FindStringSubmatch(inv[0].link)
		if m == nil {
			noLink = append(noLink, r.ID)
			continue
		}
		link, token := m[0], m[1]
		if _, seen := tokenAlive[token]; !seen {
			code, body, err := p.call(http.MethodGet, "/portal/t/"+token, "", nil, 10*time.Second)
			tokenAlive[token] = ""
			if err != nil || code != http.StatusOK {
				tokenAlive[token] = fmt.Sprintf("%d %s", code, pageMessage(body))
				if err != nil {
					tokenAlive[token] = err.Error()
				}
			}
		}
		if tokenAlive[token] != "" {
			deadToken = append(deadToken, r.ID)
			failed = append(failed, r)
			continue
		}
		u, err := url.Parse(link)
		if err != nil {
			noLink = append(noLink, r.ID)
			continue
		}
		code, body, err := p.call(http.MethodGet, u.EscapedPath(), "", nil, 10*time.Second)
		if err != nil || code != http.StatusOK || !strings.Contains(body, r.Title) {
			noPage = append(noPage, fmt.Sprintf("%s: %d %v %s", r.ID, code, err, pageMessage(body)))
			failed = append(failed, r)
		}
	}
	if len(noLink) > 0 {
		t.Errorf("%s: %d invitations carry no portal task link; first: %s", phase, len(noLink), strings.Join(first(noLink, 5), ", "))
	}
	if len(deadToken) > 0 {
		answers := map[string]int{}
		refused := 0
		for _, a := range tokenAlive {
			if a != "" {
				answers[a]++
				refused++
			}
		}
		var byAnswer []string
		for a, k := range answers {
			byAnswer = append(byAnswer, fmt.Sprintf("%d× %s", k, a))
		}
		sort.Strings(byAnswer)
		t.Errorf("%s: the e-mail link of %d of %d confirmed requests no longer opens the portal: %d of the %d link tokens in the e-mails refused (%s); first: %s",
			phase, len(deadToken), len(confirmed), refused, len(tokenAlive), strings.Join(byAnswer, "; "), strings.Join(first(deadToken, 5), ", "))
	}
	if len(noPage) > 0 {
		t.Errorf("%s: the e-mail link of %d of %d confirmed requests opens no task page; first: %s",
			phase, len(noPage), len(confirmed), strings.Join(first(noPage, 3), "; "))
	}
	if len(failed) == 0 {
		t.Logf("%s: the e-mail links of all %d confirmed requests open their task page (%d link tokens)", phase, len(confirmed), len(tokenAlive))
		return
	}
	// The same pages through the link the operator API issues now.
	fresh := map[string]string{}
	opened := 0
	for _, r := range failed {
		if _, ok := fresh[r.Partner]; !ok {
			var tok struct {
				Link string `json:"link"`
			}
			code, body, err := p.call(http.MethodPost, "/api/v1/partners/"+r.Partner+"/token", "application/json", nil, 10*time.Second)
			if err == nil && code == http.StatusOK {
				err = json.Unmarshal([]byte(body), &tok)
			}
			fresh[r.Partner] = tok.Link
		}
		u, err := url.Parse(fresh[r.Partner] + "/opgave/" + url.PathEscape(r.ID))
		if err != nil || fresh[r.Partner] == "" {
			continue
		}
		code, body, err := p.call(http.MethodGet, u.EscapedPath(), "", nil, 10*time.Second)
		if err == nil && code == http.StatusOK && strings.Contains(body, r.Title) {
			opened++
		}
	}
	t.Logf("%s: of the %d tasks whose e-mail link failed, %d open with the link POST /api/v1/partners/{partner}/token issues now",
		phase, len(failed), opened)
}

// pageMessage is the portal page's message (its first <p>), for a report.
func pageMessage(body string) string {
	if i := strings.Index(body, "<p"); i >= 0 {
		body = body[i:]
		if j := strings.Index(body, "</p>"); j >= 0 {
			body = body[:j]
		}
		if k := strings.Index(body, ">"); k >= 0 {
			body = body[k+1:]
		}
	}
	body = strings.Join(strings.Fields(body), " ")
	if len(body) > 160 {
		body = body[:160] + "…"
	}
	return body
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// TestKilledDuringArrearsImport sends a 1,000-line synthetic arrears list
// to POST /api/v1/arrears, kills the process mid-import, starts it again and
// sends the same file again: no line may be rejected, and GET
// /api/v1/cases must list every line's case exactly once. After a clean
// stop and start the 1,000 cases must be listed within 10 s of healthy.
func TestKilledDuringArrearsImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the built workers -dev binary")
	}
	began := time.Now()
	const lines = 1000
	listDate := testplan.Today()
	path := "/api/v1/arrears?listDate=" + listDate.String()

	type answer struct {
		code int
		body string
		err  error
	}
	var (
		p    *devProcess
		list string
	)
	// The kill comes 3 s in, or once a quarter of the cases are listed if
	// that is sooner. On a quiet machine the import can answer first; the
	// attempt is then repeated on a fresh data directory, killing at the
	// first listed case or 0.5 s in.
	for attempt := 1; ; attempt++ {
		p = newDevProcess(t, t.TempDir())
		p.start()
		if _, ok := p.waitHealthy(true, eventually); !ok {
			t.FailNow()
		}
		list = syntheticArrearsList(t, p, lines, listDate.AddDays(-14).String())
		firstImport := make(chan answer, 1)
		go func() {
			code, body, err := p.call(http.MethodPost, path, "text/csv; charset=utf-8", strings.NewReader(list), 10*time.Minute)
			firstImport <- answer{code, body, err}
		}()
		importing := time.Now()
		killAt, enough := importing.Add(3*time.Second), lines/4
		if attempt > 1 {
			killAt, enough = importing.Add(500*time.Millisecond), 1
		}
		var answeredFirst *answer
		for listed := 0; answeredFirst == nil && time.Now().Before(killAt) && listed < enough; {
			select {
			case a := <-firstImport:
				answeredFirst = &a
				continue
			case <-time.After(100 * time.Millisecond):
			}
			var so casesAnswer
			if err := p.getJSON("/api/v1/cases", &so); err == nil {
				listed = len(so.Cases)
			}
		}
		if answeredFirst != nil {
			p.stop()
			if attempt == 3 {
				t.Fatalf("the import answered (%d %v) before the kill %d times: the test would not crash an import", answeredFirst.code, answeredFirst.err, attempt)
			}
			t.Logf("attempt %d: the import answered %s in, before the kill; again on a fresh data directory, killing earlier", attempt, time.Since(importing).Round(time.Millisecond))
			continue
		}
		p.kill()
		t.Logf("killed (SIGKILL) %s into the import", time.Since(importing).Round(time.Millisecond))
		if a := <-firstImport; a.err == nil {
			t.Fatalf("the killed import answered %d %s", a.code, a.body)
		}
		break
	}

	p.start()
	healthy, _ := p.waitHealthy(true, eventually)
	var beforeAgain casesAnswer
	if err := p.getJSON("/api/v1/cases", &beforeAgain); err == nil {
		t.Logf("after kill -9 and restart: %d cases listed %s after healthy, before the file is sent again",
			len(beforeAgain.Cases), time.Since(healthy).Round(time.Millisecond))
	}

	code, body, err := p.call(http.MethodPost, path, "text/csv; charset=utf-8", strings.NewReader(list), 10*time.Minute)
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("the same file sent again: %d %v %s", code, err, body)
	}
	answered := time.Now()
	var res struct {
		Accepted   int `json:"accepted"`
		Duplicates int `json:"duplicates"`
		Rejected   []struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		} `json:"rejected"`
		Lines int `json:"lines"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("import answer: %v: %s", err, body)
	}
	if res.Accepted != lines || len(res.Rejected) > 0 || res.Duplicates > 0 {
		t.Errorf("the same file sent again: %d of %d lines accepted, %d rejected, %d duplicates (want every line accepted); first rejection: %+v",
			res.Accepted, lines, len(res.Rejected), res.Duplicates, res.Rejected[:min(1, len(res.Rejected))])
	}
	t.Logf("the same file sent again: 202 after %s, %d accepted", answered.Sub(healthy).Round(time.Millisecond), res.Accepted)

	// The cases follow the answer by as long as their workflows take to
	// write them.
	checkCases(t, p, "after kill -9 and the file sent again", "the import's 202", answered, eventually, lines)

	p.stop()
	p.start()
	healthy, _ = p.waitHealthy(true, eventually)
	checkCases(t, p, "after a clean stop and start", "healthy", healthy, wholeAfterHealthy, lines)
	p.stop()
	t.Logf("test took %s", time.Since(began).Round(time.Second))
}

// casesAnswer is the part of GET /api/v1/cases the test reads.
type casesAnswer struct {
	Cases []struct {
		CaseID  string `json:"caseId"`
		Tenancy string `json:"tenancy"`
		Stage   string `json:"stage"`
		Lists   int    `json:"lists"`
	} `json:"cases"`
}

// checkCases waits until within after from (named since) for GET
// /api/v1/cases to list want cases, one per tenancy, each from the one
// list, and reports the shortfall then.
func checkCases(t *testing.T, p *devProcess, phase, since string, from time.Time, within time.Duration, want int) {
	t.Helper()
	var got casesAnswer
	var tenancies map[string]int
	var relisted int
	err := pollUntil(from.Add(within), func() error {
		if err := p.getJSON("/api/v1/cases", &got); err != nil {
			return err
		}
		tenancies, relisted = map[string]int{}, 0
		for _, c := range got.Cases {
			tenancies[c.Tenancy]++
			if c.Lists != 1 {
				relisted++
			}
		}
		if len(got.Cases) != want || len(tenancies) != want {
			return fmt.Errorf("%d cases for %d tenancies", len(got.Cases), len(tenancies))
		}
		return nil
	})
	if tenancies == nil {
		t.Errorf("%s: %v", phase, err)
		return
	}
	t.Logf("%s: %d cases for %d tenancies listed %s after %s", phase, len(got.Cases), len(tenancies), time.Since(from).Round(time.Millisecond), since)
	if err != nil {
		t.Errorf("%s: GET /api/v1/cases lists %d cases for %d tenancies %s after %s (want %d, one each, within %s): %v",
			phase, len(got.Cases), len(tenancies), time.Since(from).Round(time.Millisecond), since, want, within, err)
	}
	var twice []string
	for ten, k := range tenancies {
		if k > 1 {
			twice = append(twice, fmt.Sprintf("%s… %d times", ten[:min(8, len(ten))], k))
		}
	}
	if len(twice) > 0 {
		t.Errorf("%s: %d tenancies have more than one case: %s", phase, len(twice), strings.Join(first(twice, 5), ", "))
	}
	if relisted > 0 {
		t.Errorf("%s: %d cases count other than 1 list, though the same list was sent twice (same date and content)", phase, relisted)
	}
}

// syntheticArrearsList is an arrears list of n tenancies spread over the
// plan's departments, every name and address obviously made up.
func syntheticArrearsList(t *testing.T, p *devProcess, n int, dueDate string) string {
	t.Helper()
	deps := p.plan.Departments
	if len(deps) == 0 {
		t.Fatal("the test plan has no departments")
	}
	var sb strings.Builder
	sb.WriteString("lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\r\n")
	for i := range n {
		d := deps[i%len(deps)]
		fmt.Fprintf(&sb, "SYNT-%05d;%s;%s;Syntetisk Lejer %d;Prøvevej %d, 9999 Testby;%08d;%d.%03d,%02d;%s;%d\r\n",
			i, d.Organisation, d.Number, i, i%200+1, 20000000+i, 1+i%30, i%1000, i%100, dueDate, i%4)
	}
	return sb.String()
}
