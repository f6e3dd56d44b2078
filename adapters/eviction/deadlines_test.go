package eviction

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"helhed/internal/promtest"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// TestCasesPastDeadline: open cases past the payment deadline after the
// påkrav (not terminated) and cases whose § 92 notice was given up on are
// counted from the read model's facts against today; a case on its last
// day to pay, a terminated or a closed one is not past the payment
// deadline; a count of 1 to 4 is left out and marked, so the alert still
// sees it, and counted in helhed_eviction_suppressed_cells.
func TestCasesPastDeadline(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	today := eviction.DateOf(time.Now())
	put := func(id string, seq int, legal eviction.Legal, outcome string) {
		t.Helper()
		v := testView(id, seq, eviction.StageEscalated, "vangdalen")
		l := legal
		v.Legal, v.Outcome = &l, outcome
		if _, err := m.Put(ctx, v, Facts(v, p)); err != nil {
			t.Fatal(err)
		}
	}
	sent := today.AddDays(-20)
	for i := range 5 {
		put(fmt.Sprintf("unpaid-%d", i), 1, eviction.Legal{DemandSentOn: sent, Deadline: today.AddDays(-1)}, "")
	}
	put("last-day", 1, eviction.Legal{DemandSentOn: sent, Deadline: today}, "")
	put("terminated", 1, eviction.Legal{DemandSentOn: sent, Deadline: today.AddDays(-5), TerminatedOn: today.AddDays(-2)}, "")
	put("closed", 1, eviction.Legal{DemandSentOn: sent, Deadline: today.AddDays(-5)}, eviction.OutcomeEvicted)
	put("no-demand-yet", 1, eviction.Legal{DemandEarliest: today.AddDays(-3)}, "")
	for i := range 2 {
		put(fmt.Sprintf("notice-%d", i), 1, eviction.Legal{DemandSentOn: sent, Deadline: today.AddDays(-5), TerminatedOn: today.AddDays(-2),
			KommuneNoticeFailedOn: today}, "")
	}

	got := promtest.Collect(t, &Collector{Plan: p, Model: m, Log: slog.Default()})
	for series, want := range map[string]float64{
		`helhed_eviction_cases_past_deadline{deadline="paakravsfrist"}`:                  5,
		`helhed_eviction_cases_past_deadline_suppressed{deadline="paakravsfrist"}`:       0,
		`helhed_eviction_cases_past_deadline_suppressed{deadline="underretning"}`:        1,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_cases_past_deadline"}`: 1,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	if v, ok := got[`helhed_eviction_cases_past_deadline{deadline="underretning"}`]; ok {
		t.Errorf("2 cases past the notice published raw: %v", v)
	}

	// Tomorrow the case on its last day is past it too; once the notices
	// are sent (the cases written again) none waits for one: 0 is shown.
	agg, err := m.Aggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := pastDeadline(agg, today.AddDays(1))[DeadlinePayment]; n != 6 {
		t.Errorf("tomorrow %d cases past the payment deadline, want 6", n)
	}
	for i := range 2 {
		put(fmt.Sprintf("notice-%d", i), 2, eviction.Legal{DemandSentOn: sent, Deadline: today.AddDays(-5), TerminatedOn: today.AddDays(-2),
			KommuneNotifiedOn: today}, "")
	}
	got = promtest.Collect(t, &Collector{Plan: p, Model: m, Log: slog.Default()})
	for series, want := range map[string]float64{
		`helhed_eviction_cases_past_deadline{deadline="underretning"}`:            0,
		`helhed_eviction_cases_past_deadline_suppressed{deadline="underretning"}`: 0,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("after the notices: %s = %v (present %v), want %v", series, v, ok, want)
		}
	}
}

// TestPastDeadlineIgnoresOtherFacts: only deadline facts count, and a
// malformed one is skipped rather than counted.
func TestPastDeadlineIgnoresOtherFacts(t *testing.T) {
	today := plan.NewDate(2026, 12, 5)
	agg := map[string]int64{
		factCases(eviction.StageEscalated, "vangdalen"):              3,
		factPastDeadline(DeadlinePayment, plan.NewDate(2026, 12, 5)): 2,
		factPastDeadline(DeadlinePayment, plan.NewDate(2026, 12, 6)): 4,
		"deadline|" + DeadlineNotice + "|ikke-en-dato":               1,
	}
	got := pastDeadline(agg, today)
	if got[DeadlinePayment] != 2 || got[DeadlineNotice] != 0 {
		t.Errorf("pastDeadline = %v, want 2 past the payment deadline, none past the notice", got)
	}
}

// TestPastDeadlineHidesWhatGivesAwayTheRest: 5 cases past the payment
// deadline among 7 escalated would, with the escalated total, tell that 2
// are not: the 5 are left out and marked.
func TestPastDeadlineHidesWhatGivesAwayTheRest(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	today := eviction.DateOf(time.Now())
	for i := range 7 {
		v := testView(fmt.Sprintf("e%d", i), 1, eviction.StageEscalated, "vangdalen")
		v.Legal = &eviction.Legal{DemandSentOn: today.AddDays(-20), Deadline: today.AddDays(-1)}
		if i >= 5 {
			v.Legal.Deadline = today.AddDays(3)
		}
		if _, err := m.Put(ctx, v, Facts(v, p)); err != nil {
			t.Fatal(err)
		}
	}
	got := promtest.Collect(t, &Collector{Plan: p, Model: m, Log: slog.Default()})
	if v, ok := got[`helhed_eviction_cases_past_deadline{deadline="paakravsfrist"}`]; ok {
		t.Errorf("5 of 7 escalated cases past the deadline published: %v", v)
	}
	if v := got[`helhed_eviction_cases_past_deadline_suppressed{deadline="paakravsfrist"}`]; v != 1 {
		t.Errorf("marker = %v, want 1", v)
	}
}
