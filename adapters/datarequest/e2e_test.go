package datarequest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"helhed/danish"
	"helhed/internal/replaytest"
	"helhed/internal/testbrowser"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// The end-to-end test: a request is started on the embedded
// stack, its e-mail read from the outbox, the link opened in headless
// Chromium; a wrong value shows its Danish error beside the field and
// keeps what was typed, a right one is confirmed, and the workflow returns
// the data.
func TestBrowserAnswersRequest(t *testing.T) {
	ctx := testbrowser.New(t)
	in := formRequest("e2e/noerrevangsskolen", "noerrevangsskolen")
	run := start(t, in)

	header, body := readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeInvite, 0))
	if subj := decodeSubject(header); !strings.HasPrefix(subj, "Dataanmodning: "+in.Title) {
		t.Fatalf("subject %q", subj)
	}
	due, _ := plan.ParseDate(in.Due)
	for _, want := range []string{"Fristen er " + danish.LongDate(due), in.Instructions, "Svar her: http://"} {
		if !strings.Contains(body, want) {
			t.Fatalf("invitation lacks %q:\n%s", want, body)
		}
	}
	link := taskLink(t, in.RequestID)

	// An operator extends the deadline first, so the recorded history
	// holds an operator Update as well as the partner's.
	newDue := today().AddDays(21)
	h, err := stack.app.Temporal.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: run.GetID(), UpdateName: datarequest.UpdateExtend,
		Args: []any{datarequest.Extension{Due: newDue.String(), Reason: "test"}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	read := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	do(chromedp.Navigate(link), chromedp.WaitVisible(`form button[type=submit]`))
	if dueText := read(chromedp.Text(`main > p`)); !strings.Contains(dueText, danish.LongDate(newDue)) {
		t.Errorf("task page shows %q, not the extended due date", dueText)
	}
	do(
		chromedp.SendKeys(`#f-elever`, "120"),
		chromedp.SendKeys(`#f-fravaer-vangdalen`, "140"),
		chromedp.SendKeys(`#f-fravaer-gl-jennumparken`, "6,1"),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#f-fravaer-vangdalen-error`),
	)
	if errText := read(chromedp.Text(`#f-fravaer-vangdalen-error`)); !strings.Contains(errText, "140 er uden for 0–100") {
		t.Fatalf("error beside the field: %q", errText)
	}
	if kept := read(chromedp.Value(`#f-elever`)); kept != "120" {
		t.Fatalf("typed value not kept: %q", kept)
	}
	if st := state(t, in.RequestID); st.Status != datarequest.StatusOpen {
		t.Fatalf("wrong value changed the request: %+v", st)
	}

	do(
		chromedp.Clear(`#f-fravaer-vangdalen`),
		chromedp.SendKeys(`#f-fravaer-vangdalen`, "5,7"),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#kvittering`),
	)
	confirmation := read(chromedp.Text(`#kvittering`))
	if !strings.Contains(confirmation, "Tak – jeres svar er modtaget") || !strings.Contains(confirmation, "inden fristen") {
		t.Fatalf("confirmation %q", confirmation)
	}

	closeAnswered(t, stack.app.Temporal, in.RequestID)
	var res datarequest.Result
	getCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run.Get(getCtx, &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"elever": "120", "fravaer@vangdalen": "5.7", "fravaer@gl-jennumparken": "6.1"}
	if res.Status != datarequest.StatusAnswered || !res.OnTime || res.Due != newDue.String() || len(res.Values) != len(want) {
		t.Fatalf("result %+v", res)
	}
	for k, v := range want {
		if res.Values[k] != v {
			t.Fatalf("result %s = %q, want %q", k, res.Values[k], v)
		}
	}
	_, receipt := readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeReceipt, 0))
	if !strings.Contains(receipt, "Vi har modtaget jeres svar") {
		t.Fatalf("receipt:\n%s", receipt)
	}
	// The history for workflows/datarequest's replay test:
	// HELHED_RECORD_HISTORY=1 go test -run TestBrowserAnswersRequest ./adapters/datarequest
	replaytest.Record(t, stack.app.Temporal, run.GetID(), "../../workflows/datarequest/testdata/history.json")
}
