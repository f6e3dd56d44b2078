package eviction_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/arrears"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

func stages(ts []eviction.Transition) []eviction.Stage {
	var out []eviction.Stage
	for _, t := range ts {
		out = append(out, t.To)
	}
	return out
}

// TestCaseResolvedThroughPaymentPlan walks a case from the February list
// through a failed and a successful outreach, counselling and a two-part
// payment plan (one instalment shown paid by a payment, the second by a
// payment after a list) to resolved.
func TestCaseResolvedThroughPaymentPlan(t *testing.T) {
	h := newHarness(t, cph(2026, 2, 2, 9, 0)) // Monday
	h.snapshot(cph(2026, 2, 2, 9, 30), "opened")
	h.update(cph(2026, 2, 4, 10, 0), "not-reached", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.NotReached})
	h.update(cph(2026, 2, 5, 10, 0), "contact", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, Note: "Aftalt møde om budget"})
	h.update(cph(2026, 2, 6, 10, 0), "plan-short", eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{
		Instalments: []eviction.InstalmentSpec{{Due: day(2026, 3, 2), Amount: arrears.Kroner(2500)}, {Due: day(2026, 4, 1), Amount: arrears.Kroner(2500)}}})
	h.update(cph(2026, 2, 6, 11, 0), "plan", eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{AgreedOn: day(2026, 2, 6),
		Instalments: []eviction.InstalmentSpec{{Due: day(2026, 3, 2), Amount: arrears.Kroner(3000)}, {Due: day(2026, 4, 1), Amount: arrears.Kroner(3000)}}})
	h.update(cph(2026, 2, 6, 12, 0), "outreach-late", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade})
	h.update(cph(2026, 3, 2, 15, 0), "pay-1", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(3000)})
	h.snapshot(cph(2026, 3, 6, 10, 0), "after-check-1")
	h.signalList(cph(2026, 3, 10, 10, 0), eviction.ListEntry{ListID: "2026-03-10-x", ListDate: day(2026, 3, 10), Organisation: "ms",
		Department: "27", Area: "gl-jennumparken", Arrears: arrears.Kroner(3000), DueDate: day(2026, 3, 1)})
	h.snapshot(cph(2026, 3, 10, 11, 0), "after-list")
	h.update(cph(2026, 4, 1, 10, 0), "pay-2", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(3000)})

	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 2, 2), arrears.Kroner(6000), day(2026, 1, 1)))
	final := h.result()

	opened := h.state("opened")
	if opened.Stage != eviction.StageOutreach || opened.Outreach.Due != day(2026, 2, 9) || opened.Owner != "randersbolig" {
		t.Fatalf("opened: stage %s, outreach due %s, owner %s", opened.Stage, opened.Outreach.Due, opened.Owner)
	}
	if !slices.Contains(opened.Accepts, eviction.UpdateOutreach) || slices.Contains(opened.Accepts, eviction.UpdateDemand) || len(opened.OpenTasks) != 1 {
		t.Fatalf("opened accepts %v, tasks %+v", opened.Accepts, opened.OpenTasks)
	}
	if v := h.accepted("not-reached"); v.OutreachDue != day(2026, 2, 11) || v.Stage != eviction.StageOutreach {
		t.Fatalf("after not reached: due %s, stage %s", v.OutreachDue, v.Stage)
	}
	if v := h.accepted("contact"); v.Stage != eviction.StageCounselling || v.FirstContact != day(2026, 2, 5) {
		t.Fatalf("after contact: %+v", v)
	}
	h.rejected("plan-short", "raterne giver tilsammen 5.000,00 kr., mindre end restancen på 6.000,00 kr.")
	h.rejected("outreach-late", "opsøgende kontakt kan ikke registreres nu (fase: Afdragsordning)")
	plan := h.accepted("plan")
	if plan.Stage != eviction.StagePaymentPlan || plan.Instalments != 2 {
		t.Fatalf("plan: %+v", plan)
	}
	st := h.state("after-check-1")
	if got := st.Plan.Instalments; got[0].Status != eviction.InstalmentKept || got[1].Status != eviction.InstalmentPending ||
		got[0].CheckOn != day(2026, 3, 6) || got[1].CheckOn != day(2026, 4, 9) {
		// A påkrav for Monday 2 March could be sent on Friday 6 March (Tue,
		// Wed, Thu are the three hverdage); for Wednesday 1 April on Thursday
		// 9 April (skærtorsdag, langfredag and 2. påskedag are none: Sat 4,
		// Tue 7, Wed 8 are).
		t.Fatalf("instalments after the first check: %+v", got)
	}
	if l := h.state("after-list"); len(l.Lists) != 2 || l.Arrears != arrears.Kroner(3000) {
		t.Fatalf("after list: %d lists, arrears %s", len(l.Lists), l.Arrears)
	}

	want := []eviction.Stage{eviction.StageArrears, eviction.StageOutreach, eviction.StageCounselling, eviction.StagePaymentPlan, eviction.StageResolved}
	if !slices.Equal(stages(final.Transitions), want) || final.Stage != eviction.StageResolved || final.InstalmentsKept != 2 {
		t.Fatalf("final: stages %v, %+v", stages(final.Transitions), final)
	}
	for _, tr := range final.Transitions {
		if tr.At.IsZero() || tr.Cause != "" {
			t.Fatalf("view transition %+v: want a time and no free text", tr)
		}
	}

	stored, agg := h.stored(final.CaseID)
	if stored.Stage != eviction.StageResolved || stored.Seq != final.Seq {
		t.Fatalf("read model: %+v", stored)
	}
	for k, n := range map[string]int64{
		"cases|resolved|gl-jennumparken": 1, "trans|new|arrears": 1, "trans|outreach|counselling": 1,
		"trans|payment_plan|resolved": 1, "courses|2025-26": 1, "contact|count": 1, "contact|sum": 3 * 86400,
		"contact|le|259200": 1, "contact|le|172800": 0, "cases|outreach|gl-jennumparken": 0,
	} {
		if agg[k] != n {
			t.Errorf("aggregate %s = %d, want %d", k, agg[k], n)
		}
	}
}

