package eviction_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	evictionadapter "helhed/adapters/eviction"
	"helhed/arrears"
	"helhed/internal/replaytest"
	"helhed/internal/testsmtp"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// smtpDownHistory is the replay test's history of a termination whose
// § 92 notice is sent after the Update returned (ChangeNoticeAfterAck).
const smtpDownHistory = "../../workflows/eviction/testdata/eviction-case-history-notice-after-ack.json"

// TestKommuneNoticeWaitsForTheMailServer: with the SMTP server down, the
// termination is acknowledged at once, but the § 92 notice is not marked
// sent and the court request is refused while the send fails; once the
// server is back the notice is delivered once and marked sent.
func TestKommuneNoticeWaitsForTheMailServer(t *testing.T) {
	smtp := testsmtp.Start(t)
	s := teststack.StartT(t, teststack.Options{
		Name: "eviction-smtp", Env: map[string]string{"SMTP_URL": smtp.URL()},
		PayloadKeyFile: "../../workflows/eviction/" + replaytest.KeyFile,
	})
	ctx := context.Background()

	// A case whose arrears fell due 90 days ago, so every legal deadline
	// has run out by today.
	due, listDate := today().AddDays(-90), today().AddDays(-80)
	number := "29-555-3"
	csv := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\n" +
		number + ";Randers Boligforening af 1940;29;Test Testesen;Prøvevej 1, 8930 Randers NØ;+45 11 22 33 44;5.000,00;" +
		fmt.Sprintf("%02d-%02d-%04d", due.Day, due.Month, due.Year) + ";2\n"
	req, _ := http.NewRequest("POST", "http://"+s.HTTPAddr()+"/api/v1/arrears?listDate="+listDate.String(), strings.NewReader(csv))
	req.Header.Set("Authorization", "Bearer "+s.Config.OperatorToken)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", number))

	step := func(name string, arg any) (eviction.View, error) {
		t.Helper()
		uctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		h, err := s.Temporal.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return eviction.View{}, err
		}
		var v eviction.View
		err = h.Get(uctx, &v)
		return v, err
	}
	stateOf := func() eviction.State {
		t.Helper()
		res, err := s.Temporal.QueryWorkflow(ctx, id, "", eviction.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var st eviction.State
		if err := res.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	teststack.Eventually(t, "case opened", func() error {
		if _, err := s.Temporal.DescribeWorkflowExecution(ctx, id, ""); err != nil {
			return err
		}
		if st := stateOf(); st.Stage != eviction.StageOutreach {
			return fmt.Errorf("stage %s", st.Stage)
		}
		return nil
	})
	if _, err := step(eviction.UpdateEscalate, eviction.EscalateArg{Reason: "ingen kontakt", DueDate: due}); err != nil {
		t.Fatal(err)
	}
	if _, err := step(eviction.UpdateDemand, eviction.DemandArg{On: listDate, Method: legal.DigitalPost}); err != nil {
		t.Fatal(err)
	}

	smtp.Stop()
	term, err := step(eviction.UpdateTerminate, eviction.DateArg{})
	if err != nil || term.Legal.TerminatedOn != today() {
		t.Fatalf("terminate with the mail server down: %v %+v", err, term.Legal)
	}
	// The notice's send has failed (its activity retries; the failure
	// itself is sealed by the payload codec) and the case still says the
	// kommune is not notified.
	teststack.Eventually(t, "the notice's send failing", func() error {
		d, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return err
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetActivityType().GetName() == workflows.ActivitySendMail && a.GetAttempt() >= 2 {
				return nil
			}
		}
		return fmt.Errorf("no failing send in %v", d.GetPendingActivities())
	})
	if l := stateOf().Legal; !l.KommuneNotifiedOn.IsZero() {
		t.Fatalf("notice marked sent while the mail server is down: %+v", l)
	}
	if _, err := step(eviction.UpdateCourt, eviction.DateArg{}); err == nil || !strings.Contains(err.Error(), "kommunen er endnu ikke underrettet") {
		t.Fatalf("court request while the notice is unsent: %v", err)
	}
	if rows := casesOn(t, s, id); rows != nil && rows.Legal != nil && !rows.Legal.KommuneNotifiedOn.IsZero() {
		t.Fatalf("read model says notified: %+v", rows.Legal)
	}

	if err := smtp.Start(); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the kommune notified", func() error {
		if l := stateOf().Legal; l.KommuneNotifiedOn != today() {
			return fmt.Errorf("legal %+v", l)
		}
		return nil
	})
	st := stateOf()
	if n := smtp.Count(mailer.MessageID(eviction.NoticeKey(st.TenancyID, st.CaseID))); n != 1 {
		t.Fatalf("the notice was delivered %d times", n)
	}
	if _, err := step(eviction.UpdateCourt, eviction.DateArg{}); err != nil {
		t.Fatalf("court request after the notice: %v", err)
	}
	if _, err := step(eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeAverted}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := s.Temporal.GetWorkflow(wctx, id, "").Get(wctx, nil); err != nil {
		t.Fatal(err)
	}
	replaytest.Record(t, s.Temporal, id, smtpDownHistory)
}

// casesOn is the read model's row of the case, from stack s's API.
func casesOn(t testing.TB, s *teststack.Stack, workflowID string) *evictionadapter.CaseRow {
	t.Helper()
	code, body := teststack.Get(t, "http://"+s.HTTPAddr()+"/api/v1/cases", s.Config.OperatorToken)
	if code != http.StatusOK {
		t.Fatalf("cases: %d %s", code, body)
	}
	var res evictionadapter.CasesResponse
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	for i := range res.Cases {
		if res.Cases[i].WorkflowID == workflowID {
			return &res.Cases[i]
		}
	}
	return nil
}
