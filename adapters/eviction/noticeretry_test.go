package eviction_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/eviction"
)

// noticeRetryHistory is the replay test's history of a § 92 notice that
// failed for good and was sent again by an operator (ChangeNoticeRetry).
const noticeRetryHistory = "../../workflows/eviction/testdata/eviction-case-history-notice-retry.json"

// TestKommuneNoticeRetriedOverTheAPI: with the SMTP server down for longer
// than the notice is retried (NoticeRetryWindow, shortened here), the
// termination is acknowledged and the § 92 notice then recorded as
// failed: the run's description (the case page) offers the retry as its
// open task, the case list shows the failure, and the court request is
// refused. With the server back, the operator's retry through the run
// layer sends the notice once, and the court request goes through.
func TestKommuneNoticeRetriedOverTheAPI(t *testing.T) {
	window := eviction.NoticeRetryWindow
	eviction.NoticeRetryWindow = 3 * time.Second // before the stack's worker starts
	t.Cleanup(func() { eviction.NoticeRetryWindow = window })
	c := startSMTPCase(t, "eviction-notice-retry", "29-556-1")
	post := func(update, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("POST", "http://"+c.HTTPAddr()+"/api/v1/runs/"+url.PathEscape(c.ID)+"/updates/"+update, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+c.Config.OperatorToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	type description struct {
		OpenTasks []workflows.OpenTask `json:"openTasks"`
		Accepts   []string             `json:"accepts"`
		State     eviction.State       `json:"state"`
	}
	describe := func() description {
		t.Helper()
		code, body := teststack.Get(t, "http://"+c.HTTPAddr()+"/api/v1/runs/"+url.PathEscape(c.ID), c.Config.OperatorToken)
		var d description
		if err := json.Unmarshal([]byte(body), &d); code != http.StatusOK || err != nil {
			t.Fatalf("describe: %d %s", code, body)
		}
		return d
	}

	c.SMTP.Stop()
	if code, body := post(eviction.UpdateTerminate, `{}`); code != http.StatusOK {
		t.Fatalf("terminate with the mail server down: %d %s", code, body)
	}
	teststack.Eventually(t, "the notice recorded as failed", func() error {
		d := describe()
		if l := d.State.Legal; l == nil || l.KommuneNoticeFailedOn != today() || !l.KommuneNotifiedOn.IsZero() {
			return fmt.Errorf("legal %+v", l)
		}
		if len(d.OpenTasks) != 1 || d.OpenTasks[0].Name != eviction.UpdateRetryNotice || d.OpenTasks[0].Title != "Underretning til kommunen mislykkedes — prøv igen" ||
			!slices.Contains(d.Accepts, eviction.UpdateRetryNotice) || slices.Contains(d.Accepts, eviction.UpdateCourt) {
			return fmt.Errorf("open tasks %+v, accepts %v", d.OpenTasks, d.Accepts)
		}
		return nil
	})
	teststack.Eventually(t, "the case list shows the failure", func() error {
		if row := casesOn(t, c.Stack, c.ID); row == nil || row.Legal == nil || row.Legal.KommuneNoticeFailedOn != today() ||
			!strings.Contains(row.Legal.KommuneNoticeFailure, "mailserveren") {
			return fmt.Errorf("row %+v", row)
		}
		return nil
	})
	if code, body := post(eviction.UpdateCourt, `{}`); code != http.StatusConflict || !strings.Contains(body, "kommunen er endnu ikke underrettet") {
		t.Fatalf("court request with the notice failed: %d %s", code, body)
	}

	if err := c.SMTP.Start(); err != nil {
		t.Fatal(err)
	}
	if code, body := post(eviction.UpdateRetryNotice, `{}`); code != http.StatusOK {
		t.Fatalf("retry: %d %s", code, body)
	}
	teststack.Eventually(t, "the kommune notified", func() error {
		if l := c.state(t).Legal; l.KommuneNotifiedOn != today() || !l.KommuneNoticeFailedOn.IsZero() {
			return fmt.Errorf("legal %+v", l)
		}
		return nil
	})
	if code, body := post(eviction.UpdateRetryNotice, `{}`); code != http.StatusConflict || !strings.Contains(body, "kommunen er allerede underrettet") {
		t.Fatalf("a second retry: %d %s", code, body)
	}
	st := c.state(t)
	if n := c.SMTP.Count(mailer.MessageID(eviction.NoticeKey(st.TenancyID, st.CaseID))); n != 1 {
		t.Fatalf("the notice was delivered %d times", n)
	}
	if code, body := post(eviction.UpdateCourt, `{}`); code != http.StatusOK {
		t.Fatalf("court request after the notice: %d %s", code, body)
	}
	if code, body := post(eviction.UpdateOutcome, `{"outcome":"averted"}`); code != http.StatusOK {
		t.Fatalf("outcome: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Temporal.GetWorkflow(ctx, c.ID, "").Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	replaytest.Record(t, c.Temporal, c.ID, noticeRetryHistory)
}