// TestMissedInstalmentEscalatesThroughLegalClock: an instalment due on
// Thursday 12 March 2026 is not paid; it is judged missed on Tuesday 17
// March (the first hverdag after the third: Fri 13, Sat 14, Mon 16), which
// escalates. The påkrav sent by Digital Post on Friday 20 March is
// received that day; the deadline would be Good Friday 3 April, and
// Easter moves it to Tuesday 7 April. Termination, the kommune notice,
// the court request and the eviction follow.
func TestMissedInstalmentEscalatesThroughLegalClock(t *testing.T) {
	h := newHarness(t, cph(2026, 2, 2, 9, 0))
	h.update(cph(2026, 2, 3, 10, 0), "contact", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade})
	h.update(cph(2026, 2, 5, 10, 0), "plan", eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{
		Instalments: []eviction.InstalmentSpec{{Due: day(2026, 3, 12), Amount: arrears.Kroner(4000)}, {Due: day(2026, 4, 13), Amount: arrears.Kroner(4000)}}})
	h.snapshot(cph(2026, 3, 16, 23, 0), "before-check")
	h.snapshot(cph(2026, 3, 17, 9, 0), "escalated")
	h.update(cph(2026, 3, 17, 10, 0), "demand-early", eviction.UpdateDemand, eviction.DemandArg{On: day(2026, 3, 16), Method: legal.DigitalPost})
	h.update(cph(2026, 3, 20, 10, 0), "demand", eviction.UpdateDemand, eviction.DemandArg{Method: legal.DigitalPost})
	h.update(cph(2026, 4, 7, 12, 0), "terminate-early", eviction.UpdateTerminate, eviction.DateArg{})
	h.update(cph(2026, 4, 7, 13, 0), "court-early", eviction.UpdateCourt, eviction.DateArg{})
	h.snapshot(cph(2026, 4, 8, 9, 0), "deadline-passed")
	h.update(cph(2026, 4, 8, 10, 0), "terminate", eviction.UpdateTerminate, eviction.DateArg{})
	h.snapshot(cph(2026, 4, 8, 10, 30), "notified")
	h.update(cph(2026, 4, 8, 11, 0), "evict-early", eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeEvicted})
	h.update(cph(2026, 4, 9, 10, 0), "court", eviction.UpdateCourt, eviction.DateArg{On: day(2026, 4, 9)})
	h.update(cph(2026, 4, 30, 10, 0), "evicted", eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeEvicted})

	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 2, 2), arrears.Kroner(8000), day(2026, 2, 1)))
	final := h.result()

	h.accepted("contact")
	h.accepted("plan")
	if st := h.state("before-check"); st.Stage != eviction.StagePaymentPlan {
		t.Fatalf("before the check day: %s", st.Stage)
	}
	esc := h.state("escalated")
	if esc.Stage != eviction.StageEscalated || esc.Plan.Instalments[0].Status != eviction.InstalmentMissed || esc.Legal == nil ||
		esc.Legal.DueDate != day(2026, 3, 12) || esc.Legal.DemandEarliest != day(2026, 3, 17) || esc.Legal.Amount != arrears.Kroner(8000) {
		t.Fatalf("escalated: stage %s, legal %+v", esc.Stage, esc.Legal)
	}
	if !slices.Equal(esc.Accepts, []string{eviction.UpdatePayment, eviction.UpdateDemand, eviction.UpdateOutcome}) {
		t.Fatalf("escalated accepts %v", esc.Accepts)
	}
	h.rejected("demand-early", "påkravet kan ikke sendes mandag den 16. marts 2026; det kan sendes tidligst tirsdag den 17. marts 2026: "+
		"3. hverdag efter forfaldsdagen torsdag den 12. marts 2026 er mandag den 16. marts 2026")
	if v := h.accepted("demand"); v.Legal.DemandSentOn != day(2026, 3, 20) || v.Legal.DemandReceivedOn != day(2026, 3, 20) ||
		v.Legal.Deadline != day(2026, 4, 7) || v.Legal.TerminationEarliest != day(2026, 4, 8) ||
		!strings.Contains(v.Legal.DeadlineReason, "fredag den 3. april 2026 er langfredag") {
		t.Fatalf("demand: %+v", v.Legal)
	}
	h.rejected("terminate-early", "betalingsfristen løber til og med tirsdag den 7. april 2026; ophævelsen kan registreres tidligst onsdag den 8. april 2026")
	h.rejected("court-early", "registrér ophævelsen først")
	if st := h.state("deadline-passed"); !st.Legal.DeadlinePassed || !slices.Contains(st.Accepts, eviction.UpdateTerminate) {
		t.Fatalf("on 8 April: %+v, accepts %v", st.Legal, st.Accepts)
	}
	// The termination is acknowledged before the § 92 notice goes out;
	// the notice is recorded once the mail activity has sent it.
	if term := h.accepted("terminate"); term.Legal.TerminatedOn != day(2026, 4, 8) {
		t.Fatalf("terminate: %+v", term.Legal)
	}
	if st := h.state("notified"); st.Legal.KommuneNotifiedOn != day(2026, 4, 8) {
		t.Fatalf("after the notice: %+v", st.Legal)
	}
	h.rejected("evict-early", "en udsættelse forudsætter en begæring til fogedretten")
	if v := h.accepted("court"); v.Legal.CourtRequestedOn != day(2026, 4, 9) {
		t.Fatalf("court: %+v", v.Legal)
	}
	if final.Stage != eviction.StageEscalated || final.Outcome != eviction.OutcomeEvicted || final.Closed != day(2026, 4, 30) {
		t.Fatalf("final %+v", final)
	}
	want := []eviction.Stage{eviction.StageArrears, eviction.StageOutreach, eviction.StageCounselling, eviction.StagePaymentPlan, eviction.StageEscalated}
	if !slices.Equal(stages(final.Transitions), want) {
		t.Fatalf("stages %v", stages(final.Transitions))
	}

	// The § 92 notice went to the plan's kommune contact, keyed by the
	// pseudonym, before the court request.
	msg, err := os.ReadFile(filepath.Join(h.outbox, mailer.FileName(eviction.NoticeKey(final.Tenancy, final.CaseID))))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"leder@boligsocial-enhed-eksempel.randers.dk", "almenlejelovens =C2=A7 92", "27-101-1"} {
		if !strings.Contains(string(msg), want) {
			t.Errorf("notice lacks %q:\n%s", want, msg)
		}
	}
	_, agg := h.stored(final.CaseID)
	for k, n := range map[string]int64{"evict|gl-jennumparken|2025-26|total": 1, "evict|gl-jennumparken|2025-26|effective": 1,
		"trans|payment_plan|escalated": 1, "cases|escalated|gl-jennumparken": 1} {
		if agg[k] != n {
			t.Errorf("aggregate %s = %d, want %d", k, agg[k], n)
		}
	}
}

