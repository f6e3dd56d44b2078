package eviction_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"helhed/arrears"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// TestHandlerRechecksTheStage: two Updates back to back. Contact made and
// "not reached" at the same moment: the first moves the case to
// counselling and the second is refused with the stage's message. A
// påkrav whose handler waits for the plan's receipt assumptions, and a
// payment that clears the arrears while it waits: the payment averts the
// eviction and closes the case, and the påkrav's handler, resuming,
// refuses with the closed case's message instead of recording a påkrav on
// it.
func TestHandlerRechecksTheStage(t *testing.T) {
	h := newHarness(t, cph(2026, 11, 2, 9, 0))
	h.env.OnActivity(eviction.ActivityPrefix+"DemandReceipt", mock.Anything).Return(plan.DefaultDemandReceipt, nil).After(20 * time.Second)
	h.update(cph(2026, 11, 3, 10, 0), "contact", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade})
	h.update(cph(2026, 11, 3, 10, 0), "not-reached", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.NotReached})
	h.update(cph(2026, 12, 4, 10, 0), "escalate", eviction.UpdateEscalate, eviction.EscalateArg{Reason: "Huslejen for december er ikke betalt", DueDate: day(2026, 12, 1)})
	h.update(cph(2026, 12, 5, 10, 0), "demand", eviction.UpdateDemand, eviction.DemandArg{Method: legal.Letter})
	h.update(cph(2026, 12, 5, 10, 0).Add(10*time.Second), "pay", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(7000)})
	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 11, 2), arrears.Kroner(7000), day(2026, 11, 1)))
	final := h.result()

	if v := h.accepted("contact"); v.Stage != eviction.StageCounselling {
		t.Fatalf("contact: %+v", v)
	}
	h.rejected("not-reached", "opsøgende kontakt kan ikke registreres nu (fase: Økonomisk rådgivning)")
	h.accepted("escalate")
	if v := h.accepted("pay"); v.Outcome != eviction.OutcomeAverted {
		t.Fatalf("pay: %+v", v)
	}
	err := h.failed("demand", "sagen er afsluttet (fase: Juridisk forløb, udfald: Afværget)")
	if fieldOf(err) != "" {
		t.Errorf("the stage refusal came as a field error: %v", err)
	}
	if final.Outcome != eviction.OutcomeAverted || !final.Legal.DemandSentOn.IsZero() {
		t.Fatalf("final: outcome %s, legal %+v", final.Outcome, final.Legal)
	}
}

// TestKommuneNoticeRetriedByOperator: the mail server does not answer
// when the tenancy is terminated. The § 92 notice is retried (the server
// for NoticeRetryWindow; the test environment gives up after its 10
// attempts, some four minutes) and then recorded as failed: the case takes
// the retry Update, shows it as its open task, and refuses the court
// request.
// With the server back, the operator's retry sends the notice, under the
// key every earlier attempt used, and the court request goes through.
func TestKommuneNoticeRetriedByOperator(t *testing.T) {
	h := newHarness(t, cph(2026, 11, 2, 9, 0))
	h.mail.down.Store(true)
	h.update(cph(2026, 12, 4, 10, 0), "escalate", eviction.UpdateEscalate, eviction.EscalateArg{Reason: "Huslejen for december er ikke betalt", DueDate: day(2026, 12, 1)})
	h.update(cph(2026, 12, 5, 10, 0), "demand", eviction.UpdateDemand, eviction.DemandArg{Method: legal.Letter})
	h.update(cph(2026, 12, 29, 10, 0), "retry-early", eviction.UpdateRetryNotice, eviction.RetryNoticeArg{})
	h.update(cph(2026, 12, 29, 10, 5), "terminate", eviction.UpdateTerminate, eviction.DateArg{})
	h.update(cph(2026, 12, 29, 10, 6), "retry-sending", eviction.UpdateRetryNotice, eviction.RetryNoticeArg{})
	h.snapshot(cph(2026, 12, 29, 13, 0), "failed")
	h.update(cph(2026, 12, 29, 13, 5), "court-failed", eviction.UpdateCourt, eviction.DateArg{})
	h.at(cph(2026, 12, 30, 9, 0), func() { h.mail.down.Store(false) })
	h.update(cph(2026, 12, 30, 9, 5), "retry", eviction.UpdateRetryNotice, eviction.RetryNoticeArg{})
	h.snapshot(cph(2026, 12, 30, 9, 30), "notified")
	h.update(cph(2026, 12, 30, 9, 40), "retry-again", eviction.UpdateRetryNotice, eviction.RetryNoticeArg{})
	h.update(cph(2026, 12, 30, 10, 0), "court", eviction.UpdateCourt, eviction.DateArg{})
	h.update(cph(2026, 12, 31, 10, 0), "evicted", eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeEvicted})
	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 11, 2), arrears.Kroner(7000), day(2026, 11, 1)))
	final := h.result()

	h.rejected("retry-early", "lejemålet er ikke registreret som ophævet")
	h.accepted("terminate")
	h.rejected("retry-sending", "underretningen af kommunen er ved at blive sendt")
	st := h.state("failed")
	if l := st.Legal; l.KommuneNoticeFailedOn != day(2026, 12, 29) || !strings.Contains(l.KommuneNoticeFailure, "mailserveren") || !l.KommuneNotifiedOn.IsZero() {
		t.Fatalf("after the notice failed: %+v", l)
	}
	if !slices.Contains(st.Accepts, eviction.UpdateRetryNotice) || slices.Contains(st.Accepts, eviction.UpdateCourt) ||
		len(st.OpenTasks) != 1 || st.OpenTasks[0].Name != eviction.UpdateRetryNotice || st.OpenTasks[0].Title != "Underretning til kommunen mislykkedes — prøv igen" {
		t.Fatalf("after the notice failed: accepts %v, tasks %+v", st.Accepts, st.OpenTasks)
	}
	h.rejected("court-failed", "kommunen er endnu ikke underrettet")
	if v := h.accepted("retry"); v.Legal.KommuneNoticeFailedOn != (plan.Date{}) || v.Legal.KommuneNoticeFailure != "" {
		t.Fatalf("retry: %+v", v.Legal)
	}
	if l := h.state("notified").Legal; l.KommuneNotifiedOn != day(2026, 12, 30) || !l.KommuneNoticeFailedOn.IsZero() {
		t.Fatalf("after the retry: %+v", l)
	}
	h.rejected("retry-again", "kommunen er allerede underrettet den 2026-12-30")
	h.accepted("court")
	if final.Outcome != eviction.OutcomeEvicted || final.Legal.CourtRequestedOn != day(2026, 12, 30) {
		t.Fatalf("final %+v", final)
	}

	// Every attempt, the operator's included, carried the notice's key;
	// it went out once.
	key := eviction.NoticeKey(final.Tenancy, final.CaseID)
	tried := h.mail.tried()
	if len(tried) < 3 || slices.ContainsFunc(tried, func(k string) bool { return k != key }) {
		t.Fatalf("sends tried: %v, want several, all %s", tried, key)
	}
	sent, err := os.ReadDir(h.outbox)
	if err != nil || len(sent) != 1 || sent[0].Name() != mailer.FileName(key) {
		t.Fatalf("outbox: %v %v", sent, err)
	}
}

