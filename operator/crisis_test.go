package operator_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"helhed/internal/replaytest"
	"helhed/mailer"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

// TestCrisisThroughAPI drives one activation through every stage on the
// real stack: meeting (a few seconds ahead, so it is held during the
// test), SSP activation, resident information and evaluation. With
// HELHED_RECORD_HISTORY=1 it writes the run's history for the crisis
// package's replay test.
func TestCrisisThroughAPI(t *testing.T) {
	id := startCrisis(t, crisis.Shooting, "api-full")
	defer cancelRun(t, id)
	update := func(name string, arg any) apiResult {
		t.Helper()
		r := call(t, "POST", runPath(id, "/updates/", name), token, arg)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
		return r
	}
	stage := func(want string) {
		t.Helper()
		eventually(t, 60*time.Second, func() string {
			if d := call(t, "GET", runPath(id), token, nil); d.str("stage") != want {
				return "stage " + d.str("stage") + ", want " + want + ": " + d.Raw
			}
			return ""
		})
	}
	stage(crisis.StageConvening)
	// A meeting a few seconds ahead, so it is held during the test; on a
	// machine so loaded that it has passed before the validator runs, the
	// refusal names it and the next try sets a new time.
	for try := 0; ; try++ {
		r := call(t, "POST", runPath(id, "/updates/", crisis.UpdateConfirmMeeting),
			token, map[string]any{"at": time.Now().Add(5 * time.Second).Format(time.RFC3339Nano), "place": "Beboerhuset"})
		if r.Status == http.StatusOK {
			break
		}
		if try == 3 || r.str("field") != "at" {
			t.Fatalf("confirm-meeting: %d %s", r.Status, r.Raw)
		}
	}
	stage(crisis.StageFollowUp)
	// An Update validator's refusal reads as the field's Danish message.
	cpr := call(t, "POST", runPath(id, "/updates/", crisis.UpdateResidentInfo), token, map[string]any{"needed": true, "message": "Kontakt 010203-1234"})
	assertPlainRefusal(t, cpr, "message", "må ikke indeholde CPR-numre")
	update(crisis.UpdateSSP, map[string]any{"activated": true})
	update(crisis.UpdateResidentInfo, map[string]any{"needed": true, "message": "Politiet er til stede i området i aften."})
	if r := update(crisis.UpdateApproveInfo, map[string]any{}); !strings.Contains(r.Raw, `"sentTo":`) {
		t.Errorf("approve result %s", r.Raw)
	}
	update(crisis.UpdateClose, map[string]any{"evaluate": true})
	stage(crisis.StageEvaluation)
	update(crisis.UpdateEvaluation, map[string]any{"summary": "Beredskabet virkede.", "channelsWorked": true})
	eventually(t, 30*time.Second, func() string {
		if d := call(t, "GET", runPath(id), token, nil); d.str("status") != runs.StatusCompleted {
			return "not completed: " + d.Raw
		}
		return ""
	})

	outbox := filepath.Join(shared.Config.DataDir, "outbox")
	run := firstRunID(t, id)
	for _, key := range []string{"/activated/sekretariatsleder", "/meeting-0", "/task-ssp", "/resident-information", "/task-evaluation", "/evaluation"} {
		if _, err := os.Stat(filepath.Join(outbox, mailer.FileName(workflows.RunMailKey(run, id+key)))); err != nil {
			t.Errorf("mail %s: %v", key, err)
		}
	}
	metrics := shared.Scrape(t)
	if v := metricValue(metrics, `helhed_crisis_activations_total{type="shooting"}`); v < 1 {
		t.Errorf("activations{shooting} = %v", v)
	}
	if v := metricValue(metrics, `helhed_crisis_time_to_first_meeting_seconds_count`); v < 1 {
		t.Errorf("time to first meeting count = %v", v)
	}
	replaytest.Record(t, shared.Temporal, id, "../workflows/crisis/testdata/activation-history.json")
}

// firstRunID is the first run of workflow id's chain, which its e-mail
// keys carry (workflows.MailKey).
func firstRunID(t *testing.T, id string) string {
	t.Helper()
	d, err := shared.Temporal.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatalf("describe %s: %v", id, err)
	}
	return d.GetWorkflowExecutionInfo().GetFirstRunId()
}

