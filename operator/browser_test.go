package operator_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"helhed/workflows/crisis"
)

// chromium finds the browser; on CI (or under scripts/test) a missing one
// fails the test instead of skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found (install the Debian package chromium; scripts/test does)")
	}
	t.Skip("chromium not found")
	return ""
}

// TestBrowserCrisis: an operator logs in with the token, starts a crisis
// activation from the generated form, sees it "i gang" (the status in
// Danish), records the meeting time on the run's page, and sees the run
// advance to "Møde indkaldt".
func TestBrowserCrisis(t *testing.T) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first call starts the browser and must not carry a timeout.
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/operator/")); err != nil {
		t.Fatal(err)
	}
	ctx, cancelTimeout := context.WithTimeout(browser, 2*time.Minute)
	defer cancelTimeout()
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	id := func(s string) chromedp.ID { return chromedp.ID(s) }

	loc := shared.Plan.Location()
	in := crisis.Example(shared.Plan, time.Now())
	meeting := time.Now().In(loc).Add(3 * time.Hour).Truncate(time.Minute)
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(id("token")),
		chromedp.SendKeys(id("token"), token),
		chromedp.Click(id("login")),
		chromedp.WaitVisible(id("start-crisis")),
		chromedp.Click(id("start-crisis")),
		chromedp.WaitVisible(id("f-activatedBy")),
		chromedp.SetValue(id("f-activatedBy"), "politi"),
		chromedp.SetValue(id("f-incident"), crisis.StaffThreat),
		chromedp.SetValue(id("f-area"), in.Area),
		chromedp.SetValue(id("f-occurredAt"), in.OccurredAt.In(loc).Format("2006-01-02T15:04")),
		chromedp.SendKeys(id("f-summary"), "Trusler mod en medarbejder i beboerhuset."),
		chromedp.SendKeys(id("f-reference"), "browser"),
		chromedp.Click(id("submit")),
		chromedp.WaitVisible(id("action-confirm-meeting")),
	)
	if err != nil {
		t.Fatal(err)
	}
	workflowID, stage, status := text("#workflow-id"), text("#stage"), text("#status")
	defer cancelRun(t, workflowID)
	if !strings.HasSuffix(workflowID, "/threats-against-staff/browser") || stage != crisis.StageTitles[crisis.StageConvening] || status != "i gang" {
		t.Fatalf("after start: id %q stage %q status %q", workflowID, stage, status)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#action-confirm-meeting #f-at"), meeting.Format("2006-01-02T15:04")),
		chromedp.SendKeys(chromedp.CSS("#action-confirm-meeting #f-place"), "Bysekretariatet, Flyvervej 5"),
		chromedp.Click(chromedp.CSS("#action-confirm-meeting button")),
		chromedp.WaitVisible(id("action-move-meeting")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if stage, flash := text("#stage"), text(".flash"); stage != crisis.StageTitles[crisis.StageScheduled] || !strings.Contains(flash, "Bekræft mødetidspunkt") {
		t.Errorf("after confirming: stage %q flash %q", stage, flash)
	}
	d, err := runner.Describe(context.Background(), workflowID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stage != crisis.StageScheduled || d.DueAt == nil || !d.DueAt.Equal(meeting) {
		t.Errorf("run after the form: stage %s due %v, want %v", d.Stage, d.DueAt, meeting)
	}
}
