package datarequest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// TestPartnerCorrectsThroughThePortal: a partner answers in the portal,
// sees that the answer can be corrected until the deadline, is refused a
// decimal and a negative count with messages naming the field, sends a
// new answer (version 2, its own receipt), and the secretariat then
// corrects it with a reason through the run layer and closes it. The
// result is the corrected answer; no step leaves drift in the read model.
// With HELHED_RECORD_HISTORY=1 it records testdata/history-corrected.json
// for the datarequest package's replay test.
func TestPartnerCorrectsThroughThePortal(t *testing.T) {
	s := stack.app
	ctx := context.Background()
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	in := formRequest("correct/portal", "ppr")
	start(t, in)
	link := taskLink(t, in.RequestID)
	sendWith := func(csrf, elever string) (int, string) {
		t.Helper()
		return post(t, link, url.Values{"csrf": {csrf}, "elever": {elever}, "fravaer@vangdalen": {"5,7"}, "fravaer@gl-jennumparken": {"6,1"}}, nil)
	}
	send := func(elever string) (int, string) {
		t.Helper()
		return sendWith(csrfOf(t, link), elever)
	}
	settled := func(step string) {
		t.Helper()
		s.Settled(t, datarequest.WorkflowID(in.RequestID))
		s.NoDrift(t, datarequest.Kind, step)
	}

	if code, body := send("12"); code != http.StatusSeeOther {
		t.Fatalf("first answer: %d %.600s", code, body)
	}
	settled("the first answer")
	code, page := get(t, link)
	if code != http.StatusOK || !strings.Contains(page, "Opgaven er besvaret") || !strings.Contains(page, `id="ret-svaret"`) || !strings.Contains(page, `name="elever"`) {
		t.Fatalf("answered page without the correction form: %d %.1500s", code, page)
	}
	for _, c := range []struct{ value, message string }{
		{"3,5", "Antal elever skal være et helt tal (fx 3), ikke 3,5."},
		{"-12", "Antal elever skal være 0 eller mere, ikke -12."},
	} {
		if code, page := send(c.value); code != http.StatusUnprocessableEntity || !strings.Contains(page, c.message) {
			t.Errorf("%q: %d, want %q in %.1500s", c.value, code, c.message, page)
		}
	}
	if n := updatesIn(t, in.RequestID); n != 1 {
		t.Fatalf("refused answers left %d accepted updates, want 1", n)
	}

	if code, body := send("14"); code != http.StatusSeeOther {
		t.Fatalf("new answer: %d %.600s", code, body)
	}
	if code, page := get(t, link+"?kvittering"); code != http.StatusOK || !strings.Contains(page, "Tak – jeres svar er modtaget") || !strings.Contains(page, "2 versioner") {
		t.Fatalf("confirmation of the new answer: %d %.1500s", code, page)
	}
	header, receipt := readMail(t, noticeKey(t, s.Temporal, in.RequestID, datarequest.NoticeReceipt, 2))
	if !strings.Contains(decodeSubject(header), "rettet svar") || !strings.Contains(receipt, "rettede svar") {
		t.Fatalf("receipt of version 2: %s\n%s", decodeSubject(header), receipt)
	}
	settled("the new answer")
	if st := state(t, in.RequestID); st.AnswerVersion != 2 || len(st.Versions) != 2 || st.Versions[1].SubmittedBy != "portal" {
		t.Fatalf("state after the new answer: %+v", st)
	}

	raw, _ := json.Marshal(datarequest.Correction{Reason: "Skolen har meldt et forkert elevtal",
		Values: map[string]string{"elever": "15", "fravaer@vangdalen": "5,7", "fravaer@gl-jennumparken": "6,1"}})
	if _, err := runner.Update(ctx, datarequest.WorkflowID(in.RequestID), datarequest.UpdateCorrect, raw); err != nil {
		t.Fatalf("correct: %v", err)
	}
	settled("the correction")
	if _, body := readMail(t, noticeKey(t, s.Temporal, in.RequestID, datarequest.NoticeCorrected, 3)); !strings.Contains(body, "Skolen har meldt et forkert elevtal") {
		t.Fatalf("correction notice:\n%s", body)
	}

	csrf := csrfOf(t, link)
	raw, _ = json.Marshal(datarequest.Cancellation{Reason: "Svaret er endeligt"})
	if _, err := runner.Update(ctx, datarequest.WorkflowID(in.RequestID), datarequest.UpdateCancel, raw); err != nil {
		t.Fatalf("close: %v", err)
	}
	var res datarequest.Result
	if err := s.Temporal.GetWorkflow(ctx, datarequest.WorkflowID(in.RequestID), "").Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != datarequest.StatusAnswered || res.Values["elever"] != "15" || !res.OnTime {
		t.Fatalf("result %+v", res)
	}
	settled("the close")
	if code, page := sendWith(csrf, "16"); code != http.StatusConflict || strings.Contains(page, `id="ret-svaret"`) {
		t.Fatalf("answer after the close: %d %.800s", code, page)
	}
	replaytest.Record(t, s.Temporal, datarequest.WorkflowID(in.RequestID), "../../workflows/datarequest/testdata/history-corrected.json")
}
