package datarequest_test

import (
	"context"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"helhed/workflows/datarequest"
)

func ptr(f float64) *float64 { return &f }

// countsInput asks for a count, a percentage, a decimal, a decimal that
// may be negative and a count with the plan's bounds.
func countsInput() *datarequest.Input {
	return &datarequest.Input{
		RequestID: "test/counts", Partner: "ppr", Title: "Fremdrift", Due: "2026-04-07",
		Fields: []datarequest.Field{
			{Key: "forloeb", Label: "Antal forløb", Type: datarequest.Integer},
			{Key: "andel", Label: "Andel i job", Type: datarequest.Percentage},
			{Key: "timer", Label: "Timer", Type: datarequest.Decimal},
			{Key: "aendring", Label: "Ændring", Type: datarequest.Decimal, Min: ptr(-100)},
			{Key: "hold", Label: "Hold", Type: datarequest.Integer, Min: ptr(2), Max: ptr(12)},
		},
	}
}

func TestCountsAreCounts(t *testing.T) {
	refused := []struct{ field, value, message string }{
		{"forloeb", "3,5", "Antal forløb skal være et helt tal (fx 3), ikke 3,5."},
		{"forloeb", "-12", "Antal forløb skal være 0 eller mere, ikke -12."},
		{"andel", "101", "uden for 0–100"},
		{"andel", "-1", "uden for 0–100"},
		{"timer", "-1,5", "Timer skal være 0 eller mere, ikke -1,5."},
		{"aendring", "-100,5", "Ændring skal være mindst -100, ikke -100,5."},
		{"hold", "13", "Hold må højst være 12, ikke 13."},
		{"hold", "1", "Hold skal være mindst 2, ikke 1."},
	}
	for _, c := range refused {
		_, err := datarequest.Check(countsInput(), datarequest.Submission{Values: map[string]string{c.field: c.value}})
		ve, ok := datarequest.AsValidationError(err)
		if !ok || !hasError(ve.Errors, c.field, 0, "", c.message) {
			t.Errorf("%s=%q: want %q, got %v", c.field, c.value, c.message, err)
		}
	}
	ans, err := datarequest.Check(countsInput(), datarequest.Submission{Values: map[string]string{
		"forloeb": "0", "andel": "100", "timer": "0,5", "aendring": "-12,5", "hold": "12"}})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Values["forloeb"] != "0" || ans.Values["aendring"] != "-12.5" || ans.Values["hold"] != "12" {
		t.Fatalf("answer %v", ans.Values)
	}

	bad := countsInput()
	bad.Fields = append(bad.Fields, datarequest.Field{Key: "note", Label: "Note", Type: datarequest.Text, Min: ptr(1)})
	if fe := datarequest.CheckInput(bad); fe == nil || fe.Field != "fields[5].min" {
		t.Errorf("min on a text field: %v", fe)
	}
	bad = countsInput()
	bad.Fields[4].Min = ptr(20)
	if fe := datarequest.CheckInput(bad); fe == nil || fe.Field != "fields[4].max" {
		t.Errorf("min above max: %v", fe)
	}
}

// A request without a parent stays open once answered: the partner sends
// a new version before the deadline, is refused after it, and the
// secretariat corrects with a reason until the request closes,
// CorrectionWeekdays after the due date.
func TestCorrectionsBeforeAndAfterTheDeadline(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	state := func() datarequest.State {
		v, err := h.env.QueryWorkflow(datarequest.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var s datarequest.State
		if err := v.Get(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var refusals []error
	refuse := func(name string, arg any) {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Errorf("%s accepted %+v", name, arg) },
			OnReject: func(err error) { refusals = append(refusals, err) },
		}, arg)
	}
	values := func(elever string) map[string]string {
		return map[string]string{"elever": elever, "fravaer@vangdalen": "1", "fravaer@gl-jennumparken": "2"}
	}
	h.at(t, "2026-03-24 10:00", func() { h.submit(t, values("120")) })
	h.at(t, "2026-04-01 10:00", func() { h.submit(t, values("130")) })
	h.at(t, "2026-04-01 11:00", func() {
		s := state()
		if s.Status != datarequest.StatusAnswered || s.AnswerVersion != 2 || len(s.Versions) != 2 ||
			s.ResubmitUntil.IsZero() || !slicesContain(s.Accepts, datarequest.UpdateCorrect) {
			t.Errorf("after the new answer: %+v", s)
		}
	})
	h.at(t, "2026-04-08 10:00", func() {
		refuse(datarequest.UpdateSubmit, datarequest.Submission{Values: values("140"), SubmittedBy: "portal"})
		refuse(datarequest.UpdateCorrect, datarequest.Correction{Values: values("125")})
	})
	h.at(t, "2026-04-09 10:00", func() {
		h.update(t, datarequest.UpdateCorrect, datarequest.Correction{Reason: "Tastefejl rettet efter telefonsamtale", Values: values("125")})
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("corrected"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sameList(t, h.timeline("corrected"), []string{
		"2026-03-20 10:00 invite",
		"2026-03-24 10:00 receipt",
		"2026-04-01 10:00 receipt-2",
		"2026-04-09 10:00 corrected-3",
	})
	if len(refusals) != 2 {
		t.Fatalf("refusals %v", refusals)
	}
	if msg, ok := datarequest.IsNotOpen(refusals[0]); !ok || !strings.Contains(msg, "Fristen for at rette svaret var tirsdag den 7. april 2026") {
		t.Errorf("late resubmit: %v", refusals[0])
	}
	if !strings.Contains(refusals[1].Error(), "begrundelse") {
		t.Errorf("correction without a reason: %v", refusals[1])
	}
	// It closed CorrectionWeekdays after the due date, with the latest
	// answer; the partner's answer was on time.
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != datarequest.StatusAnswered || res.Values["elever"] != "125" || !res.OnTime ||
		!res.AnsweredAt.Equal(copenhagen(t, "2026-04-01 10:00")) {
		t.Fatalf("result %+v", res)
	}
	if want := copenhagen(t, "2026-04-22 00:00"); !h.env.Now().Equal(want) {
		t.Errorf("closed %v, want %v", h.env.Now(), want)
	}
	task, ok, err := h.store.Get(context.Background(), "corrected", copenhagen(t, "2026-04-22 01:00"))
	if err != nil || !ok || task.Status != datarequest.StatusAnswered || task.AnswerVersion != 3 || !task.ResubmitUntil.IsZero() {
		t.Fatalf("read model %+v %v %v", task, ok, err)
	}
	for _, s := range h.sent {
		if s.N.Kind == datarequest.NoticeCorrected && (s.N.Reason != "Tastefejl rettet efter telefonsamtale" || s.N.To == "") {
			t.Errorf("correction notice %+v", s.N)
		}
	}
}

// The cancel Update on an answered request that is still open for
// corrections closes it with its answer: no cancellation, no notice.
func TestCancelClosesAnAnsweredRequest(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	h.at(t, "2026-03-24 10:00", func() { h.submit(t, goodValues) })
	h.at(t, "2026-03-25 10:00", func() {
		h.update(t, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "Runden er afsluttet"})
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("closed"))
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != datarequest.StatusAnswered || res.Values["elever"] != "120" || res.Reason != "" {
		t.Fatalf("result %+v", res)
	}
	if want := copenhagen(t, "2026-03-25 10:00"); !h.env.Now().Equal(want) {
		t.Errorf("closed %v, want %v", h.env.Now(), want)
	}
	sameList(t, h.timeline("closed"), []string{"2026-03-20 10:00 invite", "2026-03-24 10:00 receipt"})
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
