package operator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/danish"
	"helhed/internal/cycletest"
	"helhed/internal/testbrowser"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// workbench is a logged-in browser on the shared stack's operator pages.
type workbench struct {
	t   *testing.T
	ctx context.Context
}

func openWorkbench(t *testing.T) *workbench {
	wb := &workbench{t: t, ctx: testbrowser.New(t)}
	wb.do("log in",
		chromedp.Navigate(base+"/operator/login"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Operatørsider"]`)))
	return wb
}

func (wb *workbench) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	wb.t.Helper()
	if err := chromedp.Do(wb.ctx, actions...); err != nil {
		wb.t.Fatalf("%s: %v", step, err)
	}
}

func (wb *workbench) text(sel string) string {
	wb.t.Helper()
	v, err := chromedp.Run(wb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		wb.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// click clicks sel and waits until the next page's flash (or error)
// reads want.
func (wb *workbench) click(step, sel, want string) {
	wb.t.Helper()
	wb.do(step, chromedp.Click(chromedp.CSS(sel)))
	teststack.Eventually(wb.t, step, func() error {
		got, err := chromedp.Run(wb.ctx, chromedp.Evaluate[string](`(document.querySelector(".flash, .alert") || {}).textContent || ""`))
		if err == nil && strings.TrimSpace(got) != want {
			err = fmt.Errorf("message %q, want %q", got, want)
		}
		return err
	})
}

// backOn fails unless the browser is on the list page path with the
// query field key = value, where an Update's form returns after it ran.
func (wb *workbench) backOn(path, key, value string) {
	wb.t.Helper()
	loc, err := chromedp.Run(wb.ctx, chromedp.Location())
	if err != nil {
		wb.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil || u.Path != path || u.Query().Get(key) != value {
		wb.t.Errorf("after the Update the browser is on %s, want %s with %s=%s", loc, path, key, value)
	}
}

// open loads path and waits for sel.
func (wb *workbench) open(path, sel string) {
	wb.t.Helper()
	wb.do("open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// startTask starts a data request of its own (the API tests use the
// kind's example id) for partner, due in three weeks.
func startTask(t *testing.T, partner, name string) datarequest.Input {
	t.Helper()
	in := *datarequestadapter.Example(shared.Plan).(*datarequest.Input)
	in.RequestID = fmt.Sprintf("workbench/%s/%d", name, time.Now().UnixNano())
	in.Partner, in.Title = partner, "Antal deltagere ("+name+")"
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Start(context.Background(), datarequest.Kind, raw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancelRun(t, datarequest.WorkflowID(in.RequestID)) })
	return in
}

// TestBrowserWorkbenchPages: the meeting rounds (list and a round's page
// with its timeline and the Updates it takes) and the crisis activations
// show in Chromium; each page's structure is checked against
// testdata/structure (HELHED_UPDATE_SCREENSHOTS=1 rewrites it and the
// README's screenshots in docs/screenshots).
func TestBrowserWorkbenchPages(t *testing.T) {
	wb := openWorkbench(t)

	in := crisis.Example(shared.Plan, time.Now())
	in.Reference = "workbench"
	raw, _ := json.Marshal(in)
	started, err := runner.Start(context.Background(), crisis.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer cancelRun(t, started.WorkflowID)
	teststack.Eventually(t, "the activation and its deadline on the crises page", func() error {
		if err := chromedp.Do(wb.ctx, chromedp.Navigate(base+"/operator/crises?status=aabne"), chromedp.WaitVisible(chromedp.CSS("#crises"))); err != nil {
			return err
		}
		// This test's activation's row: other tests' activations may be
		// open too, and the list puts the earliest deadline first.
		got, err := chromedp.Run(wb.ctx, chromedp.Evaluate[string](`(() => {
			const row = [...document.querySelectorAll("#crises tbody tr")].find(tr =>
				decodeURIComponent(tr.querySelector("a").getAttribute("href")) === "/operator/runs/" + `+strconv.Quote(started.WorkflowID)+`);
			if (!row) return "not listed";
			return [".stage", ".next"].map(c => row.querySelector(c).innerText).join("|") + "|" + ((document.querySelector("#next-deadline") || {}).innerText || "");
		})()`))
		if err == nil && (!strings.HasPrefix(got, crisis.StageTitles[crisis.StageConvening]+"|") || !strings.Contains(got, "|Næste frist: ")) {
			err = fmt.Errorf("the activation %s on the open list: %q", started.WorkflowID, got)
		}
		return err
	})
	testbrowser.CheckPage(t, wb.ctx, "operator-crises")

	board := cycletest.UnplannedBoardDate(t, shared.Plan)
	raw, _ = json.Marshal(meeting.Input{Plan: shared.Plan.ID, BoardDate: board.String(), DeviationReason: "workbench-test"})
	round, err := runner.Start(context.Background(), meeting.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer cancelRun(t, round.WorkflowID)
	year, _ := shared.Plan.YearOf(board)
	wb.open("/operator/meetings?aar="+year.Label, "#round-"+board.String())
	testbrowser.CheckPage(t, wb.ctx, "operator-meetings")
	wb.do("open the round",
		chromedp.Click(chromedp.CSS("#round-"+board.String()+" a")),
		chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if got := wb.text("#timeline"); !strings.Contains(got, "Frist for partnernes data") || !strings.Contains(got, "Bestyrelsens møde") {
		t.Errorf("round timeline:\n%s", got)
	}
	if got := wb.text("#actions"); !strings.Contains(got, "Flyt bestyrelsesmødet") {
		t.Errorf("round's Updates: %q", got)
	}
	testbrowser.CheckPage(t, wb.ctx, "operator-meeting", board.String(), "D")
}

// TestBrowserWalkthrough is issue 17's walk through the workbench in
// Chromium: log in, import the example arrears list on the import page,
// open a case from the list, record contact and a payment plan, see the
// timeline; open the tasks page, extend a task and send its link again;
// pause and trigger a schedule; approve a report version.
func TestBrowserWalkthrough(t *testing.T) {
	wb := openWorkbench(t)

	// Eviction: the pages of adapters/eviction.
	list, err := filepath.Abs("../examples/rykkerliste.csv")
	if err != nil {
		t.Fatal(err)
	}
	wb.do("import the example list",
		chromedp.Navigate(base+"/operator/imports"),
		chromedp.WaitVisible(chromedp.CSS("#file")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list}),
		chromedp.Click(chromedp.CSS("#import")),
		chromedp.WaitVisible(chromedp.CSS("#result")))
	if got := wb.text("#summary"); !strings.Contains(got, "9 linjer læst") {
		t.Errorf("import summary %q", got)
	}
	wb.do("open a case from the list",
		chromedp.Navigate(base+"/operator/cases"),
		chromedp.WaitVisible(chromedp.CSS("#cases")),
		chromedp.Click(chromedp.CSS("#cases tbody tr:first-child a")),
		chromedp.WaitVisible(chromedp.CSS("#action-outreach")))
	wb.do("note the contact",
		chromedp.SetValue(chromedp.CSS("#action-outreach #f-outcome"), "contact_made"),
		chromedp.SendKeys(chromedp.CSS("#action-outreach #f-note"), "Talt med lejeren."))
	wb.click("record contact", "#action-outreach button", "Registreret: Opsøgende kontakt.")
	// Two instalments that pay the case's arrears off.
	arrears, err := danish.ParseAmount(strings.TrimSuffix(wb.text("#arrears"), " kr."))
	if err != nil {
		t.Fatalf("arrears on the case page: %v", err)
	}
	first, due := arrears/2, shared.Plan.DateOf(time.Now()).AddDays(14)
	wb.do("write the instalments",
		chromedp.WaitVisible(chromedp.CSS("#action-payment-plan")),
		chromedp.SendKeys(chromedp.CSS("#action-payment-plan #f-instalments"), fmt.Sprintf(`[{"due":"%s","amount":%d.%02d},{"due":"%s","amount":%d.%02d}]`,
			due, first/100, first%100, due.AddDays(30), (arrears-first)/100, (arrears-first)%100)))
	wb.click("record a payment plan", "#action-payment-plan button", "Registreret: Afdragsordning.")
	if got := wb.text("#timeline"); !strings.Contains(got, "Afdragsordning") {
		t.Errorf("case timeline lacks the payment plan:\n%s", got)
	}

	// Tasks: a partner of its own, so the page lists this task alone.
	partner := shared.Plan.Partners[len(shared.Plan.Partners)-1]
	task := startTask(t, partner.ID, "walkthrough")
	row := `#tasks tbody tr[id="task-` + task.RequestID + `"]`
	tasksPage := "/operator/tasks?status=open&partner=" + partner.ID
	teststack.Eventually(t, "the task on the tasks page", func() error {
		if err := chromedp.Do(wb.ctx, chromedp.Navigate(base+tasksPage)); err != nil {
			return err
		}
		n, err := chromedp.Run(wb.ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", row)))
		if err == nil && n != 1 {
			err = fmt.Errorf("%d rows for the task", n)
		}
		return err
	})
	if got := wb.text(row + " .status"); got != "Åben" {
		t.Errorf("task status %q", got)
	}
	testbrowser.CheckPage(t, wb.ctx, "operator-tasks", partner.Name, "P")

	// The form offers the day after the deadline.
	newDue, err := chromedp.Run(wb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, row+` input[name="due"]`)))
	if err != nil {
		t.Fatal(err)
	}
	wb.do("give a reason", chromedp.SendKeys(chromedp.CSS(row+` .extend input[name="reason"]`), "Partneren har bedt om en uge mere."))
	wb.click("extend the task", row+" .extend button", "Handlingen er udført: Forlæng fristen.")
	wb.backOn("/operator/tasks", "partner", partner.ID)
	teststack.Eventually(t, "the new deadline on the tasks page", func() error {
		if err := chromedp.Do(wb.ctx, chromedp.Navigate(base+tasksPage), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
			return err
		}
		d, err := chromedp.Run(wb.ctx, chromedp.Text(chromedp.CSS(row+" .due")))
		if err == nil && !strings.Contains(d, danishDate(t, newDue)) {
			err = fmt.Errorf("deadline %q, want %s", d, danishDate(t, newDue))
		}
		return err
	})
	wb.click("send the link again", row+" .resend button", "Linket er sendt igen til partneren: "+task.Title+".")

	// Schedules: pause one with a note, trigger it, unpause it.
	id := schedules.ID(shared.Plan.ID, schedules.CycleCrisisStatusMeeting)
	srow := `#schedules tr[id="schedule-` + schedules.CycleCrisisStatusMeeting + `"]`
	wb.open("/operator/schedules?sort=navn", srow)
	if name := wb.text(srow + " .name"); !strings.HasPrefix(name, "Beredskabets årlige statusmøde") {
		t.Errorf("schedule shown as %q, want its Danish title", name)
	}
	testbrowser.CheckPage(t, wb.ctx, "operator-schedules")
	wb.do("write a note", chromedp.SendKeys(chromedp.CSS(srow+` .pause input[name="note"]`), "Styregruppen holder pause i december."))
	wb.click("pause a schedule", srow+" .pause button", "Tidsplanen "+id+" er sat på pause.")
	if state := wb.text(srow + " .state"); !strings.HasPrefix(state, "På pause") || !strings.Contains(state, "holder pause i december") {
		t.Errorf("after pausing: state %q", state)
	}
	defer func() {
		if err := schedules.Unpause(context.Background(), shared.Temporal, id, "test finished"); err != nil {
			t.Logf("unpause %s: %v", id, err)
		}
	}()
	wb.click("trigger the schedule", srow+" .trigger button", "Tidsplanen "+id+" er udløst nu.")
	teststack.Eventually(t, "the trigger among the schedule's recent actions", func() error {
		ls, err := schedules.List(context.Background(), shared.Temporal, nil)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ls, func(l schedules.Listed) bool { return l.ID == id })
		if i < 0 || len(ls[i].Recent) == 0 || !ls[i].Paused {
			return fmt.Errorf("schedule %s: %+v", id, ls)
		}
		return nil
	})
	wb.click("unpause the schedule", srow+" .unpause button", "Tidsplanen "+id+" er genoptaget.")
	if state := wb.text(srow + " .state"); !strings.HasPrefix(state, "Aktiv") {
		t.Errorf("after unpausing: state %q", state)
	}

	// Reports: the example plan year's report, once it awaits the board.
	planYear := statistics.ExamplePlanYear(shared.Plan)
	raw, _ := json.Marshal(report.Input{PlanYear: planYear})
	if _, err := runner.Start(context.Background(), report.Kind, raw); err != nil {
		if re := (*runs.Error)(nil); !errors.As(err, &re) || re.Code != runs.CodeAlreadyRunning {
			t.Fatal(err)
		}
	}
	reportID := report.WorkflowID(report.Input{PlanYear: planYear})
	defer cancelRun(t, reportID)
	teststack.Eventually(t, "a report version awaiting the board", func() error {
		d, err := runner.Describe(context.Background(), reportID)
		if err == nil && !slices.Contains(d.Accepts, report.UpdateApprove) {
			err = fmt.Errorf("stage %s accepts %v", d.Stage, d.Accepts)
		}
		return err
	})
	wb.open("/operator/reports?status=afventer&aar="+planYear, "#reports .approve")
	if got := wb.text("#next-deadline"); !strings.Contains(got, "planår "+planYear) {
		t.Errorf("next deadline %q", got)
	}
	testbrowser.CheckPage(t, wb.ctx, "operator-reports", planYear, "Y")
	wb.do("comment", chromedp.SendKeys(chromedp.CSS(`#reports .approve textarea[name="comment"]`), "Godkendt på mødet."))
	wb.click("approve the version", "#reports .approve button", "Handlingen er udført: Godkend.")
	wb.backOn("/operator/reports", "aar", planYear)
	teststack.Eventually(t, "the approved version on the reports page", func() error {
		if err := chromedp.Do(wb.ctx, chromedp.Navigate(base+"/operator/reports?aar="+planYear), chromedp.WaitVisible(chromedp.CSS("#reports"))); err != nil {
			return err
		}
		s, err := chromedp.Run(wb.ctx, chromedp.Text(chromedp.CSS("#reports tbody tr:first-child .status")))
		if err == nil && !strings.HasPrefix(strings.TrimSpace(s), "Godkendt") {
			err = fmt.Errorf("status %q", s)
		}
		return err
	})
}

// danishDate writes an ISO date as the pages do.
func danishDate(t *testing.T, iso string) string {
	t.Helper()
	d, err := plan.ParseDate(iso)
	if err != nil {
		t.Fatal(err)
	}
	return danish.Date(d)
}
