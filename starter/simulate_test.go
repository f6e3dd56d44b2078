package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows/absence"
	"helhed/workflows/meeting"
)

func simulateJSON(t *testing.T, arg string) simulation {
	t.Helper()
	code, out, errOut := runStarterIn(nil, "", "plan", "simulate", "--json", arg)
	if code != 0 {
		t.Fatalf("plan simulate %s: %d\n%s", arg, code, errOut)
	}
	var sim simulation
	if err := json.Unmarshal([]byte(out), &sim); err != nil {
		t.Fatalf("plan simulate --json: %v\n%s", err, out)
	}
	return sim
}

func monthKey(d plan.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)) }

// TestPlanSimulateRanders: the simulated Randers calendar has, month by
// month, the data requests of the rounds that open in it (each meeting
// round's requests on its opening day, each absence round's schools on
// its quarter's start) and each board and steering-group meeting in its
// month, with the round's progress report before it.
func TestPlanSimulateRanders(t *testing.T) {
	p := testplan.Load(t, "randers-2021-25")
	sim := simulateJSON(t, "randers-2021-25")
	if len(sim.Failed) > 0 {
		t.Fatalf("failed runs: %v", sim.Failed)
	}
	got := map[string]simMonth{}
	for _, m := range sim.Months {
		got[m.Month] = m
	}

	wantRequests := map[string]int{}
	ms, err := meeting.ScheduleSpecs(p)
	if err != nil {
		t.Fatal(err)
	}
	as, err := absence.ScheduleSpecs(p)
	if err != nil {
		t.Fatal(err)
	}
	rounds := 0
	for _, o := range ms[0].Occurrences {
		var in meeting.Input
		decode(t, o, &in)
		s, err := meeting.BuildSetup(p, in)
		if err != nil {
			t.Fatal(err)
		}
		tl := meeting.DeriveSummer(date(t, in.SummerDate))
		if !in.Summer() {
			tl = meeting.Derive(date(t, in.BoardDate), s.OffsetDays)
			if !hasEvent(got[monthKey(tl.Board)].Meetings, tl.Board, "Bestyrelsesmøde") {
				t.Errorf("board meeting %s not in its month: %+v", tl.Board, got[monthKey(tl.Board)].Meetings)
			}
			if !hasEvent(got[monthKey(tl.Report)].Documents, tl.Report, "fremdriftsrapport") {
				t.Errorf("round %s: no progress report on %s: %+v", in.Key(), tl.Report, got[monthKey(tl.Report)].Documents)
			}
		}
		if !hasEvent(got[monthKey(tl.Steering)].Meetings, tl.Steering, "Styregruppemøde") {
			t.Errorf("steering-group meeting %s not in its month: %+v", tl.Steering, got[monthKey(tl.Steering)].Meetings)
		}
		wantRequests[monthKey(tl.Open)] += len(s.Requests)
		rounds++
	}
	for _, o := range as[0].Occurrences {
		var in absence.Input
		decode(t, o, &in)
		s, err := absence.BuildSetup(p, in)
		if err != nil {
			t.Fatal(err)
		}
		wantRequests[monthKey(p.DateOf(o.At))] += len(s.Schools)
	}
	if rounds < 12 {
		t.Fatalf("only %d meeting rounds in the Randers plan", rounds)
	}
	for _, m := range sim.Months {
		if len(m.Requests) != wantRequests[m.Month] {
			t.Errorf("%s: %d data requests, want %d", m.Month, len(m.Requests), wantRequests[m.Month])
		}
		delete(wantRequests, m.Month)
	}
	for month, n := range wantRequests {
		t.Errorf("%s: no month in the simulation, want %d data requests", month, n)
	}

	// The table names the months in Danish.
	code, out, _ := runStarterIn(nil, "", "plan", "simulate", "randers-2021-25")
	if code != 0 || !strings.Contains(out, "november 2021") || !strings.Contains(out, "Bestyrelsesmøde 2021-22 (efterår)") {
		t.Errorf("plan simulate: %d\n%s", code, out)
	}
}

// TestPlanSimulateMovedBoardMeeting: moving an autumn board meeting to
// the next month in the plan file moves it in the simulated calendar.
func TestPlanSimulateMovedBoardMeeting(t *testing.T) {
	p := testplan.Load(t, "randers-2021-25")
	before := p.Governance.Board.Meetings[1].Autumn
	var path string
	var moved plan.Date
	for days := 28; days <= 42 && path == ""; days++ {
		moved = before.AddDays(days)
		if moved.Month == before.Month {
			continue
		}
		p.Governance.Board.Meetings[1].Autumn = moved
		path, _ = testplan.Write(t.TempDir(), p) // the loader refuses a day that is not a valid meeting day
	}
	if path == "" {
		t.Fatalf("no valid day 4-6 weeks after %s for the autumn board meeting", before)
	}
	sim := simulateJSON(t, path)
	var at []string
	for _, m := range sim.Months {
		for _, ev := range m.Meetings {
			if strings.HasPrefix(ev.Title, "Bestyrelsesmøde "+p.Governance.Board.Meetings[1].Year+" (efterår)") {
				at = append(at, ev.Date)
			}
		}
	}
	if len(at) != 1 || at[0] != moved.String() {
		t.Errorf("moved autumn board meeting %s → %s: simulated on %v", before, moved, at)
	}
}

func decode(t *testing.T, o schedules.Occurrence, v any) {
	t.Helper()
	if err := json.Unmarshal(o.Input, v); err != nil {
		t.Fatalf("%s: %v", o.WorkflowID, err)
	}
}

func date(t *testing.T, s string) plan.Date {
	t.Helper()
	if s == "" {
		return plan.Date{}
	}
	d, err := plan.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func hasEvent(evs []simEvent, d plan.Date, title string) bool {
	for _, ev := range evs {
		if ev.Date == d.String() && strings.Contains(ev.Title, title) {
			return true
		}
	}
	return false
}
