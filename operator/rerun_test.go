package operator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	absenceadapter "helhed/adapters/absence"
	datarequestadapter "helhed/adapters/datarequest"
	"helhed/internal/cycletest"
	"helhed/mailer"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// Issue 13, item 2: each kind says whether a closed business key may run
// again, and the start answer says what happened. A crisis rerun is
// TestCrisisActivatedAgain; an annual-report rerun numbers its versions on
// (workflows/report TestAnnualReportRerunNumbersOn).

// outboxHas reports whether the stack's outbox holds the e-mail keyed key
// of the run chain firstRun.
func outboxHas(firstRun, key string) bool {
	_, err := os.Stat(filepath.Join(shared.Config.DataDir, "outbox", mailer.FileName(workflows.RunMailKey(firstRun, key))))
	return err == nil
}

// waitClosed waits until the latest run of id has ended and returns its
// status.
func waitClosed(t *testing.T, id string) string {
	t.Helper()
	var status string
	eventually(t, 60*time.Second, func() string {
		d := call(t, "GET", runPath(id), token, nil)
		if status = d.str("status"); status == runs.StatusRunning || d.Status != http.StatusOK {
			return "not closed: " + d.Raw
		}
		return ""
	})
	return status
}

// assertRerun checks that r is a 201 for a new run of id after the closed
// run prev, which ended as status.
func assertRerun(t *testing.T, r apiResult, id, prev, status string) {
	t.Helper()
	previous, _ := r.Body["previous"].(map[string]any)
	if r.Status != http.StatusCreated || r.str("workflowId") != id || r.str("runId") == prev || r.str("outcome") != string(runs.OutcomeRerun) ||
		previous["runId"] != prev || previous["status"] != status || previous["statusTitle"] != runs.StatusTitle(status) ||
		!strings.Contains(r.str("message"), "den forrige kørsel er "+runs.StatusTitle(status)) {
		t.Fatalf("rerun of %s after %s (%s): %d %s", id, prev, status, r.Status, r.Raw)
	}
}

