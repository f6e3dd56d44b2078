package meeting_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	meetingadapter "helhed/adapters/meeting"
	"helhed/internal/cycletest"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// TestAnswersReachTheReadModelAsTheyArrive: the milestone actuals and the
// report's completeness do not wait for the progress report (25 weekdays
// after the round opens). Before the round opens nothing is published;
// from the open the completeness is answered/asked so far; each member's
// figures count in helhed_milestone_actual from the moment it answers.
func TestAnswersReachTheReadModelAsTheyArrive(t *testing.T) {
	flush(t)
	h := newHarness(t, local(t, "2022-09-27 00:00"))
	in := meeting.Input{Plan: "randers-2021-25", BoardDate: "2022-11-23"}
	h.env.SetStartWorkflowOptions(clientStartOptions(meeting.WorkflowID(in)))
	responsible := brandkadetResponsible(t, h)
	const (
		ratio      = `helhed_progress_report_completeness_ratio{meeting="autumn",year="2022-23"}`
		brandkadet = `helhed_milestone_actual{activity="brandkadet",area="alle",metric="unge",year="2022-23"}`
		// An actual below the discretion threshold is marked, not shown.
		brandkadetSuppressed = `helhed_milestone_actual_suppressed{activity="brandkadet",area="alle",metric="unge",year="2022-23"}`
	)
	asked := float64(len(h.plan.Governance.SteeringGroup.Members) + 1)
	// The round opens 2022-09-28 08:00; the monitoring unit answers two
	// days later, the members (all but the silent one) three days later;
	// the report is due 2022-10-26.
	checks := []struct {
		at      string
		ratio   float64 // -1: no series
		actual  float64 // -1: no series
		figures bool
	}{
		{"2022-09-27 12:00", -1, -1, false},
		{"2022-09-28 12:00", 0, -1, false},
		{"2022-09-30 12:00", 1 / asked, -1, false},
		{"2022-10-01 12:00", (asked - 1) / asked, float64(2 * responsible), true},
		{"2022-10-25 12:00", (asked - 1) / asked, float64(2 * responsible), true},
	}
	for _, c := range checks {
		h.env.RegisterDelayedCallback(func() {
			got := cycletest.Gather(t, &meetingadapter.Collector{Plan: h.plan, Redis: rdb, Now: h.env.Now})
			want := func(name string, w float64) {
				v, ok := got[name]
				switch {
				case w < 0 && ok:
					t.Errorf("%s: %s = %v, want no series", c.at, name, v)
				case w >= 0 && (!ok || fmt.Sprintf("%.6f", v) != fmt.Sprintf("%.6f", w)):
					t.Errorf("%s: %s = %v (present %v), want %v", c.at, name, v, ok, w)
				}
			}
			want(ratio, c.ratio)
			switch {
			case c.actual >= 0 && c.actual < float64(h.plan.DiscretionThreshold):
				want(brandkadet, -1)
				want(brandkadetSuppressed, 1)
			default:
				want(brandkadet, c.actual)
				want(brandkadetSuppressed, -1)
			}
			var st meeting.State
			v, err := h.env.QueryWorkflow(meeting.QueryState)
			if err == nil {
				err = v.Get(&st)
			}
			if err != nil {
				t.Errorf("%s: query: %v", c.at, err)
			} else if (len(st.Figures) > 0) != c.figures || st.Record == nil {
				t.Errorf("%s: state has %d figures and record %v", c.at, len(st.Figures), st.Record)
			}
		}, local(t, c.at).Sub(h.env.Now()))
	}
	h.updateAt(t, local(t, "2022-11-02 16:00"), meeting.WorkflowID(in), meeting.UpdateRecordRecommendations, meeting.Record{Text: "A"})
	h.updateAt(t, local(t, "2022-11-23 17:00"), meeting.WorkflowID(in), meeting.UpdateRecordDecisions, meeting.Record{Text: "B"})
	st := h.run(t, in)
	// The result carries what the round last wrote, for the reconcile.
	if st.Record == nil || st.Record.Stage != meeting.StageClosed || st.Record.Answered != int(asked)-1 || !st.Record.Reported {
		t.Errorf("result record %+v", st.Record)
	}
	for _, f := range st.Figures {
		if f.At.IsZero() || f.Partner == silent || f.Value != "2" {
			t.Errorf("figure %+v", f)
		}
	}
	// Once the report is out the ratio is final.
	got := cycletest.Gather(t, &meetingadapter.Collector{Plan: h.plan, Redis: rdb, Now: func() time.Time { return local(t, "2023-01-01 00:00") }})
	if v := got[ratio]; fmt.Sprintf("%.6f", v) != fmt.Sprintf("%.6f", (asked-1)/asked) {
		t.Errorf("final completeness %v", v)
	}
}

