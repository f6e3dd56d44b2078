package operator_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"helhed/runs"
	"helhed/workflows/crisis"
)

// pageClient is a browser-like HTTP client that does not follow redirects,
// so tests see where each answer points.
type pageClient struct {
	t *testing.T
	c *http.Client
}

func newPageClient(t *testing.T) *pageClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pageClient{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status   int
	Location string
	Body     string
	Cookies  []string // raw Set-Cookie headers
}

func (p *pageClient) do(method, path string, form url.Values, header map[string]string) page {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Cookies: resp.Header.Values("Set-Cookie")}
}

func (p *pageClient) get(path string) page { return p.do("GET", path, nil, nil) }

func (p *pageClient) post(path string, form url.Values) page { return p.do("POST", path, form, nil) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the first form on a page.
func (p *pageClient) csrf(pg page) string {
	p.t.Helper()
	m := csrfField.FindStringSubmatch(pg.Body)
	if m == nil {
		p.t.Fatalf("no CSRF field on page:\n%s", pg.Body)
	}
	return m[1]
}

// login signs in with tok and returns the session's CSRF token (read from
// the overview's logout form).
func (p *pageClient) login(tok string) page {
	p.t.Helper()
	lp := p.get("/operator/login")
	if lp.Status != 200 {
		p.t.Fatalf("login page %d", lp.Status)
	}
	return p.post("/operator/login", url.Values{"token": {tok}, "csrf": {p.csrf(lp)}})
}

func (p *pageClient) sessionCookie() string {
	u, _ := url.Parse(base + "/operator/")
	for _, c := range p.c.Jar.Cookies(u) {
		if c.Name == "helhed_operator" {
			return c.Value
		}
	}
	return ""
}

func crisisForm(csrf string, incident, ref string) url.Values {
	in := crisis.Example(shared.Plan, time.Now())
	return url.Values{
		"csrf": {csrf}, "activatedBy": {in.ActivatedBy}, "incident": {incident}, "area": {in.Area},
		"occurredAt": {in.OccurredAt.In(shared.Plan.Location()).Format("2006-01-02T15:04")},
		"summary":    {in.Summary}, "reference": {ref},
	}
}

func TestPagesLogin(t *testing.T) {
	p := newPageClient(t)
	if pg := p.get("/operator/"); pg.Status != http.StatusSeeOther || pg.Location != "/operator/login" {
		t.Fatalf("anonymous overview: %d %s", pg.Status, pg.Location)
	}
	// A login form posted without its cookie (as a forged one would be).
	other := newPageClient(t)
	if pg := other.post("/operator/login", url.Values{"token": {token}, "csrf": {"guess"}}); pg.Status != http.StatusForbidden {
		t.Errorf("login without CSRF: %d", pg.Status)
	}
	pg := p.login("wrong-token-wrong-token")
	if pg.Status != http.StatusUnauthorized || !strings.Contains(pg.Body, "Forkert operatørnøgle") || p.sessionCookie() != "" {
		t.Fatalf("wrong token: %d cookie %q", pg.Status, p.sessionCookie())
	}
	pg = p.login(token)
	if pg.Status != http.StatusSeeOther || pg.Location != "/operator/" {
		t.Fatalf("login: %d %s %s", pg.Status, pg.Location, pg.Body)
	}
	var cookie string
	for _, c := range pg.Cookies {
		if strings.HasPrefix(c, "helhed_operator=") {
			cookie = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/operator/", "Max-Age=28800"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	ttl := shared.Redis.TTL(context.Background(), sessionKey(p.sessionCookie())).Val()
	if ttl <= 0 || ttl > 8*time.Hour {
		t.Errorf("session TTL %v", ttl)
	}
	if ov := p.get("/operator/"); ov.Status != 200 || !strings.Contains(ov.Body, "Igangværende arbejde") || !strings.Contains(ov.Body, "/operator/start/crisis") {
		t.Errorf("overview: %d", ov.Status)
	}
	// Logging out ends the session in Redis too.
	ov := p.get("/operator/")
	if lo := p.post("/operator/logout", url.Values{"csrf": {p.csrf(ov)}}); lo.Status != http.StatusSeeOther {
		t.Errorf("logout %d", lo.Status)
	}
	if n := shared.Redis.Exists(context.Background(), sessionKey(p.sessionCookie())).Val(); n != 0 {
		t.Error("session survived logout")
	}
}

func sessionKey(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return "helhed:session:" + hex.EncodeToString(sum[:])
}

// TestPagesExpiredSession: when the session has expired in Redis, a page
// and a form post both lead back to the login page with a message, and the
// post starts nothing.
func TestPagesExpiredSession(t *testing.T) {
	p := newPageClient(t)
	p.login(token)
	csrf := p.csrf(p.get("/operator/start/crisis"))
	// The session's TTL runs out (Redis drops the key).
	if err := shared.Redis.Del(context.Background(), sessionKey(p.sessionCookie())).Err(); err != nil {
		t.Fatal(err)
	}
	form := crisisForm(csrf, crisis.Harassment, "expired")
	pg := p.post("/operator/start/crisis", form)
	if pg.Status != http.StatusSeeOther || pg.Location != "/operator/login?udloebet=1" {
		t.Fatalf("post with expired session: %d %s", pg.Status, pg.Location)
	}
	if lp := p.get(pg.Location); !strings.Contains(lp.Body, "Din session er udløbet") {
		t.Errorf("login page lacks the message: %s", lp.Body)
	}
	if pg := p.get("/operator/"); pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Location, "/operator/login") {
		t.Errorf("page with expired session: %d %s", pg.Status, pg.Location)
	}
	assertNotStarted(t, form)
}

func assertNotStarted(t *testing.T, form url.Values) {
	t.Helper()
	in := crisis.Example(shared.Plan, time.Now())
	in.Incident, in.Reference = form.Get("incident"), form.Get("reference")
	if _, err := runner.Describe(context.Background(), crisis.WorkflowID(in)); runs.HTTPStatus(err) != http.StatusNotFound {
		t.Errorf("a refused form started %s (%v)", crisis.WorkflowID(in), err)
	}
}

// TestPagesForgedForm: a form without the session's CSRF token, or posted
// from another site, is refused with 403 and changes nothing; the same form
// with the token starts the run.
func TestPagesForgedForm(t *testing.T) {
	p := newPageClient(t)
	p.login(token)
	csrf := p.csrf(p.get("/operator/start/crisis"))
	form := crisisForm("forged-token", crisis.Fighting, "forged")
	if pg := p.post("/operator/start/crisis", form); pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "CSRF") {
		t.Errorf("forged token: %d", pg.Status)
	}
	form.Set("csrf", csrf)
	if pg := p.do("POST", "/operator/start/crisis", form, map[string]string{"Sec-Fetch-Site": "cross-site"}); pg.Status != http.StatusForbidden {
		t.Errorf("cross-site post: %d", pg.Status)
	}
	assertNotStarted(t, form)

	pg := p.post("/operator/start/crisis", form)
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Location, "/operator/runs/crisis%2F") {
		t.Fatalf("genuine form: %d %s\n%s", pg.Status, pg.Location, pg.Body)
	}
	id, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(pg.Location, "/operator/runs/"), "?startet=1"))
	defer cancelRun(t, id)
	// Twice: refused as a duplicate, with a link to the running one.
	dup := p.post("/operator/start/crisis", form)
	if dup.Status != http.StatusConflict || !strings.Contains(dup.Body, `id="existing"`) {
		t.Errorf("duplicate: %d", dup.Status)
	}
	// The run's page: its Update forms; one the stage refuses is shown as such.
	rp := p.get(pg.Location)
	if rp.Status != 200 || !strings.Contains(rp.Body, `id="action-confirm-meeting"`) || strings.Contains(rp.Body, `id="action-close"`) {
		t.Fatalf("run page: %d\n%s", rp.Status, rp.Body)
	}
	closeForm := url.Values{"csrf": {csrf}, "evaluate": {"on"}}
	if pg := p.post("/operator/runs/"+url.PathEscape(id)+"/updates/close", closeForm); pg.Status != http.StatusConflict ||
		!strings.Contains(pg.Body, "kan først afsluttes efter mødet") {
		t.Errorf("refused update: %d", pg.Status)
	}
	bad := url.Values{"csrf": {csrf}, "at": {"i morgen"}, "place": {"Rådhuset"}}
	if pg := p.post("/operator/runs/"+url.PathEscape(id)+"/updates/confirm-meeting", bad); pg.Status != http.StatusBadRequest ||
		!strings.Contains(pg.Body, `id="e-at"`) {
		t.Errorf("bad update field: %d", pg.Status)
	}
}