// TestMeetingRoundRelaunched: a meeting round cancelled after it sent its
// invitations and launched again for the same board date is a new run of
// the closed key, and it sends both invitations again.
func TestMeetingRoundRelaunched(t *testing.T) {
	board := cycletest.UnplannedBoardDate(t, shared.Plan)
	in := meeting.Input{Plan: shared.Plan.ID, BoardDate: board.String(), DeviationReason: "test"}
	key := func(body string) string { return "meeting/" + in.Plan + "/" + in.Key() + "/invite-" + body + "-0" }
	invitations := func(run string) int {
		n := 0
		for _, body := range []string{"styregruppe", "bestyrelse"} {
			if outboxHas(run, key(body)) {
				n++
			}
		}
		return n
	}
	allSent := func(run string) func() string {
		return func() string {
			if n := invitations(run); n != 2 {
				return fmt.Sprintf("run %s sent %d of its 2 invitations", run, n)
			}
			return ""
		}
	}
	start := func() apiResult {
		t.Helper()
		return call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": meeting.Kind, "input": in})
	}

	r := start()
	if r.Status != http.StatusCreated || r.str("outcome") != string(runs.OutcomeStarted) || r.Body["previous"] != nil {
		t.Fatalf("first launch: %d %s", r.Status, r.Raw)
	}
	id, first := r.str("workflowId"), r.str("runId")
	defer cancelRun(t, id)
	eventually(t, 90*time.Second, allSent(first))
	if _, err := runner.Cancel(t.Context(), id, "flyttes til en anden dato"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	status := waitClosed(t, id)

	again := start()
	assertRerun(t, again, id, first, status)
	second := again.str("runId")
	if got := firstRunID(t, id); got != second {
		t.Fatalf("first run of the new chain %s, want %s", got, second)
	}
	eventually(t, 90*time.Second, allSent(second))
}

// TestDataRequestIDIsUsedOnce: a data request cancelled and started again
// under its id is refused with a Danish 409 that says the id was used and
// closed and asks for a new id; while it runs, a second start is refused
// as running. A new id starts.
func TestDataRequestIDIsUsedOnce(t *testing.T) {
	in := datarequestadapter.Example(shared.Plan).(*datarequest.Input)
	in.RequestID = strings.Replace(in.RequestID, "eksempel/", "bruges-en-gang/", 1)
	start := func() apiResult {
		t.Helper()
		return call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": datarequest.Kind, "input": in})
	}
	r := start()
	if r.Status != http.StatusCreated || r.str("outcome") != string(runs.OutcomeStarted) {
		t.Fatalf("start: %d %s", r.Status, r.Raw)
	}
	id, run := r.str("workflowId"), r.str("runId")
	defer cancelRun(t, id)
	if dup := start(); dup.Status != http.StatusConflict || dup.str("outcome") != string(runs.OutcomeRefusedRunning) || dup.str("runId") != run {
		t.Errorf("second start while open: %d %s", dup.Status, dup.Raw)
	}
	if _, err := runner.Cancel(t.Context(), id, "sendt ved en fejl"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	status := waitClosed(t, id)

	again := start()
	want := fmt.Sprintf("id'et %s er brugt af en afsluttet kørsel (%s); dataanmodning startes ikke igen under samme id – brug et nyt id",
		id, runs.StatusTitle(status))
	if again.Status != http.StatusConflict || again.str("outcome") != string(runs.OutcomeRefusedClosed) || again.str("error") != want ||
		again.str("workflowId") != id || again.str("runId") != run {
		t.Errorf("start under the closed id: %d %s; want 409 %q", again.Status, again.Raw, want)
	}
	if d := call(t, "GET", runPath(id), token, nil); d.str("runId") != run {
		t.Errorf("the refused start left a run: %s", d.Raw)
	}

	// The start form says so too, linking the closed run.
	p := newPageClient(t)
	p.login(token)
	pg := p.post("/operator/start/"+datarequest.Kind, inputForm(t, p.csrf(p.get("/operator/start/"+datarequest.Kind)), in))
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "Se den afsluttede") || !strings.Contains(pg.Body, "brug et nyt id") {
		t.Errorf("start form under the closed id: %d\n%.2000s", pg.Status, pg.Body)
	}

	in.RequestID += "-2"
	fresh := start()
	if fresh.Status != http.StatusCreated || fresh.str("outcome") != string(runs.OutcomeStarted) {
		t.Fatalf("start under a new id: %d %s", fresh.Status, fresh.Raw)
	}
	cancelRun(t, fresh.str("workflowId"))
}

// TestPagesSayRerun: the start form's answer to a rerun names it and the
// previous run's status.
func TestPagesSayRerun(t *testing.T) {
	p := newPageClient(t)
	p.login(token)
	csrf := p.csrf(p.get("/operator/start/crisis"))
	form := crisisForm(csrf, crisis.Arson, "pages-rerun")
	pg := p.post("/operator/start/crisis", form)
	if pg.Status != http.StatusSeeOther || !strings.HasSuffix(pg.Location, "?startet=1") {
		t.Fatalf("first start: %d %s", pg.Status, pg.Location)
	}
	if rp := p.get(pg.Location); !strings.Contains(rp.Body, "Kørslen er startet.") {
		t.Errorf("first start's flash:\n%.2000s", rp.Body)
	}
	id, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(pg.Location, "/operator/runs/"), "?startet=1"))
	if _, err := runner.Cancel(t.Context(), id, "falsk alarm"); err != nil {
		t.Fatal(err)
	}
	status := waitClosed(t, id)
	again := p.post("/operator/start/crisis", form)
	defer cancelRun(t, id)
	if again.Status != http.StatusSeeOther || !strings.HasSuffix(again.Location, "?startet=igen&forrige="+status) {
		t.Fatalf("rerun: %d %s", again.Status, again.Location)
	}
	want := "En ny kørsel er startet med samme nøgle. Den forrige kørsel er " + runs.StatusTitle(status) + "."
	if rp := p.get(again.Location); !strings.Contains(rp.Body, want) {
		t.Errorf("rerun's flash lacks %q:\n%.2000s", want, rp.Body)
	}
	// A status the run layer does not know is not echoed.
	if rp := p.get("/operator/runs/" + url.PathEscape(id) + "?startet=igen&forrige=%3Cb%3Ehej"); strings.Contains(rp.Body, "hej") {
		t.Errorf("unknown previous status shown:\n%.2000s", rp.Body)
	}
}