// TestCrisisActivatedAgain: a crisis activated, cancelled and activated
// again for the same area, day and incident (the same workflow id) is a new
// run of the closed key, the start answer says so, and it sends every
// activation e-mail again, because their keys are the run's; the first
// run's e-mails are not sent a second time (issue 13, item 2).
func TestCrisisActivatedAgain(t *testing.T) {
	start := func() apiResult {
		t.Helper()
		in := crisis.Example(shared.Plan, time.Now())
		in.Incident, in.Reference = crisis.Shooting, "activated-again"
		r := call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": crisis.Kind, "input": in})
		if r.Status != http.StatusCreated {
			t.Fatalf("start crisis: %d %s", r.Status, r.Raw)
		}
		return r
	}
	roles := shared.Plan.Governance.Crisis.Roles
	if len(roles) == 0 {
		t.Fatal("the plan has no crisis group")
	}
	activation := func(id, run, role string) string {
		return filepath.Join(shared.Config.DataDir, "outbox", mailer.FileName(workflows.RunMailKey(run, id+"/activated/"+role)))
	}
	// allSent waits for the run's activation e-mail to every member of the
	// crisis group.
	allSent := func(id, run string) func() string {
		return func() string {
			n := 0
			for _, r := range roles {
				if outboxHas(run, id+"/activated/"+r.ID) {
					n++
				}
			}
			if n != len(roles) {
				return fmt.Sprintf("run %s sent %d of its %d activation e-mails", run, n, len(roles))
			}
			return ""
		}
	}

	r := start()
	id, first := r.str("workflowId"), r.str("runId")
	if r.str("outcome") != string(runs.OutcomeStarted) || r.Body["previous"] != nil || r.str("message") != "kørslen er startet" {
		t.Errorf("first activation's answer: %s", r.Raw)
	}
	eventually(t, 60*time.Second, allSent(id, first))
	if _, err := runner.Cancel(context.Background(), id, "aktiveret ved en fejl"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	status := waitClosed(t, id)
	firstMail := map[string][]byte{}
	for _, role := range roles {
		b, err := os.ReadFile(activation(id, first, role.ID))
		if err != nil {
			t.Fatal(err)
		}
		firstMail[role.ID] = b
	}

	r = start()
	again, second := r.str("workflowId"), r.str("runId")
	defer cancelRun(t, again)
	assertRerun(t, r, id, first, status)
	if got := firstRunID(t, id); got != second {
		t.Fatalf("first run of the new chain %s, want %s", got, second)
	}
	eventually(t, 60*time.Second, allSent(id, second))
	for role, want := range firstMail {
		if b, err := os.ReadFile(activation(id, first, role)); err != nil || string(b) != string(want) {
			t.Errorf("the first run's activation e-mail to %s changed: %v", role, err)
		}
	}
}

// TestCrisisRefusalIsPlainDanish: a start refused by the crisis validator
// reads as the field's Danish message, without the "(type: FieldError,
// retryable: false)" of a Temporal ApplicationError, and starts nothing.
func TestCrisisRefusalIsPlainDanish(t *testing.T) {
	in := crisis.Example(shared.Plan, time.Now())
	in.Reference = "cpr-refusal" // a key no other test uses
	in.Summary = "Beboeren i nr. 4 (010203-1234) blev truet."
	r := call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": crisis.Kind, "input": in})
	assertPlainRefusal(t, r, "input.summary", "må ikke indeholde CPR-numre")
	if _, err := runner.Describe(t.Context(), crisis.WorkflowID(in)); runs.HTTPStatus(err) != http.StatusNotFound {
		t.Errorf("a refused start left a run: %v", err)
	}
}

// assertPlainRefusal checks that r is a 400 naming field with exactly the
// Danish message msg.
func assertPlainRefusal(t *testing.T, r apiResult, field, msg string) {
	t.Helper()
	if r.Status != http.StatusBadRequest || r.str("field") != field || r.str("error") != msg ||
		strings.Contains(r.Raw, "type:") || strings.Contains(r.Raw, "retryable") {
		t.Errorf("got %d %s; want 400 field %q error %q", r.Status, r.Raw, field, msg)
	}
}

// metricValue is the value of the series named exactly so (-1 if absent).
func metricValue(body, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}
