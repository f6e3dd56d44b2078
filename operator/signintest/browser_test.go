package signintest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	enumspb "go.temporal.io/api/enums/v1"

	"helhed/codec"
	"helhed/internal/testbrowser"
	"helhed/workflows/crisis"
)

// TestBrowserSignInStartsCrisis is issue 18's browser test: in Chromium a
// person of the crisis group signs in through the identity provider's own
// login page (/operator/oidc/login → provider → callback → session), sees
// their name in the pages' header, activates the crisis plan on the start
// form and confirms the meeting on the run's page; the run's state names
// them as the one who activated it and took the decision, read back from
// the history, where their name travels only encrypted.
func TestBrowserSignInStartsCrisis(t *testing.T) {
	ctx := testbrowser.New(t)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	id := func(s string) chromedp.ID { return chromedp.ID(s) }

	do("sign in at the provider",
		chromedp.Navigate(base+"/operator/oidc/login"),
		chromedp.WaitVisible(id("username")), // the provider's login page
		chromedp.SendKeys(id("username"), krise.Username),
		chromedp.SendKeys(id("password"), krise.Password),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(id("signed-in")))
	if got := text("#signed-in"); got != krise.Name {
		t.Errorf("header names %q, want %q", got, krise.Name)
	}

	loc := stack.Plan.Location()
	in := crisisInput(t, "browser-signin")
	meeting := time.Now().In(loc).Add(3 * time.Hour).Truncate(time.Minute)
	do("activate the crisis plan",
		chromedp.Navigate(base+"/operator/start/"+crisis.Kind),
		chromedp.WaitVisible(id("f-activatedBy")),
		chromedp.SetValue(id("f-activatedBy"), in.ActivatedBy),
		chromedp.SetValue(id("f-incident"), in.Incident),
		chromedp.SetValue(id("f-area"), in.Area),
		chromedp.SetValue(id("f-occurredAt"), in.OccurredAt.In(loc).Format("2006-01-02T15:04")),
		chromedp.SendKeys(id("f-summary"), "Brand i en kælder; ingen personer kom til skade."),
		chromedp.SendKeys(id("f-reference"), in.Reference),
		chromedp.Click(id("submit")),
		chromedp.WaitVisible(id("action-confirm-meeting")))
	workflowID := text("#workflow-id")
	t.Cleanup(func() {
		_ = stack.Temporal.CancelWorkflow(context.Background(), workflowID, "")
	})
	if got := text("#signed-in"); got != krise.Name {
		t.Errorf("the run's page header names %q, want %q", got, krise.Name)
	}
	do("confirm the meeting",
		chromedp.SetValue(chromedp.CSS("#action-confirm-meeting #f-at"), meeting.Format("2006-01-02T15:04")),
		chromedp.SendKeys(chromedp.CSS("#action-confirm-meeting #f-place"), "Rådhuset"),
		chromedp.Click(chromedp.CSS("#action-confirm-meeting button")),
		chromedp.WaitVisible(id("action-move-meeting")))

	// The run's page: its state (under "Alle oplysninger") names the person.
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("details pre").textContent`))
	if err != nil {
		t.Fatalf("read the run's state: %v", err)
	}
	var st crisis.State
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatalf("the run's page state: %v\n%s", err, raw)
	}
	if a := st.Input.Actor; a == nil || a.Subject != krise.ID || a.Name != krise.Name {
		t.Errorf("activated by %+v, want %s (%s)", a, krise.Name, krise.ID)
	}
	if len(st.Decisions) != 1 || st.Decisions[0].Update != crisis.UpdateConfirmMeeting || st.Decisions[0].By.Label() != krise.Name {
		t.Errorf("decisions %+v, want the meeting confirmed by %s", st.Decisions, krise.Name)
	}
	checkHistory(t, workflowID)
}

// checkHistory reads the run's history: the start and the Update carry
// the person once decoded with the payload key, and never in clear.
func checkHistory(t *testing.T, workflowID string) {
	t.Helper()
	keys, err := stack.Config.PayloadKeys()
	if err != nil {
		t.Fatal(err)
	}
	payloads, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	dc := codec.DataConverter(payloads)
	var startedBy, updateBy string
	iter := stack.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), krise.Name) || strings.Contains(string(b), krise.ID) {
			t.Errorf("event %d (%s) holds the person in clear", ev.GetEventId(), ev.GetEventType())
		}
		if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
			var in crisis.Input
			if err := dc.FromPayloads(a.GetInput(), &in); err != nil {
				t.Fatalf("decode the start: %v", err)
			}
			startedBy = in.Actor.Label()
		}
		if a := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil && a.GetAcceptedRequest().GetInput().GetName() == crisis.UpdateConfirmMeeting {
			var m crisis.MeetingTime
			if err := dc.FromPayloads(a.GetAcceptedRequest().GetInput().GetArgs(), &m); err != nil {
				t.Fatalf("decode the Update: %v", err)
			}
			updateBy = m.Actor.Label()
		}
	}
	if startedBy != krise.Name || updateBy != krise.Name {
		t.Errorf("history: started by %q, meeting confirmed by %q, want %s", startedBy, updateBy, krise.Name)
	}
}