// TestListsDedupeAndPaymentAverts: the same list twice is one record; a
// later list updates arrears and contact; an operator escalation is
// averted by a payment of the amount due.
func TestListsDedupeAndPaymentAverts(t *testing.T) {
	h := newHarness(t, cph(2026, 3, 2, 9, 0))
	in := listInput(day(2026, 3, 2), arrears.Kroner(4000), day(2026, 2, 1))
	h.signalList(cph(2026, 3, 2, 9, 5), *in.List) // the signal that comes with SignalWithStart
	h.snapshot(cph(2026, 3, 2, 9, 10), "one-list")
	next := *in.List
	next.ListID, next.ListDate, next.Arrears = "2026-04-01-y", day(2026, 4, 1), arrears.Kroner(8000)
	next.Contact = eviction.Contact{Name: "Anna Jensen", Address: "Ny adresse 3", Phone: "20112244"}
	h.signalList(cph(2026, 4, 1, 9, 0), next)
	h.signalList(cph(2026, 4, 1, 9, 1), next)
	corrected := next // the same date's list, fixed and imported again
	corrected.ListID, corrected.Arrears = "2026-04-01-z", arrears.Kroner(9000)
	h.signalList(cph(2026, 4, 1, 9, 2), corrected)
	h.snapshot(cph(2026, 4, 1, 9, 3), "corrected")
	h.update(cph(2026, 4, 2, 10, 0), "escalate-empty", eviction.UpdateEscalate, eviction.EscalateArg{})
	h.update(cph(2026, 4, 2, 10, 5), "escalate", eviction.UpdateEscalate, eviction.EscalateArg{Reason: "Lejer afviser rådgivning"})
	h.update(cph(2026, 4, 14, 10, 0), "part", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(5000)})
	h.update(cph(2026, 4, 15, 10, 0), "rest", eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(4000)})

	h.env.ExecuteWorkflow(eviction.WorkflowName, in)
	final := h.result()

	if st := h.state("one-list"); len(st.Lists) != 1 {
		t.Fatalf("the start's own list counted %d times", len(st.Lists))
	}
	if st := h.state("corrected"); len(st.Lists) != 2 || st.Lists[1].ListID != "2026-04-01-z" || st.Arrears != arrears.Kroner(9000) || st.Contact.Address != "Ny adresse 3" {
		t.Fatalf("after the corrected list: %d lists %+v, arrears %s", len(st.Lists), st.Lists, st.Arrears)
	}
	h.rejected("escalate-empty", "angiv en begrundelse for eskaleringen")
	// Due on Sunday 1 February 2026: the last day to pay is Monday 2, and
	// Tue 3, Wed 4, Thu 5 are the three hverdage.
	if v := h.accepted("escalate"); v.Stage != eviction.StageEscalated || v.Legal.DueDate != day(2026, 2, 1) || v.Legal.LastDayToPay != day(2026, 2, 2) ||
		v.Legal.DemandEarliest != day(2026, 2, 6) || v.Legal.Amount != arrears.Kroner(9000) || v.Lists != 2 {
		t.Fatalf("escalate: %+v", v)
	}
	if v := h.accepted("part"); v.Outcome != "" {
		t.Fatalf("a part payment averted: %+v", v)
	}
	if final.Outcome != eviction.OutcomeAverted || final.Closed != day(2026, 4, 15) || final.Arrears != arrears.Kroner(9000) {
		t.Fatalf("final %+v", final)
	}
}

