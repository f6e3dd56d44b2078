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
	c := startSMTPCase(t, "eviction-smtp", "29-555-3")
	ctx := context.Background()

	c.SMTP.Stop()
	term, err := c.step(t, eviction.UpdateTerminate, eviction.DateArg{})
	if err != nil || term.Legal.TerminatedOn != today() {
		t.Fatalf("terminate with the mail server down: %v %+v", err, term.Legal)
	}
	// The notice's send has failed (its activity retries; the failure
	// itself is sealed by the payload codec) and the case still says the
	// kommune is not notified.
	teststack.Eventually(t, "the notice's send failing", func() error {
		d, err := c.Temporal.DescribeWorkflowExecution(ctx, c.ID, "")
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
	if l := c.state(t).Legal; !l.KommuneNotifiedOn.IsZero() {
		t.Fatalf("notice marked sent while the mail server is down: %+v", l)
	}
	if _, err := c.step(t, eviction.UpdateCourt, eviction.DateArg{}); err == nil || !strings.Contains(err.Error(), "kommunen er endnu ikke underrettet") {
		t.Fatalf("court request while the notice is unsent: %v", err)
	}
	if rows := casesOn(t, c.Stack, c.ID); rows != nil && rows.Legal != nil && !rows.Legal.KommuneNotifiedOn.IsZero() {
		t.Fatalf("read model says notified: %+v", rows.Legal)
	}

	if err := c.SMTP.Start(); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the kommune notified", func() error {
		if l := c.state(t).Legal; l.KommuneNotifiedOn != today() {
			return fmt.Errorf("legal %+v", l)
		}
		return nil
	})
	st := c.state(t)
	if n := c.SMTP.Count(mailer.MessageID(eviction.NoticeKey(st.TenancyID, st.CaseID))); n != 1 {
		t.Fatalf("the notice was delivered %d times", n)
	}
	if _, err := c.step(t, eviction.UpdateCourt, eviction.DateArg{}); err != nil {
		t.Fatalf("court request after the notice: %v", err)
	}
	if _, err := c.step(t, eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeAverted}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := c.Temporal.GetWorkflow(wctx, c.ID, "").Get(wctx, nil); err != nil {
		t.Fatal(err)
	}
	replaytest.Record(t, c.Temporal, c.ID, smtpDownHistory)
}

// smtpCase is a stack of its own that sends e-mail through a loopback
// SMTP server, with one case imported through the API, escalated and its
// påkrav sent, whose every legal deadline has run out: it can be
// terminated today.
type smtpCase struct {
	*teststack.Stack
	SMTP *testsmtp.Server
	ID   string // the case's workflow ID
}

// startSMTPCase starts the stack (named name) and the case of tenancy
// number (of Randers Boligforening af 1940, department 29).
func startSMTPCase(t *testing.T, name, number string) *smtpCase {
	t.Helper()
	smtp := testsmtp.Start(t)
	s := teststack.StartT(t, teststack.Options{
		Name: name, Env: smtp.Env(),
		PayloadKeyFile: "../../workflows/eviction/" + replaytest.KeyFile,
	})
	c := &smtpCase{Stack: s, SMTP: smtp, ID: eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", number))}

	// Arrears that fell due 90 days ago, so every legal deadline has run
	// out by today.
	due, listDate := today().AddDays(-90), today().AddDays(-80)
	csv := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\n" +
		number + ";Randers Boligforening af 1940;29;Test Testesen;Prøvevej 1, 8930 Randers NØ;+45 11 22 33 44;5.000,00;" +
		fmt.Sprintf("%02d-%02d-%04d", due.Day, due.Month, due.Year) + ";2\n"
	if code, body := teststack.Call(t, "POST", "http://"+s.HTTPAddr()+"/api/v1/arrears?listDate="+listDate.String(), s.Config.OperatorToken, csv); code != http.StatusAccepted {
		t.Fatalf("import: %d %s", code, body)
	}
	teststack.Eventually(t, "case opened", func() error {
		if _, err := s.Temporal.DescribeWorkflowExecution(context.Background(), c.ID, ""); err != nil {
			return err
		}
		if st := c.state(t); st.Stage != eviction.StageOutreach {
			return fmt.Errorf("stage %s", st.Stage)
		}
		return nil
	})
	if _, err := c.step(t, eviction.UpdateEscalate, eviction.EscalateArg{Reason: "ingen kontakt", DueDate: due}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.step(t, eviction.UpdateDemand, eviction.DemandArg{On: listDate, Method: legal.DigitalPost}); err != nil {
		t.Fatal(err)
	}
	return c
}

// step sends an Update to the case and waits for its result.
func (c *smtpCase) step(t testing.TB, name string, arg any) (eviction.View, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := c.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: c.ID, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return eviction.View{}, err
	}
	var v eviction.View
	err = h.Get(ctx, &v)
	return v, err
}

// state is the case's state query.
func (c *smtpCase) state(t testing.TB) eviction.State {
	t.Helper()
	res, err := c.Temporal.QueryWorkflow(context.Background(), c.ID, "", eviction.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st eviction.State
	if err := res.Get(&st); err != nil {
		t.Fatal(err)
	}
	return st
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
