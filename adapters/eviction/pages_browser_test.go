package eviction_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"helhed/danish"
	"helhed/internal/testbrowser"
	"helhed/internal/teststack"
)

// TestBrowserCasePages is the walk through the eviction pages in
// Chromium: an operator logs in, imports the example arrears list on the
// import page and reads each line's result, opens a case from the case
// list, records contact and then a payment plan through the case's forms,
// and sees both in the case's timeline. Each page's structure is checked
// against testdata/structure (HELHED_UPDATE_SCREENSHOTS=1 rewrites it and
// the README's screenshots in docs/screenshots).
func TestBrowserCasePages(t *testing.T) {
	// Its own stack: the example list's cases stay out of the shared
	// stack's counts. The browser's time starts after it.
	s := teststack.StartT(t, teststack.Options{Name: "eviction-pages"})
	ctx := testbrowser.New(t)
	base := "http://" + s.HTTPAddr()
	list, err := filepath.Abs("../../examples/rykkerliste.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	do("log in",
		chromedp.Navigate(base+"/operator/login"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), s.Config.OperatorToken),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Operatørsider"]`)),
		chromedp.Navigate(base+"/operator/imports"),
		chromedp.WaitVisible(chromedp.CSS("#file")))
	testbrowser.CheckPage(t, ctx, "operator-imports")

	do("import the example list",
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list}),
		chromedp.Click(chromedp.CSS("#import")),
		chromedp.WaitVisible(chromedp.CSS("#result")))
	if got := text("#summary"); !strings.Contains(got, "9 linjer læst") || !strings.Contains(got, "9 nye sager, 0 opdaterede, 0 afvist") {
		t.Errorf("import summary %q", got)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#lines tbody tr").length`))
	if err != nil || rows != 9 {
		t.Errorf("result table: %d rows (%v), want 9", rows, err)
	}
	testbrowser.CheckPage(t, ctx, "operator-imports-result")

	do("open the case list",
		chromedp.Navigate(base+"/operator/cases"),
		chromedp.WaitVisible(chromedp.CSS("#cases")))
	if got := text("#cases tbody tr:first-child td:last-child"); !strings.HasPrefix(got, "Opsøgende kontakt senest: ") {
		t.Errorf("first case's next deadline %q, want the outreach deadline and what it is", got)
	}
	testbrowser.CheckPage(t, ctx, "operator-cases")
	tenancy := text("#cases tbody tr:first-child a")

	do("open a case",
		chromedp.Click(chromedp.CSS("#cases tbody tr:first-child a")),
		chromedp.WaitVisible(chromedp.CSS("#action-outreach")))
	if got := text("#tenant"); !strings.HasPrefix(got, "Syntetisk Lejer") {
		t.Errorf("tenant %q", got)
	}
	if got := text("#action-outreach p.help"); strings.Contains(got, "contact_made") {
		t.Errorf("help text leaks a code value: %q", got)
	}
	testbrowser.CheckPage(t, ctx, "operator-case", tenancy, "T")

	do("record contact",
		chromedp.SetValue(chromedp.CSS("#action-outreach #f-outcome"), "contact_made"),
		chromedp.SendKeys(chromedp.CSS("#action-outreach #f-note"), "Talt med lejeren i telefonen."),
		chromedp.Click(chromedp.CSS("#action-outreach button")),
		chromedp.WaitVisible(chromedp.CSS(".flash, .alert")))
	if flash, stage := text(".flash, .alert"), text("#stage"); flash != "Registreret: Opsøgende kontakt." || stage != "Økonomisk rådgivning" {
		t.Errorf("after contact: flash %q, stage %q", flash, stage)
	}

	// Two instalments that pay the case's arrears off.
	arrears, err := danish.ParseAmount(strings.TrimSuffix(text("#arrears"), " kr."))
	if err != nil {
		t.Fatalf("arrears on the case page: %v", err)
	}
	first, due := arrears/2, s.Plan.DateOf(time.Now()).AddDays(14)
	instalments := fmt.Sprintf(`[{"due":"%s","amount":%d.%02d},{"due":"%s","amount":%d.%02d}]`,
		due, first/100, first%100, due.AddDays(30), (arrears-first)/100, (arrears-first)%100)
	do("record a payment plan",
		chromedp.WaitVisible(chromedp.CSS("#action-payment-plan")),
		chromedp.SendKeys(chromedp.CSS("#action-payment-plan #f-instalments"), instalments),
		chromedp.Click(chromedp.CSS("#action-payment-plan button")),
		chromedp.WaitVisible(chromedp.CSS("#instalments, .alert")))
	if flash, stage := text(".flash, .alert"), text("#stage"); flash != "Registreret: Afdragsordning." || stage != "Afdragsordning" {
		t.Errorf("after the payment plan: flash %q, stage %q", flash, stage)
	}
	timeline := text("#timeline")
	for _, want := range []string{"Fase: Opsøgende kontakt → Økonomisk rådgivning (kontakt opnået; økonomisk rådgivning startet)",
		"Fase: Økonomisk rådgivning → Afdragsordning (afdragsordning aftalt: 2 rate(r))"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}
	// The operator's steps name who took them: here the shared operator
	// token's sign-in.
	if got := text("#timeline tbody tr:last-child td.by"); got != "Fælles operatørnøgle" {
		t.Errorf("the payment plan's step is by %q, want the operator token's name", got)
	}
	if got := text("#due"); !strings.HasPrefix(got, "Næste rate forfalder: ") {
		t.Errorf("next deadline %q", got)
	}
	testbrowser.CheckPage(t, ctx, "operator-case-payment-plan", tenancy, "T")
}
