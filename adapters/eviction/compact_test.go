package eviction_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"helhed/arrears"
	"helhed/danish"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/workflows/eviction"
)

// compactHistory is the replay test's history of a case that kept only
// its newest lists and steps (changeCompactState).
const compactHistory = "../../workflows/eviction/testdata/eviction-case-history-compact.json"

// TestCaseKeepsNewestLists: a tenancy on more lists than a case keeps
// (two years of monthly lists) and with more steps: the case keeps the
// newest lists and steps and counts those before; the case list counts
// every list; a dropped list delivered again changes nothing.
func TestCaseKeepsNewestLists(t *testing.T) {
	const number, lists = "29-903-1", 52
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", number))
	first := today().AddDays(-lists + 1)
	res := importBody(t, []byte("lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n"+
		number+";rb1940;29;Kim Kompakt;Vangdalen 11;3.000,00;01-10-2026\n"), first)
	if res.Accepted != 1 {
		t.Fatalf("import: %+v", res)
	}
	entry := func(i int) eviction.ListEntry {
		d := first.AddDays(i)
		return eviction.ListEntry{ListID: d.String() + "-compact", ListDate: d, PlanID: stack.Plan.ID, Organisation: "rb1940",
			Arrears: arrears.Kroner(int64(3000 + i)), DueDate: first}
	}
	// The later lists, straight to the case (the importer's signal) and
	// without waiting, so several share a workflow task.
	ctx := context.Background()
	for i := 1; i < lists; i++ {
		if err := stack.Temporal.SignalWorkflow(ctx, id, "", eviction.SignalList, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	var st eviction.State
	teststack.Eventually(t, "every list on the case", func() error {
		if st = state(t, id); len(st.Lists)+st.EarlierLists != lists {
			return fmt.Errorf("%d lists kept, %d earlier", len(st.Lists), st.EarlierLists)
		}
		return nil
	})
	// 24 lists and 50 steps kept: the opening's two and 51 lists' steps
	// make 53.
	if len(st.Lists) != 24 || st.Lists[0].ListDate != first.AddDays(lists-24) || len(st.Steps) != 50 || st.EarlierSteps != 3 ||
		st.Arrears != arrears.Kroner(3000+lists-1) {
		t.Fatalf("%d lists from %s, %d steps (%d earlier), arrears %s", len(st.Lists), st.Lists[0].ListDate, len(st.Steps), st.EarlierSteps, st.Arrears)
	}
	if err := stack.Temporal.SignalWorkflow(ctx, id, "", eviction.SignalList, entry(1)); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the case list counts every list", func() error {
		for _, c := range cases(t, "").Cases {
			if c.WorkflowID == id && c.Lists == lists && c.LastList == today() {
				return nil
			}
		}
		return fmt.Errorf("case %s not listed with %d lists", id, lists)
	})
	page := operatorPage(t, "/operator/cases/"+arrears.TenancyID(hasher, "rb1940", number))
	for _, want := range []string{fmt.Sprintf("<dd>%d (senest %s)</dd>", lists, danish.Date(today())),
		"Sagen gemmer kun de seneste hændelser: 3 tidligere hændelser vises ikke."} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page does not say %q:\n%s", want, page)
		}
	}
	if _, err := update(t, id, eviction.UpdateResolve, eviction.ResolveArg{}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var final eviction.View
	if err := stack.Temporal.GetWorkflow(wctx, id, "").Get(wctx, &final); err != nil {
		t.Fatal(err)
	}
	// The dropped list delivered again (before the resolve) changed nothing.
	if final.Lists != lists || final.Seq != st.Seq+1 {
		t.Fatalf("final: %d lists, seq %d; want %d, %d", final.Lists, final.Seq, lists, st.Seq+1)
	}
	replaytest.Record(t, stack.Temporal, id, compactHistory)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// operatorPage signs in to the operator pages with the token and returns
// the page at path.
func operatorPage(t *testing.T, path string) string {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar}
	base := "http://" + stack.HTTPAddr()
	get := func(path string) string {
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	m := csrfField.FindStringSubmatch(get("/operator/login"))
	if m == nil {
		t.Fatal("no CSRF field on the login page")
	}
	resp, err := c.PostForm(base+"/operator/login", url.Values{"token": {stack.Config.OperatorToken}, "csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return get(path)
}
