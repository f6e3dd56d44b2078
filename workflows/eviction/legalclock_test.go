package eviction_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/arrears"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// fieldOf is the field a validator's rejection names ("" when it is no
// field error).
func fieldOf(err error) string {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != "FieldError" {
		return ""
	}
	var field string
	_ = app.Details(&field)
	return field
}

// TestHverdagClock is the case: rent due Tuesday 1 December 2026.
// A påkrav dated Friday 4 December is refused, naming Saturday 5 December
// and why; so are an unknown way of sending and a receipt before sending.
// The letter sent on 5 December counts as received on the 5th delivery
// day, Friday 11 December; 14 days later is juledag, so the deadline is
// Monday 28 December and the ophævelse may be dated Tuesday 29 December
// at the earliest.
func TestHverdagClock(t *testing.T) {
	h := newHarness(t, cph(2026, 11, 2, 9, 0))
	h.update(cph(2026, 12, 4, 10, 0), "escalate", eviction.UpdateEscalate, eviction.EscalateArg{Reason: "Huslejen for december er ikke betalt", DueDate: day(2026, 12, 1)})
	h.snapshot(cph(2026, 12, 4, 10, 30), "escalated")
	h.update(cph(2026, 12, 4, 11, 0), "demand-friday", eviction.UpdateDemand, eviction.DemandArg{On: day(2026, 12, 4), Method: legal.Letter})
	h.update(cph(2026, 12, 5, 10, 0), "demand-no-method", eviction.UpdateDemand, eviction.DemandArg{})
	h.update(cph(2026, 12, 5, 10, 1), "demand-pigeon", eviction.UpdateDemand, eviction.DemandArg{Method: "brevdue"})
	h.update(cph(2026, 12, 5, 10, 2), "demand-received-early", eviction.UpdateDemand, eviction.DemandArg{Method: legal.Letter, ReceivedOn: day(2026, 12, 4)})
	h.update(cph(2026, 12, 5, 10, 3), "demand-received-future", eviction.UpdateDemand, eviction.DemandArg{Method: legal.Letter, ReceivedOn: day(2026, 12, 7)})
	h.update(cph(2026, 12, 5, 10, 5), "demand", eviction.UpdateDemand, eviction.DemandArg{Method: legal.Letter})
	h.snapshot(cph(2026, 12, 5, 11, 0), "demanded")
	h.update(cph(2026, 12, 28, 12, 0), "terminate-on-deadline", eviction.UpdateTerminate, eviction.DateArg{})
	h.update(cph(2026, 12, 29, 10, 0), "terminate-dated-deadline", eviction.UpdateTerminate, eviction.DateArg{On: day(2026, 12, 28)})
	h.update(cph(2026, 12, 29, 10, 5), "terminate", eviction.UpdateTerminate, eviction.DateArg{})
	h.update(cph(2026, 12, 30, 10, 0), "resolve", eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeAverted})
	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 11, 2), arrears.Kroner(7000), day(2026, 11, 1)))
	h.result()

	l := h.accepted("escalate").Legal
	if l.Clock != eviction.ClockHverdage || l.LastDayToPay != day(2026, 12, 1) || l.DemandEarliest != day(2026, 12, 5) ||
		l.DemandEarliestReason != "tidligst lørdag den 5. december 2026: 3. hverdag efter forfaldsdagen tirsdag den 1. december 2026 er fredag den 4. december 2026" ||
		l.LastDayToPayReason != "forfaldsdagen tirsdag den 1. december 2026 er sidste rettidige betalingsdag" {
		t.Fatalf("escalated: %+v", l)
	}
	if tasks := h.state("escalated").OpenTasks; len(tasks) != 1 || tasks[0].Due != "2026-12-05" ||
		tasks[0].Title != "Send påkrav, tidligst lørdag den 5. december 2026: 3. hverdag efter forfaldsdagen tirsdag den 1. december 2026 er fredag den 4. december 2026" {
		t.Fatalf("open tasks %+v", tasks)
	}
	for label, c := range map[string]struct{ field, msg string }{
		"demand-friday": {"on", "påkravet kan ikke sendes fredag den 4. december 2026; det kan sendes tidligst lørdag den 5. december 2026: " +
			"3. hverdag efter forfaldsdagen tirsdag den 1. december 2026 er fredag den 4. december 2026"},
		"demand-no-method":       {"method", `angiv, hvordan påkravet er sendt: "digital_post" (Digital Post), "quickbrev" (Quickbrev), "letter" (Almindeligt brev)`},
		"demand-pigeon":          {"method", "angiv, hvordan påkravet er sendt"},
		"demand-received-early":  {"receivedOn", "modtagelsen fredag den 4. december 2026 ligger før afsendelsen lørdag den 5. december 2026"},
		"demand-received-future": {"receivedOn", "mandag den 7. december 2026 ligger i fremtiden"},
		"terminate-dated-deadline": {"on", "ophævelsen kan ikke dateres mandag den 28. december 2026; den kan dateres tidligst tirsdag den 29. december 2026: " +
			"dagen efter betalingsfristens udløb mandag den 28. december 2026"},
	} {
		if err := h.rejected(label, c.msg); fieldOf(err) != c.field {
			t.Errorf("%s: field %q, want %q (%v)", label, fieldOf(err), c.field, err)
		}
	}
	// On the deadline itself the stage refuses (409), not the argument.
	if err := h.rejected("terminate-on-deadline", "betalingsfristen løber til og med mandag den 28. december 2026; ophævelsen kan registreres tidligst tirsdag den 29. december 2026"); fieldOf(err) != "" {
		t.Errorf("terminate on the deadline: a field error %v", err)
	}

	v := h.accepted("demand").Legal
	if v.DemandSentOn != day(2026, 12, 5) || v.DemandMethod != legal.Letter || v.DemandReceivedOn != day(2026, 12, 11) ||
		v.Deadline != day(2026, 12, 28) || v.TerminationEarliest != day(2026, 12, 29) {
		t.Fatalf("demand: %+v", v)
	}
	for got, want := range map[string]string{
		v.DemandReceivedReason: "påkravet er sendt som almindeligt brev lørdag den 5. december 2026 og regnes for modtaget 5. omdelingsdag efter afsendelsen, fredag den 11. december 2026",
		v.DeadlineReason: "betalingsfristen udløber mandag den 28. december 2026: 14 hele dage efter modtagelsen fredag den 11. december 2026; " +
			"fredag den 25. december 2026 er juledag",
		v.TerminationEarliestReason: "tidligst tirsdag den 29. december 2026: dagen efter betalingsfristens udløb mandag den 28. december 2026",
	} {
		if !strings.HasPrefix(got, want) {
			t.Errorf("reason %q, want it to start %q", got, want)
		}
	}
	if st := h.state("demanded"); !strings.HasPrefix(st.OpenTasks[0].Title, "Betalingsfrist til og med mandag den 28. december 2026; ophævelse tidligst tirsdag den 29. december 2026") {
		t.Errorf("open task after the påkrav: %+v", st.OpenTasks)
	}
	if term := h.accepted("terminate").Legal; term.TerminatedOn != day(2026, 12, 29) {
		t.Fatalf("terminate: %+v", term)
	}
}