// TestPagesStartFormErrors: a bad form is shown again with the error
// beside the field and what was typed kept.
func TestPagesStartFormErrors(t *testing.T) {
	p := newPageClient(t)
	p.login(token)
	csrf := p.csrf(p.get("/operator/start/crisis"))
	form := crisisForm(csrf, crisis.Assault, "form-errors")
	form.Set("summary", "")
	pg := p.post("/operator/start/crisis", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `id="e-summary"`) || !strings.Contains(pg.Body, "skal udfyldes") ||
		!strings.Contains(pg.Body, `value="form-errors"`) {
		t.Errorf("missing summary: %d\n%s", pg.Status, pg.Body)
	}
	form.Set("summary", "Overfald ved indgangen.")
	form.Set("conveneWithinHours", "fire")
	if pg := p.post("/operator/start/crisis", form); pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `id="e-conveneWithinHours"`) {
		t.Errorf("wrong number: %d", pg.Status)
	}
	if pg := p.get("/operator/start/nope"); pg.Status != http.StatusNotFound {
		t.Errorf("unknown kind: %d", pg.Status)
	}
	if pg := p.get("/operator/runs/" + url.PathEscape("crisis/none/2026-01-01/arson")); pg.Status != http.StatusNotFound {
		t.Errorf("unknown run: %d", pg.Status)
	}
	assertNotStarted(t, form)
}