// TestOperatorCaseResolvesArea opens a case without a list: the area
// comes from the plan (an alias and a zero-padded department).
func TestOperatorCaseResolvesArea(t *testing.T) {
	h := newHarness(t, cph(2026, 5, 4, 9, 0))
	h.snapshot(cph(2026, 5, 4, 10, 0), "opened")
	h.update(cph(2026, 5, 4, 11, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{Reason: "Betalt"})
	// An operator's CaseInput, as the run layer sends it.
	h.env.ExecuteWorkflow(eviction.WorkflowName, eviction.CaseInput{Organisation: "Møllevenget & Storgaarden", Department: "007",
		TenancyNumber: "7-112-9", Contact: eviction.Contact{Name: "Ida", Address: "Hermann Stillingsvej 22"},
		Arrears: arrears.Kroner(1200), DueDate: day(2026, 4, 1)})
	final := h.result()
	st := h.state("opened")
	if st.Area != "hermann-stillingsvej-omraadet" || st.Organisation != "ms" || st.Origin != "operator" ||
		st.FirstList != day(2026, 5, 4) || st.Owner != "randersbolig" || st.PlanID != "eksempel-2025-29" {
		t.Fatalf("opened %+v", st)
	}
	if final.Stage != eviction.StageResolved || final.Closed != day(2026, 5, 4) {
		t.Fatalf("final %+v", final)
	}
}

// TestContinueAsNewCarriesState: when the history grows long (the test
// environment reports the length it is told), a case on many lists
// continues as new with every list so far, and the new run resumes it.
func TestContinueAsNewCarriesState(t *testing.T) {
	h := newHarness(t, cph(2026, 1, 5, 9, 0))
	in := listInput(day(2026, 1, 5), arrears.Kroner(1000), day(2026, 1, 1))
	for i := 1; i <= 40; i++ {
		e := *in.List
		d := day(2026, 1, 5).AddDays(i)
		e.ListID, e.ListDate, e.Arrears = d.String(), d, arrears.Kroner(int64(1000+i))
		h.signalList(cph(d.Year, d.Month, d.Day, 12, 0), e)
	}
	h.at(cph(2026, 1, 26, 11, 0), func() { h.env.SetCurrentHistoryLength(eviction.ContinueAsNewAfter) })
	h.env.ExecuteWorkflow(eviction.WorkflowName, in)
	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next eviction.Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	carried := next.State
	// The opening list and those of 6–26 January: the 26th's arrives after
	// the history grew, and is carried before the run continues.
	if carried == nil || len(carried.Lists) != 22 || carried.Stage != eviction.StageOutreach || carried.Contact.Name != "Anna Jensen" {
		t.Fatalf("carried %+v", carried)
	}

	// The next run picks up where the last stopped, under the same case id.
	h2 := newHarness(t, cph(2026, 3, 1, 9, 0))
	h2.snapshot(cph(2026, 3, 1, 9, 30), "resumed")
	h2.update(cph(2026, 3, 1, 10, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{})
	h2.env.ExecuteWorkflow(eviction.WorkflowName, next)
	final := h2.result()
	st := h2.state("resumed")
	if st.CaseID != carried.CaseID || st.Runs != carried.Runs+1 || len(st.Lists) != len(carried.Lists) || st.Seq != carried.Seq {
		t.Fatalf("resumed %+v", st)
	}
	if final.Stage != eviction.StageResolved || final.Seq <= carried.Seq {
		t.Fatalf("final %+v", final)
	}
}

// TestLegalDates checks the weekday clock that cases escalated before the
// hverdag clock keep (the hverdag clock's own table is package legal's).
func TestLegalDates(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want plan.Date
	}{
		{"påkrav across a weekend", eviction.WeekdayDemandEarliest(day(2026, 3, 5)), day(2026, 3, 10)},
		{"påkrav across Easter", eviction.WeekdayDemandEarliest(day(2026, 3, 31)), day(2026, 4, 8)},
		{"deadline on Good Friday", eviction.WeekdayDeadline(day(2026, 3, 20)), day(2026, 4, 7)},
		{"deadline on a Saturday", eviction.WeekdayDeadline(day(2026, 3, 7)), day(2026, 3, 23)},
		{"deadline on Ascension Day", eviction.WeekdayDeadline(day(2026, 4, 30)), day(2026, 5, 15)},
		{"deadline on a weekday", eviction.WeekdayDeadline(day(2026, 2, 27)), day(2026, 3, 13)},
		{"outreach across a weekend", eviction.OutreachDue(day(2026, 2, 4)), day(2026, 2, 11)},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

// TestValidatorRejectionIsFieldError: argument errors reach the run layer
// as field errors (400), stage refusals as plain errors (409).
func TestValidatorRejectionIsFieldError(t *testing.T) {
	h := newHarness(t, cph(2026, 2, 2, 9, 0))
	h.update(cph(2026, 2, 2, 10, 0), "bad-outcome", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: "maybe"})
	h.update(cph(2026, 2, 2, 10, 1), "future", eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, On: day(2026, 2, 9)})
	h.update(cph(2026, 2, 2, 10, 2), "stage", eviction.UpdateDemand, eviction.DemandArg{Method: legal.DigitalPost})
	h.update(cph(2026, 2, 2, 11, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{})
	h.env.ExecuteWorkflow(eviction.WorkflowName, listInput(day(2026, 2, 2), arrears.Kroner(100), day(2026, 1, 1)))
	h.result()
	for label, field := range map[string]string{"bad-outcome": "outcome", "future": "on"} {
		var app *temporal.ApplicationError
		if err := h.rejected(label, ""); !errors.As(err, &app) || app.Type() != "FieldError" {
			t.Errorf("%s: %v is not a field error", label, err)
		} else {
			var got string
			if err := app.Details(&got); err != nil || got != field {
				t.Errorf("%s: field %q, want %q", label, got, field)
			}
		}
	}
	var app *temporal.ApplicationError
	if err := h.rejected("stage", "et påkrav kan ikke registreres nu (fase: Opsøgende kontakt)"); errors.As(err, &app) && app.Type() == "FieldError" {
		t.Error("a stage refusal reported as a field error")
	}
}
