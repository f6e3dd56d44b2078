package meeting_test

import (
	"strings"
	"testing"

	meetingadapter "helhed/adapters/meeting"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

func TestInputCheck(t *testing.T) {
	p := randers(t)
	today := plan.NewDate(2022, 10, 20)
	for _, c := range []struct {
		in    meeting.Input
		field string
		msg   string
	}{
		{meeting.Input{BoardDate: "2022-11-23"}, "plan", "skal udfyldes"},
		{meeting.Input{Plan: "x", BoardDate: "2022-11-23"}, "plan", "kører planen"},
		{meeting.Input{Plan: p.ID}, "boardDate", "præcis én"},
		{meeting.Input{Plan: p.ID, BoardDate: "2023-05-17", SummerDate: "2023-06-28"}, "boardDate", "præcis én"},
		{meeting.Input{Plan: p.ID, BoardDate: "23-11-2022"}, "boardDate", "åååå-mm-dd"},
		{meeting.Input{Plan: p.ID, BoardDate: "2022-10-19"}, "boardDate", "er passeret"},
		{meeting.Input{Plan: p.ID, BoardDate: "2025-09-10"}, "boardDate", "uden for planperioden"},
		// The report would be due 2022-10-12, before today; the first board
		// date whose report follows a deadline of today + 3 weekdays.
		{meeting.Input{Plan: p.ID, BoardDate: "2022-11-09"}, "boardDate", "12. oktober 2022, som er passeret. Første dato, der virker, er onsdag den 23. november 2022"},
		{meeting.Input{Plan: p.ID, SummerDate: "2022-06-22"}, "summerDate", "er passeret"},
	} {
		fe := c.in.Check(p, today, true)
		if fe == nil || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%+v: %v, want %s: …%s…", c.in, fe, c.field, c.msg)
		}
	}
	for _, ok := range []meeting.Input{{Plan: p.ID, BoardDate: "2022-11-23"}, {Plan: p.ID, SummerDate: "2023-06-28"}} {
		if fe := ok.Check(p, today, true); fe != nil {
			t.Errorf("%+v rejected: %v", ok, fe)
		}
	}
	if got := meetingadapter.RunKind().WorkflowID(&meeting.Input{Plan: p.ID, SummerDate: "2023-06-28"}); got != "meeting-round/randers-2021-25/summer-2023-06-28" {
		t.Errorf("workflow id %s", got)
	}
}

// TestRequestsAreValidDataRequests checks every request a round sends
// against the data-request contract's own input check.
func TestRequestsAreValidDataRequests(t *testing.T) {
	p := randers(t)
	s, err := meeting.BuildSetup(p, meeting.Input{Plan: p.ID, BoardDate: "2022-11-23"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Requests) != len(p.Governance.SteeringGroup.Members)+1 {
		t.Fatalf("%d requests", len(s.Requests))
	}
	for _, q := range s.Requests {
		in := q.Input
		in.Due = "2022-10-19"
		if fe := datarequest.CheckInput(&in); fe != nil {
			t.Errorf("%s: %v", in.RequestID, fe)
		}
	}
}

// TestBadInputFailsTheRound: a round started with an input the plan does
// not allow fails at once, naming the field.
func TestBadInputFailsTheRound(t *testing.T) {
	h := newHarness(t, local(t, "2022-09-01 00:00"))
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{Plan: "randers-2021-25", BoardDate: "2030-01-01"})
	err := h.env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "boardDate") || !strings.Contains(err.Error(), "uden for planperioden") {
		t.Fatalf("error %v", err)
	}
	if len(h.double.Started()) != 0 || len(h.mail.Sent()) != 0 {
		t.Error("a bad round left traces")
	}
}