// brandkadetResponsible counts the steering-group members, the silent one
// excepted, who report on Brandkadet.
func brandkadetResponsible(t *testing.T, h *harness) int {
	t.Helper()
	act, ok := h.plan.Activity("brandkadet")
	if !ok {
		t.Fatal("plan has no brandkadet")
	}
	n := 0
	for _, r := range act.Responsible {
		for _, m := range h.plan.Governance.SteeringGroup.Members {
			if m == r && m != silent {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("brandkadet has no responsible steering-group member")
	}
	return n
}

// TestReconcileProjectsWhatTheRoundsWrote runs two rounds of plan year
// 2022-23 against the same Redis: in the spring round every member
// reports 5 but one Brandkadet member does not answer, so it keeps its
// autumn figure (2). The reconcile's projection of the two rounds' results
// is key for key what the live writes left: round entries, the year's
// meeting summary, each member's latest figure and the sums.
func TestReconcileProjectsWhatTheRoundsWrote(t *testing.T) {
	flush(t)
	a := newHarness(t, local(t, "2022-09-27 00:00"))
	autumn := a.run(t, meeting.Input{Plan: "randers-2021-25", BoardDate: "2022-11-23"})

	b := newHarness(t, local(t, "2023-03-16 00:00"))
	act, _ := b.plan.Activity("brandkadet")
	var skips string
	for _, r := range act.Responsible {
		for _, m := range b.plan.Governance.SteeringGroup.Members {
			if m == r && m != silent && skips == "" {
				skips = m
			}
		}
	}
	b.double.Answer = func(in datarequest.Input) *cycletest.Answer {
		ans := answerAll(in)
		if ans == nil || in.Partner == skips {
			return nil
		}
		for k, v := range ans.Values {
			if v == "2" {
				ans.Values[k] = "5"
			}
		}
		return ans
	}
	spring := b.run(t, meeting.Input{Plan: "randers-2021-25", BoardDate: "2023-05-17"})

	responsible := brandkadetResponsible(t, b)
	got := cycletest.Gather(t, &meetingadapter.Collector{Plan: b.plan, Redis: rdb, Now: b.env.Now})
	if v, want := got[`helhed_milestone_actual{activity="brandkadet",area="alle",metric="unge",year="2022-23"}`], float64(5*(responsible-1)+2); v != want {
		t.Errorf("brandkadet actual %v, want %v (the member who skipped spring keeps its autumn 2)", v, want)
	}
	// Later rounds started later.
	runs := []meetingadapter.Run{{Start: time.Unix(0, 0), State: autumn}, {Start: time.Unix(1, 0), State: spring}}
	var rm cycletest.ReadModel
	if err := meetingadapter.Project(&rm, runs); err != nil {
		t.Fatal(err)
	}
	// The rounds' index, two round entries, the year's meeting summary, the
	// members' figures and their sums, and the members' staff hours (the
	// Randers plan has no budget lines).
	rm.MatchesRedis(t, rdb, 7, meetingadapter.KeyPatterns...)
	// The order of the runs does not matter.
	var rev cycletest.ReadModel
	if err := meetingadapter.Project(&rev, []meetingadapter.Run{runs[1], runs[0]}); err != nil {
		t.Fatal(err)
	}
	if d := cycletest.DiffDumps(rm.Dump(), rev.Dump()); len(d) > 0 {
		t.Errorf("projection depends on the order of the runs:\n%s", strings.Join(d, "\n"))
	}
}
