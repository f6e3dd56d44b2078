package absence_test

import (
	"strings"
	"testing"

	"helhed/internal/cycletest"
	"helhed/plan"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

func TestCheckNamesTheLine(t *testing.T) {
	p, _ := plan.LoadEmbedded("randers-2021-25")
	s, err := absence.BuildSetup(p, absence.Input{Plan: p.ID, Quarter: "2022-Q3"})
	if err != nil {
		t.Fatal(err)
	}
	pupils, problems := absence.Check("noerrevangsskolen", table(
		"A1;gl-jennumparken;60;3;0",
		"A2;gl-jennumparken;20;25;0",  // line 3: absent > school days
		"A3;Jennumparken Nord;60;3;0", // line 4: unknown area
		"A1;gl-jennumparken;60;3;0",   // line 5: duplicate
		"0101901234;vangdalen;60;1;0", // line 6: a CPR number
		"A6;vangdalen;60;3;4",         // line 7: unlawful > absent
		"A7;vangdalen;0;0;0",          // line 8: no school days
	), s.Areas)
	if pupils != nil {
		t.Errorf("pupils returned with problems: %v", pupils)
	}
	want := []string{
		"linje 3: fraværsdage (25) er flere end skoledage (20)",
		"linje 4: ukendt boligområde »Jennumparken Nord«",
		"linje 5: elev-id A1 står også på linje 2",
		"linje 6: elev-id ligner et CPR-nummer",
		"linje 7: ulovligt fravær (4) er mere end fraværet i alt (3)",
		"linje 8: skoledage skal være større end 0",
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %q", problems)
	}
	for i, w := range want {
		if !strings.HasPrefix(problems[i], w) {
			t.Errorf("problem %d = %q, want prefix %q", i, problems[i], w)
		}
	}
}

func TestInputCheck(t *testing.T) {
	p, _ := plan.LoadEmbedded("randers-2021-25")
	today := plan.NewDate(2023, 2, 1)
	for _, c := range []struct {
		in    absence.Input
		field string
	}{
		{absence.Input{Quarter: "2022-Q3"}, "plan"},
		{absence.Input{Plan: "other", Quarter: "2022-Q3"}, "plan"},
		{absence.Input{Plan: p.ID, Quarter: "2022-5"}, "quarter"},
		{absence.Input{Plan: p.ID, Quarter: "2020-Q4"}, "quarter"}, // before the plan
		{absence.Input{Plan: p.ID, Quarter: "2023-Q1"}, "quarter"}, // not ended
	} {
		fe := c.in.Check(p, today, true)
		if fe == nil || fe.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.in, fe, c.field)
		}
	}
	if fe := (absence.Input{Plan: p.ID, Quarter: "2022-q4"}).Check(p, today, true); fe != nil {
		t.Errorf("valid input rejected: %v", fe)
	}
}

// TestRejectedFileIsAskedForAgain: a school's bad file is rejected whole
// (nothing of it counts) and asked for again with its problems; the
// corrected file is accepted. A school whose files stay bad is named.
func TestRejectedFileIsAskedForAgain(t *testing.T) {
	if err := rdb.FlushDB(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	answer := func(in datarequest.Input) *cycletest.Answer {
		switch {
		case strings.HasSuffix(in.RequestID, "/noerrevangsskolen"):
			return &cycletest.Answer{After: 24 * 3600e9, Rows: table("B1;gl-jennumparken;60;61;0", "B2;gl-jennumparken;60;30;30")}
		case strings.HasSuffix(in.RequestID, "/noerrevangsskolen/2"):
			return &cycletest.Answer{After: 24 * 3600e9, Rows: table("B1;gl-jennumparken;60;6;0")}
		case strings.Contains(in.RequestID, "/oestervangsskolen"):
			return &cycletest.Answer{After: 24 * 3600e9, Rows: table("X;nowhere;1;1;1")}
		}
		return &cycletest.Answer{After: 24 * 3600e9, Rows: table("Z1;energivej-omraadet;40;2;0")}
	}
	h := newHarness(t, local(t, "2022-10-05 08:00"), nil, answer)
	h.env.ExecuteWorkflow(absence.WorkflowName, absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q3"})
	var res absence.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	var second datarequest.Input
	attempts := map[string]int{}
	for _, s := range h.double.Started() {
		attempts[s.Input.Partner]++
		if strings.HasSuffix(s.Input.RequestID, "/noerrevangsskolen/2") {
			second = s.Input
		}
	}
	if attempts["noerrevangsskolen"] != 2 || attempts["oestervangsskolen"] != absence.MaxAttempts {
		t.Errorf("attempts %v", attempts)
	}
	if !strings.Contains(second.Instructions, "linje 2: fraværsdage (61) er flere end skoledage (60)") {
		t.Errorf("second request does not name the bad line:\n%s", second.Instructions)
	}
	// Only B1's corrected line counts: 6 of 60 days.
	for _, a := range res.Outcome.Areas {
		if a.Area == "gl-jennumparken" && (a.Pupils != 1 || !near(a.Percent, 10)) {
			t.Errorf("gl-jennumparken %+v: the rejected file leaked in", a)
		}
	}
	note := h.mail.Sent()[0].Message.Text
	if !strings.Contains(note, "Østervangsskolen (data afvist)") || !strings.Contains(note, "ukendt boligområde »nowhere«") {
		t.Errorf("note does not name the rejected school and its problem:\n%s", note)
	}
}

// TestRequestIsAValidDataRequest: the table request passes the contract's
// own input check.
func TestRequestIsAValidDataRequest(t *testing.T) {
	h := newHarness(t, local(t, "2022-10-05 08:00"), nil, func(datarequest.Input) *cycletest.Answer { return nil })
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(absence.UpdateClose, "close", noop{}, absence.Close{Reason: "test"})
	}, 3600e9)
	h.env.ExecuteWorkflow(absence.WorkflowName, absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q3"})
	var res absence.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	started := h.double.Started()
	if len(started) != 4 {
		t.Fatalf("%d requests, want one per school (4)", len(started))
	}
	for _, s := range started {
		in := s.Input
		if fe := datarequest.CheckInput(&in); fe != nil {
			t.Errorf("%s: %v", in.RequestID, fe)
		}
	}
	// Closed early by the operator: every school is named as missing.
	for _, s := range res.Schools {
		if s.Status != absence.SchoolMissing {
			t.Errorf("%s: %s", s.School, s.Status)
		}
	}
	if got := h.mail.Sent()[0].At.In(h.plan.Location()).Format("15:04"); got != "09:00" {
		t.Errorf("note sent at %s, want when the round was closed (09:00)", got)
	}
}

type noop struct{}

func (noop) Accept()             {}
func (noop) Reject(error)        {}
func (noop) Complete(any, error) {}