// TestWeekdayClockKeptForOpenCases: a case whose payment plan and legal
// clock started before the hverdag clock (workflow.GetVersion answers
// DefaultVersion, as it does replaying such a history) keeps the dates
// the weekday clock gave it: the instalment due Monday 30 November 2026
// is checked on Thursday 3 December and the påkrav shown from then, the
// deadline runs 14 days from sending. The påkrav itself is still refused
// before the hverdag clock allows it (Friday 4 December): validators do
// not replay, and one sent a day early voids the ophævelse.
func TestWeekdayClockKeptForOpenCases(t *testing.T) {
	h := newHarness(t, cph(2026, 11, 2, 9, 0))
	h.env.OnGetVersion(eviction.ChangeLegalClock, workflow.DefaultVersion, eviction.ClockHverdage).Return(workflow.DefaultVersion)
	h.env.OnGetVersion(eviction.ChangeInstalmentCheck, workflow.DefaultVersion, eviction.ClockHverdage).Return(workflow.DefaultVersion)
	h.update(cph(2026, 11, 3, 10, 0), "contact", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade})
	h.update(cph(2026, 11, 4, 10, 0), "plan", eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{
		Instalments: []eviction.InstalmentSpec{{Due: day(2026, 11, 30), Amount: arrears.Kroner(7000)}}})
	h.snapshot(cph(2026, 12, 3, 9, 0), "escalated")
	h.update(cph(2026, 12, 3, 10, 0), "demand-thursday", eviction.UpdateDemand, eviction.DemandArg{})
	h.update(cph(2026, 12, 4, 10, 0), "demand", eviction.UpdateDemand, eviction.DemandArg{})
	h.update(cph(2026, 12, 21, 10, 0), "averted", eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeAverted})
	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 11, 2), arrears.Kroner(7000), day(2026, 11, 1)))
	h.result()

	st := h.state("escalated")
	if st.Plan.Instalments[0].CheckOn != day(2026, 12, 3) || st.Stage != eviction.StageEscalated ||
		st.Legal.Clock != eviction.ClockWeekdays || st.Legal.DemandEarliest != day(2026, 12, 3) || st.Legal.DemandEarliestReason != "" {
		t.Fatalf("escalated on the weekday clock: stage %s, check %s, legal %+v", st.Stage, st.Plan.Instalments[0].CheckOn, st.Legal)
	}
	if !slices.Contains(st.Accepts, eviction.UpdateDemand) || st.OpenTasks[0].Due != "2026-12-04" {
		t.Fatalf("accepts %v, tasks %+v", st.Accepts, st.OpenTasks)
	}
	if err := h.rejected("demand-thursday", "påkravet kan ikke sendes torsdag den 3. december 2026; det kan sendes tidligst fredag den 4. december 2026"); fieldOf(err) != "on" {
		t.Errorf("demand on Thursday: %v", err)
	}
	// No way of sending needed; the deadline is 4 + 14 = Friday 18 December.
	if l := h.accepted("demand").Legal; l.DemandSentOn != day(2026, 12, 4) || l.Deadline != day(2026, 12, 18) || l.DeadlineReason != "" {
		t.Fatalf("demand: %+v", l)
	}
}
