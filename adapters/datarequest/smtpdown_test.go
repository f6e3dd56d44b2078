package datarequest_test

import (
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/internal/replaytest"
	"helhed/internal/testsmtp"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/workflows/datarequest"
)

// smtpDownHistory is the replay test's history of a submit acknowledged
// before its receipt is sent (ChangeSubmitAckFirst).
const smtpDownHistory = "../../workflows/datarequest/testdata/history-submit-ack-first.json"

// TestSubmitWhileTheMailServerIsDown: with the SMTP server down, a
// partner's submit through the API and through the portal form is
// confirmed at once; the receipts are delivered, once each, when the
// server is back.
func TestSubmitWhileTheMailServerIsDown(t *testing.T) {
	smtp := testsmtp.Start(t)
	s := teststack.StartT(t, teststack.Options{
		Name: "portal-smtp", Env: smtp.Env(),
		PayloadKeyFile: "../../workflows/datarequest/" + replaytest.KeyFile,
	})
	ctx := context.Background()
	base := "http://" + s.HTTPAddr()
	delivered := func(key string) int { return smtp.Count(mailer.MessageID(key)) }
	waitDelivered := func(key string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for delivered(key) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s not delivered", key)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	viaAPI, viaPortal := formRequest("smtp/api", "bibliotek"), formRequest("smtp/portal", "bibliotek")
	for _, in := range []datarequest.Input{viaAPI, viaPortal} {
		if _, err := datarequestadapter.Start(ctx, s.Temporal, in); err != nil {
			t.Fatal(err)
		}
		waitDelivered(noticeKey(t, s.Temporal, in.RequestID, datarequest.NoticeInvite, 0))
	}
	link := linkPattern.FindString(invitation(t, s.Temporal, smtp, viaPortal.RequestID))
	if link == "" {
		t.Fatal("no portal link in the invitation")
	}
	link = strings.Replace(link, link[:strings.Index(link, "/portal/")], base, 1)
	csrf := csrfOf(t, link)

	smtp.Stop()
	answer := `{"values":{"elever":"10","fravaer@vangdalen":"1","fravaer@gl-jennumparken":"2"}}`
	code, body := teststack.Call(t, "POST", base+"/api/v1/tasks/"+url.PathEscape(viaAPI.RequestID)+"/submit", s.Config.OperatorToken, answer)
	if code != http.StatusOK || !strings.Contains(body, `"onTime":true`) {
		t.Fatalf("API submit with the mail server down: %d %s", code, body)
	}
	form := url.Values{"csrf": {csrf}, "elever": {"12"}, "fravaer@vangdalen": {"3"}, "fravaer@gl-jennumparken": {"4"}}
	if code, body := post(t, link, form, nil); code != http.StatusSeeOther {
		t.Fatalf("portal submit with the mail server down: %d %.500s", code, body)
	}
	if code, body := get(t, link+"?kvittering"); code != http.StatusOK || !strings.Contains(body, "Tak – jeres svar er modtaget") {
		t.Fatalf("portal confirmation: %d %.500s", code, body)
	}
	// The receipts' sends fail and retry meanwhile.
	teststack.Eventually(t, "a failing receipt send", func() error {
		d, err := s.Temporal.DescribeWorkflowExecution(ctx, datarequest.WorkflowID(viaAPI.RequestID), "")
		if err != nil {
			return err
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetActivityType().GetName() == datarequest.ActivitySendNotice && a.GetAttempt() >= 2 {
				return nil
			}
		}
		return fmt.Errorf("pending %v", d.GetPendingActivities())
	})

	if err := smtp.Start(); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, in := range []datarequest.Input{viaAPI, viaPortal} {
		closeAnswered(t, s.Temporal, in.RequestID)
		run := s.Temporal.GetWorkflow(wctx, datarequest.WorkflowID(in.RequestID), "")
		var res datarequest.Result
		if err := run.Get(wctx, &res); err != nil || res.Status != datarequest.StatusAnswered {
			t.Fatalf("%s: %v %+v", in.RequestID, err, res)
		}
		if n := delivered(noticeKey(t, s.Temporal, in.RequestID, datarequest.NoticeReceipt, 0)); n != 1 {
			t.Fatalf("%s: receipt delivered %d times", in.RequestID, n)
		}
	}
	replaytest.Record(t, s.Temporal, datarequest.WorkflowID(viaAPI.RequestID), smtpDownHistory)
}

// invitation is the text of the request's invitation as the server got it.
func invitation(t testing.TB, c client.Client, smtp *testsmtp.Server, requestID string) string {
	t.Helper()
	id := mailer.MessageID(noticeKey(t, c, requestID, datarequest.NoticeInvite, 0))
	for _, m := range smtp.Messages() {
		if !strings.Contains(m.Data, id) {
			continue
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Fatalf("no invitation for %s", requestID)
	return ""
}