// TestUpdateDuringContinueAsNewFinishes: a case whose history has grown
// long continues as new, and an Update arrives while the run publishes
// its last change before handing over. The Update completes in this run
// (it is not cut off by the hand-over), the new run gets the state with
// its payment, and the read model holds that state.
func TestUpdateDuringContinueAsNewFinishes(t *testing.T) {
	h := newHarness(t, cph(2026, 1, 5, 9, 0))
	in := listInput(day(2026, 1, 5), arrears.Kroner(1000), day(2026, 1, 1))
	list := func(d plan.Date) eviction.ListEntry {
		e := *in.List
		e.ListID, e.ListDate = d.String(), d
		return e
	}
	var grown atomic.Bool
	var publishes atomic.Int32
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name != eviction.ActivityPrefix+"Publish" || !grown.Load() {
			return
		}
		switch publishes.Add(1) {
		case 1: // the list that woke the run: the next arrives while it publishes
			h.env.SignalWorkflow(eviction.SignalList, list(day(2026, 1, 7)))
		case 2: // the run took that list before handing over, and publishes it
			h.send("during-handover", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(100)})
		}
	})
	h.at(cph(2026, 1, 6, 11, 0), func() {
		h.env.SetCurrentHistoryLength(eviction.ContinueAsNewAfter)
		grown.Store(true)
		h.env.SignalWorkflow(eviction.SignalList, list(day(2026, 1, 6)))
	})
	h.env.ExecuteWorkflow(eviction.WorkflowName, in)

	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next eviction.Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	carried := next.State
	if carried == nil || len(carried.Lists) != 3 || len(carried.Payments) != 1 || carried.Payments[0].Amount != arrears.Kroner(100) {
		t.Fatalf("carried %+v", carried)
	}
	if v := h.accepted("during-handover"); v.Seq != carried.Seq {
		t.Fatalf("the Update's view has seq %d, the carried state %d", v.Seq, carried.Seq)
	}
	if stored, _ := h.stored(carried.CaseID); stored.Seq != carried.Seq {
		t.Fatalf("read model at seq %d, the carried state at %d", stored.Seq, carried.Seq)
	}
}

// TestEpisodeLinksThePreviousCase: a case opened with the link to the
// tenancy's closed case is its next episode and shows the link; a case
// opened without one is the first.
func TestEpisodeLinksThePreviousCase(t *testing.T) {
	prev := eviction.PreviousCase{CaseID: "case-1", RunID: "run-1", Episode: 1, Closed: day(2026, 1, 20)}
	in := listInput(day(2026, 3, 2), arrears.Kroner(2000), day(2026, 3, 1))
	in.Previous = &prev
	h := newHarness(t, cph(2026, 3, 2, 9, 0))
	h.snapshot(cph(2026, 3, 2, 9, 30), "opened")
	h.update(cph(2026, 3, 2, 10, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{})
	h.env.ExecuteWorkflow(eviction.WorkflowName, in)
	final := h.result()
	if st := h.state("opened"); st.Episode != 2 || st.Previous == nil || *st.Previous != prev {
		t.Fatalf("opened: episode %d, previous %+v", st.Episode, st.Previous)
	}
	if final.Episode != 2 || final.Previous == nil || *final.Previous != prev {
		t.Fatalf("final view: episode %d, previous %+v", final.Episode, final.Previous)
	}
	if stored, _ := h.stored(final.CaseID); stored.Episode != 2 || stored.Previous == nil || stored.Previous.CaseID != "case-1" {
		t.Fatalf("read model: episode %d, previous %+v", stored.Episode, stored.Previous)
	}

	first := newHarness(t, cph(2026, 3, 2, 9, 0))
	first.update(cph(2026, 3, 2, 10, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{})
	first.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 3, 2), arrears.Kroner(2000), day(2026, 3, 1)))
	if v := first.result(); v.Episode != 1 || v.Previous != nil {
		t.Fatalf("a first case: episode %d, previous %+v", v.Episode, v.Previous)
	}
}
