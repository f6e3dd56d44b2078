package datarequest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"helhed/adapters/datarequest/tokens"
	"helhed/internal/teststack"
	"helhed/workflows/datarequest"
)

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func get(t testing.TB, u string) (int, string) { return teststack.Get(t, u, "") }

// csrfOf reads the form token from a task page.
func csrfOf(t testing.TB, taskURL string) string {
	t.Helper()
	code, body := get(t, taskURL)
	m := csrfPattern.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("task page %d without form:\n%.500s", code, body)
	}
	return m[1]
}

// post submits a form as a browser on the same site would; no redirect is
// followed.
func post(t testing.TB, u string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func upload(t testing.TB, u, csrf string, file []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("csv", "data.csv")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", u, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, req)
}

func do(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// updatesIn counts accepted Updates in a run's history.
func updatesIn(t testing.TB, requestID string) int {
	t.Helper()
	iter := stack.app.Temporal.GetWorkflowHistory(context.Background(), datarequest.WorkflowID(requestID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED {
			n++
		}
	}
	return n
}

// portalBase is the partner part of a task link.
func portalBase(link string) string { return link[:strings.Index(link, "/opgave/")] }

func taskURL(base, requestID string) string { return base + "/opgave/" + url.PathEscape(requestID) }

// A token never shows or accepts another partner's task.
func TestTokenIsolation(t *testing.T) {
	a, b := formRequest("iso/a", "ppr"), formRequest("iso/b", "jobcenter")
	start(t, a)
	start(t, b)
	baseA := portalBase(taskLink(t, a.RequestID))
	linkB := taskLink(t, b.RequestID)

	code, list := get(t, baseA)
	if code != http.StatusOK || !strings.Contains(list, a.Title) || strings.Contains(list, b.Title) {
		t.Fatalf("A's list (%d) shows B's task or lacks A's", code)
	}
	code, page := get(t, taskURL(baseA, b.RequestID))
	if code != http.StatusNotFound || strings.Contains(page, b.Title) || !strings.Contains(page, "findes ikke") {
		t.Fatalf("A's token on B's task: %d\n%.300s", code, page)
	}
	before := state(t, b.RequestID)
	// A valid form of A's, posted to B's task under A's token …
	csrfA := csrfOf(t, taskURL(baseA, a.RequestID))
	answer := url.Values{"csrf": {csrfA}, "elever": {"1"}, "fravaer@vangdalen": {"1"}, "fravaer@gl-jennumparken": {"1"}}
	if code, _ := post(t, taskURL(baseA, b.RequestID), answer, nil); code != http.StatusNotFound {
		t.Fatalf("A's token answering B's task: %d", code)
	}
	// … and under B's own link with A's form token.
	if code, _ := post(t, linkB, answer, nil); code != http.StatusForbidden {
		t.Fatalf("A's form token on B's link: %d", code)
	}
	after := state(t, b.RequestID)
	if after.Status != datarequest.StatusOpen || after.Version != before.Version || updatesIn(t, b.RequestID) != 0 {
		t.Fatalf("B's request changed: %+v", after)
	}
}

func TestTokenLifecycle(t *testing.T) {
	in := formRequest("tokens/ung", "ung-og-eftervaern")
	start(t, in)
	link := taskLink(t, in.RequestID)
	base := portalBase(link)
	// Issuing again returns the same link the e-mail carried.
	code, got := api(t, "POST", "/api/v1/partners/ung-og-eftervaern/token", nil)
	if code != http.StatusOK || got["link"] != base {
		t.Fatalf("issue: %d %v (mail had %s)", code, got, base)
	}
	code, got = api(t, "POST", "/api/v1/partners/ung-og-eftervaern/token", strings.NewReader(`{"rotate":true}`))
	rotated, _ := got["link"].(string)
	if code != http.StatusOK || rotated == base {
		t.Fatalf("rotate: %d %v", code, got)
	}
	if code, body := get(t, base); code != http.StatusNotFound || !strings.Contains(body, "ugyldigt eller udløbet") {
		t.Fatalf("old link after rotation: %d", code)
	}
	if code, body := get(t, rotated); code != http.StatusOK || !strings.Contains(body, in.Title) {
		t.Fatalf("new link: %d", code)
	}
	if code, got := api(t, "DELETE", "/api/v1/partners/ung-og-eftervaern/token", nil); code != http.StatusOK || got["revoked"] != true {
		t.Fatalf("revoke: %d %v", code, got)
	}
	if code, _ := get(t, rotated); code != http.StatusNotFound {
		t.Fatalf("revoked link: %d", code)
	}
	// An expired link is refused like any other.
	code, got = api(t, "POST", "/api/v1/partners/ung-og-eftervaern/token", nil)
	fresh, _ := got["link"].(string)
	token := fresh[strings.LastIndex(fresh, "/")+1:]
	if err := stack.rdb.PExpire(context.Background(), tokens.KeyPrefix+"token:"+tokens.Hash(token), time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if code, _ := get(t, fresh); code != http.StatusNotFound {
		t.Fatalf("expired link: %d", code)
	}
	if code, got := api(t, "POST", "/api/v1/partners/nobody/token", nil); code != http.StatusNotFound || got["field"] != "partner" {
		t.Fatalf("unknown partner: %d %v", code, got)
	}
}

// The bad input through the API: each gets a clear error naming
// the field (line and column for a CSV) and changes nothing.
func TestBadSubmissionsChangeNothing(t *testing.T) {
	form, table := formRequest("bad/form", "ppr"), tableRequest("bad/table", "monitorering")
	start(t, form)
	start(t, table)
	formBefore, tableBefore := state(t, form.RequestID), state(t, table.RequestID)
	cases := []struct {
		id, body   string
		code       int
		field, msg string
	}{
		{form.RequestID, `{"values":{"fravaer@vangdalen":"5","fravaer@gl-jennumparken":"5"}}`, 400, "elever", "Feltet skal udfyldes."},
		{form.RequestID, `{"values":{"elever":"3","fravaer@vangdalen":"140","fravaer@gl-jennumparken":"5"}}`, 400, "fravaer@vangdalen", "mellem 0 og 100"},
		{form.RequestID, `{"values":{"elever":"mange","fravaer@vangdalen":"1","fravaer@gl-jennumparken":"5"}}`, 400, "elever", "ikke et helt tal"},
		{form.RequestID, `{"valuez":{}}`, 400, "valuez", "ukendt felt"},
		{table.RequestID, `{"csv":"omraade;andel\nVangdalen;5\n"}`, 400, "csv", "»beboere« mangler"},
		{table.RequestID, `{"csv":"omraade\tbeboere\nVangdalen\t5\n"}`, 400, "csv", "tabulator"},
		{table.RequestID, `{"csv":"` + strings.Repeat("x", 10<<20) + `"}`, 413, "csv", "for stort"},
	}
	for _, c := range cases {
		code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(c.id)+"/submit", strings.NewReader(c.body))
		msg := fmt.Sprint(got["error"], got["errors"])
		if code != c.code || got["field"] != nil && got["field"] != c.field || !strings.Contains(msg, c.msg) {
			t.Errorf("%.60s: %d %v", c.body, code, got)
		}
	}
	for _, c := range []struct {
		id     string
		before datarequest.State
	}{{form.RequestID, formBefore}, {table.RequestID, tableBefore}} {
		if n := updatesIn(t, c.id); n != 0 {
			t.Errorf("%s: %d accepted updates after rejections", c.id, n)
		}
		if st := state(t, c.id); st.Version != c.before.Version || st.Status != datarequest.StatusOpen {
			t.Errorf("%s changed: %+v", c.id, st)
		}
	}

	// Through the portal: 10 MB of junk is refused with a Danish message.
	tableLink := taskLink(t, table.RequestID)
	code, body := upload(t, tableLink, csrfOf(t, tableLink), bytes.Repeat([]byte("junk;"), 2<<20))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Filen er for stor") {
		t.Fatalf("portal 10 MB upload: %d", code)
	}
	// A right table is taken; once the secretariat has closed the
	// request, a second submission is refused.
	code, body = upload(t, tableLink, csrfOf(t, tableLink), []byte("OMRAADE;Beboere;andel\nVangdalen;1.234;5,5\nEnergivej;800;\n"))
	if code != http.StatusSeeOther {
		t.Fatalf("right table: %d %.400s", code, body)
	}
	closeAnswered(t, stack.app.Temporal, table.RequestID)
	if code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(table.RequestID)+"/submit", strings.NewReader(`{"csv":"omraade;beboere\nx;1\n"}`)); code != http.StatusConflict {
		t.Fatalf("double submit: %d %v", code, got)
	}
	var res datarequest.Result
	if err := stack.app.Temporal.GetWorkflow(context.Background(), datarequest.WorkflowID(table.RequestID), "").Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || res.Rows[0]["beboere"] != "1234" || res.Rows[0]["andel"] != "5.5" {
		t.Fatalf("rows %v", res.Rows)
	}
	if code, body := get(t, tableLink); code != http.StatusOK || !strings.Contains(body, "Opgaven er besvaret") {
		t.Fatalf("answered task page: %d", code)
	}

	// After cancellation: refused, and the page says so.
	cancelled := formRequest("bad/cancelled", "ppr")
	start(t, cancelled)
	h, err := stack.app.Temporal.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: datarequest.WorkflowID(cancelled.RequestID), UpdateName: datarequest.UpdateCancel,
		Args: []any{datarequest.Cancellation{Reason: "ikke længere nødvendig"}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil || h.Get(context.Background(), nil) != nil {
		t.Fatal("cancel failed", err)
	}
	if code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(cancelled.RequestID)+"/submit",
		strings.NewReader(`{"values":{"elever":"1","fravaer@vangdalen":"1","fravaer@gl-jennumparken":"1"}}`)); code != http.StatusConflict {
		t.Fatalf("submit after cancel: %d %v", code, got)
	}
	if code, body := get(t, taskLink(t, cancelled.RequestID)); code != http.StatusOK || !strings.Contains(body, "annulleret") {
		t.Fatalf("cancelled page: %d", code)
	}
	if _, body := readMail(t, noticeKey(t, stack.app.Temporal, cancelled.RequestID, datarequest.NoticeCancelled, 0)); !strings.Contains(body, "ikke længere nødvendig") {
		t.Fatalf("cancellation e-mail:\n%s", body)
	}
}

func TestFormsRefuseForgeryAndFloods(t *testing.T) {
	in := formRequest("csrf/kfum", "kfum")
	start(t, in)
	link := taskLink(t, in.RequestID)
	bad := url.Values{"elever": {"x"}, "fravaer@vangdalen": {"1"}, "fravaer@gl-jennumparken": {"1"}}
	if code, body := post(t, link, bad, nil); code != http.StatusForbidden || !strings.Contains(body, "Formularen er udløbet") {
		t.Fatalf("without form token: %d", code)
	}
	bad.Set("csrf", csrfOf(t, link))
	if code, _ := post(t, link, bad, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", code)
	}
	// The same wrong answer again and again: the limit stops it.
	var last int
	for i := 0; i < 25 && last != http.StatusTooManyRequests; i++ {
		last, _ = post(t, link, bad, nil)
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("no rate limit: last %d", last)
	}
	if updatesIn(t, in.RequestID) != 0 {
		t.Fatal("refused posts reached the workflow")
	}
}

func TestTasksAPIAndMetrics(t *testing.T) {
	p := "bibliotek"
	answered, overdue, open := formRequest("metrics/answered", p), formRequest("metrics/overdue", p), formRequest("metrics/open", p)
	overdue.Due = today().AddDays(-1).String()
	for _, in := range []datarequest.Input{answered, overdue, open} {
		start(t, in)
	}
	if code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(answered.RequestID)+"/submit",
		strings.NewReader(`{"values":{"elever":"10","fravaer@vangdalen":"1","fravaer@gl-jennumparken":"2"}}`)); code != http.StatusOK || got["onTime"] != true {
		t.Fatalf("submit: %d %v", code, got)
	}
	// The read model is written after the submit returns, before the receipt.
	readMail(t, noticeKey(t, stack.app.Temporal, answered.RequestID, datarequest.NoticeReceipt, 0))
	count := func(status string) int {
		code, got := api(t, "GET", "/api/v1/tasks?partner="+p+"&status="+status, nil)
		if code != http.StatusOK {
			t.Fatalf("tasks %s: %d %v", status, code, got)
		}
		return int(got["count"].(float64))
	}
	if o, d, f := count("open"), count("overdue"), count("done"); o != 2 || d != 1 || f != 1 {
		t.Fatalf("open %d overdue %d done %d", o, d, f)
	}
	if code, got := api(t, "GET", "/api/v1/tasks?status=late", nil); code != http.StatusBadRequest || got["field"] != "status" {
		t.Fatalf("bad status: %d %v", code, got)
	}
	req, _ := http.NewRequest("GET", stack.base+"/api/v1/tasks", nil)
	if code, _ := do(t, req); code != http.StatusUnauthorized {
		t.Fatalf("without operator token: %d", code)
	}

	body := stack.app.Scrape(t)
	for _, want := range []string{
		`helhed_data_requests_open{partner="bibliotek"} 2`,
		`helhed_data_requests_overdue{partner="bibliotek"} 1`,
		`helhed_data_requests_answered_total{partner="bibliotek",timeliness="on_time"} 1`,
		`helhed_data_requests_answered_total{partner="bibliotek",timeliness="late"} 0`,
		`helhed_data_requests_response_seconds_count{partner="bibliotek"} 1`,
		`helhed_data_requests_open{partner="falck"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The list page marks the overdue task.
	if _, page := get(t, portalBase(taskLink(t, open.RequestID))); !strings.Contains(page, "Fristen er overskredet") {
		t.Error("list page does not mark the overdue task")
	}
}

func TestSearchAttributes(t *testing.T) {
	in := formRequest("search/vestervang", "vestervangsskolen")
	start(t, in)
	query := "HelhedKind = 'data-request' AND HelhedPartner = 'vestervangsskolen' AND HelhedStage = 'open'"
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := stack.app.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetExecutions()) == 1 && resp.GetExecutions()[0].GetExecution().GetWorkflowId() == datarequest.WorkflowID(in.RequestID) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q found %d runs", query, len(resp.GetExecutions()))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The starter verbs against the running stack.
func TestStarterVerbs(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "starter")
	if out, err := exec.Command("go", "build", "-o", bin, "../../starter").CombinedOutput(); err != nil {
		t.Fatalf("build starter: %v\n%s", err, out)
	}
	in := formRequest("starter/platan", "platangaarden")
	start(t, in)
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HELHED_URL="+stack.base, "OPERATOR_TOKEN=test-operator-token-0123456789")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return code, out.String(), errOut.String()
	}
	if code, out, _ := run("tasks", "--partner", "platangaarden"); code != 0 || !strings.Contains(out, in.RequestID) || !strings.Contains(out, "open") {
		t.Fatalf("tasks: %d %s", code, out)
	}
	if code, out, _ := run("tokens", "issue", "platangaarden"); code != 0 || strings.TrimSpace(out) != portalBase(taskLink(t, in.RequestID)) {
		t.Fatalf("tokens issue: %d %s", code, out)
	}
	values := filepath.Join(t.TempDir(), "v.json")
	os.WriteFile(values, []byte(`{"elever":"7","fravaer@vangdalen":"140","fravaer@gl-jennumparken":"2"}`), 0o600)
	if code, _, errOut := run("task", "submit", in.RequestID, "--values", values); code != 1 || !strings.Contains(errOut, "fravaer@vangdalen") {
		t.Fatalf("bad submit: %d %s", code, errOut)
	}
	os.WriteFile(values, []byte(`{"elever":"7","fravaer@vangdalen":"14","fravaer@gl-jennumparken":"2"}`), 0o600)
	if code, out, errOut := run("task", "submit", in.RequestID, "--values", values); code != 0 || !strings.Contains(out, "til tiden") {
		t.Fatalf("submit: %d %s %s", code, out, errOut)
	}
	// The read model is written after the submit returns, before the receipt.
	readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeReceipt, 0))
	if code, out, _ := run("tasks", "--partner", "platangaarden", "--status", "done", "--json"); code != 0 || !strings.Contains(out, `"status": "answered"`) {
		t.Fatalf("tasks done: %d %s", code, out)
	}
	if code, _, errOut := run("tasks", "--status", "late"); code != 1 || !strings.Contains(errOut, "status") {
		t.Fatalf("bad status: %d %s", code, errOut)
	}
	if code, _, _ := run("tokens", "revoke"); code != 2 {
		t.Fatalf("tokens revoke without partner: %d", code)
	}
	if code, out, _ := run("tokens", "revoke", "platangaarden"); code != 0 || !strings.Contains(out, "tilbagekaldt") {
		t.Fatalf("revoke: %d %s", code, out)
	}
}
