package main

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"helhed/danish"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// TestDeadlineReadsTheSame: one eviction case's next deadline, a civil
// date (the outreach task's last day), is that date everywhere: ISO in
// the API (GET /api/v1/cases and GET /api/v1/runs/{id}), dd-mm-yyyy in
// `starter cases` and `starter runs`, and the Danish date on the pages
// (the case list, the case, the run page and the overview) — never the
// instant the search attribute stores (the next midnight).
func TestDeadlineReadsTheSame(t *testing.T) {
	a, cfg := startStack(t)
	base := "http://" + a.HTTPAddr()
	vars := map[string]string{"HELHED_URL": base, "OPERATOR_TOKEN": cfg.OperatorToken,
		"PLAN_FILE": cfg.PlanFile}
	if code, out, errOut := runStarterIn(vars, "", "import", "arrears", "../examples/rykkerliste.csv"); code != 0 {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
	var api struct {
		Cases []struct {
			WorkflowID string    `json:"workflowId"`
			Tenancy    string    `json:"tenancy"`
			NextDue    plan.Date `json:"nextDue"`
		} `json:"cases"`
	}
	teststack.Eventually(t, "an outreach case in GET /api/v1/cases", func() error {
		code, out, errOut := runStarterIn(vars, "", "cases", "--stage", "outreach", "--json")
		if code != 0 {
			return fmt.Errorf("cases: %d %s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &api); err != nil {
			return err
		}
		if len(api.Cases) == 0 || api.Cases[0].NextDue.IsZero() {
			return fmt.Errorf("no outreach case with a deadline yet: %s", out)
		}
		return nil
	})
	c := api.Cases[0]
	iso, short, long := c.NextDue.String(), danish.ShortDate(c.NextDue), danish.Date(c.NextDue)

	line := func(out, key string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, key) {
				return l
			}
		}
		return ""
	}
	// The search attribute is visible to the run listing a moment after
	// the read model has the case.
	teststack.Eventually(t, "the case's deadline in `starter runs`", func() error {
		_, out, _ := runStarterIn(vars, "", "runs", "--kind", eviction.Kind)
		if l := line(out, c.WorkflowID+" "); !strings.Contains(l, " "+short+" ") || strings.Contains(l, "kl. 00.00") {
			return fmt.Errorf("starter runs: %q, want the deadline %s", l, short)
		}
		return nil
	})
	_, out, _ := runStarterIn(vars, "", "cases")
	if l := line(out, c.WorkflowID); !strings.HasSuffix(strings.TrimSpace(l), short) {
		t.Errorf("starter cases: %q, want the deadline %s", l, short)
	}
	code, out, errOut := runStarterIn(vars, "", "describe", c.WorkflowID)
	if l := line(out, "næste frist"); code != 0 || !strings.HasSuffix(l, short) {
		t.Errorf("starter describe: %d %q %s, want the deadline %s", code, l, errOut, short)
	}
	_, out, _ = runStarterIn(vars, "", "runs", "--kind", eviction.Kind, "--json")
	if !strings.Contains(out, `"dueDate": "`+iso+`"`) || strings.Contains(out, `"dueAt"`) {
		t.Errorf("starter runs --json: want dueDate %s and no dueAt:\n%.2000s", iso, out)
	}

	// The pages, as a browser sees them after logging in.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%.1000s", path, resp.StatusCode, body)
		}
		return html.UnescapeString(string(body))
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get("/operator/login"))
	if csrf == nil {
		t.Fatal("no CSRF token on the login page")
	}
	resp, err := client.PostForm(base+"/operator/login", url.Values{"csrf": {csrf[1]}, "token": {cfg.OperatorToken}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	row := func(page, key string) string {
		_, after, _ := strings.Cut(page, key)
		row, _, _ := strings.Cut(after, "</tr>")
		return row
	}
	due := regexp.MustCompile(`id="due">([^<]*)<`)
	// The stored instant, as the pages would write it as a moment.
	next := c.NextDue.AddDays(1)
	midnight := fmt.Sprintf("%d.%d.%d kl. 00.00", next.Day, int(next.Month), next.Year)
	for _, p := range []struct{ name, text string }{
		{"the case list", row(get("/operator/cases?stage=outreach"), ">"+c.Tenancy+"</a>")},
		{"the overview", row(get("/operator/?kind="+eviction.Kind), ">"+c.WorkflowID+"</a>")},
		{"the case", strings.Join(due.FindStringSubmatch(get("/operator/cases/"+url.PathEscape(c.Tenancy))), "")},
		{"the run page", strings.Join(due.FindStringSubmatch(get("/operator/runs/"+url.PathEscape(c.WorkflowID))), "")},
	} {
		if !strings.Contains(p.text, long) || strings.Contains(p.text, midnight) {
			t.Errorf("%s shows the deadline as %q, want %s", p.name, p.text, long)
		}
	}
}