// inputForm is the start form filled in with input's values.
func inputForm(t *testing.T, csrf string, input any) url.Values {
	t.Helper()
	raw, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := json.Unmarshal(raw, &values); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrf": {csrf}}
	for _, f := range runs.Fields(input, nil) {
		v, ok := values[f.Name]
		if !ok || v == nil {
			continue
		}
		switch f.Type {
		case runs.FieldList:
			var lines []string
			for _, item := range v.([]any) {
				lines = append(lines, fmt.Sprint(item))
			}
			form.Set(f.Name, strings.Join(lines, "\n"))
		case runs.FieldJSON:
			b, _ := json.Marshal(v)
			form.Set(f.Name, string(b))
		case runs.FieldBool:
			if v == true {
				form.Set(f.Name, "on")
			}
		default:
			form.Set(f.Name, fmt.Sprint(v))
		}
	}
	return form
}

// TestKindsSayRerunPolicy: GET /api/v1/kinds says per kind whether a closed
// key may start again.
func TestKindsSayRerunPolicy(t *testing.T) {
	r := call(t, "GET", "/api/v1/kinds", token, nil)
	var body struct {
		Kinds []struct {
			Name  string `json:"name"`
			Rerun string `json:"rerun"`
		} `json:"kinds"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{crisis.Kind: "allowed", meeting.Kind: "allowed", datarequest.Kind: "refused"}
	for _, k := range body.Kinds {
		if w, ok := want[k.Name]; ok && k.Rerun != w {
			t.Errorf("%s: rerun %q, want %q", k.Name, k.Rerun, w)
		}
		delete(want, k.Name)
	}
	if len(want) > 0 {
		t.Errorf("kinds missing: %v", want)
	}
}

// TestAbsenceRoundRelaunched: an absence round cancelled after it asked the
// schools and launched again for the same quarter is a new run of the
// closed key; its requests to the schools are new runs of their request
// ids, and each sends its invitation again (keys per run).
func TestAbsenceRoundRelaunched(t *testing.T) {
	in := absenceadapter.RunKind().Example(shared.Plan)
	start := func() apiResult {
		t.Helper()
		return call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": absence.Kind, "input": in})
	}
	// children are the round's open requests with their current run ids.
	children := func(id string) map[string]string {
		d, err := shared.Temporal.DescribeWorkflowExecution(t.Context(), id, "")
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		out := map[string]string{}
		for _, c := range d.GetPendingChildren() {
			out[c.GetWorkflowId()] = c.GetRunId()
		}
		return out
	}
	invited := func(round string) map[string]string {
		var kids map[string]string
		eventually(t, 90*time.Second, func() string {
			kids = children(round)
			if len(kids) == 0 {
				return "the round asked no school"
			}
			for child, run := range kids {
				reqID := strings.TrimPrefix(child, datarequest.Kind+"/")
				if run == "" || !outboxHas(run, datarequest.MailKey(reqID, datarequest.NoticeInvite, 0)) {
					return "no invitation yet from " + child + " run " + run
				}
			}
			return ""
		})
		return kids
	}

	r := start()
	if r.Status != http.StatusCreated {
		t.Fatalf("first launch: %d %s", r.Status, r.Raw)
	}
	id, first := r.str("workflowId"), r.str("runId")
	defer cancelRun(t, id)
	before := invited(id)
	if _, err := runner.Cancel(t.Context(), id, "startet med forkert kvartal"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	status := waitClosed(t, id)
	for child := range before {
		waitClosed(t, child)
	}

	again := start()
	assertRerun(t, again, id, first, status)
	after := invited(id)
	if len(after) != len(before) {
		t.Fatalf("the relaunch asked %d schools, the first run %d", len(after), len(before))
	}
	for child, run := range after {
		if run == before[child] {
			t.Errorf("%s: the relaunch reused the closed request run %s", child, run)
		}
	}
}
