package schedules_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"helhed/internal/cycletest"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows/absence"
	"helhed/workflows/meeting"
)

func occ(t *testing.T, at, notAfter string, id string) schedules.Occurrence {
	o, err := schedules.NewOccurrence(cycletest.Local(t, at), cycletest.Local(t, notAfter), "Probe", id, "", map[string]string{"id": id})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestPick(t *testing.T) {
	occs := []schedules.Occurrence{
		occ(t, "2022-01-05 08:00", "2022-04-05 08:00", "q4"),
		occ(t, "2022-04-05 08:00", "2022-07-05 08:00", "q1"),
	}
	for _, c := range []struct{ at, want string }{
		{"2022-01-05 07:59", ""},   // before the first
		{"2022-01-05 08:00", "q4"}, // exactly on time
		{"2022-03-01 12:00", "q4"}, // a trigger between fires
		{"2022-04-05 08:00", "q1"}, // the later one wins at its time
		{"2022-07-05 08:01", ""},   // stale
	} {
		o, ok := schedules.Pick(occs, cycletest.Local(t, c.at))
		if got := map[bool]string{true: o.WorkflowID}[ok]; got != c.want {
			t.Errorf("Pick at %s = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestDesiredFromThePlan(t *testing.T) {
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := schedules.Desired(p, []schedules.Source{meeting.ScheduleSpecs, absence.ScheduleSpecs})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]schedules.Spec{}
	for _, s := range specs {
		byID[s.ID] = s
	}
	m := byID["helhed/randers-2021-25/meeting-round"]
	a := byID["helhed/randers-2021-25/absence-follow-up"]
	// 4 plan years × (autumn, spring, summer); 16 quarters 2021-Q3..2025-Q2.
	if len(m.Occurrences) != 12 || len(a.Occurrences) != 16 {
		t.Fatalf("occurrences: meeting %d, absence %d", len(m.Occurrences), len(a.Occurrences))
	}
	first := m.Occurrences[0]
	var in meeting.Input
	if err := json.Unmarshal(first.Input, &in); err != nil {
		t.Fatal(err)
	}
	// Board 2021-11-24 → steering group 2021-11-03 → opens 25 weekdays
	// earlier, 2021-09-29, at 08:00 Copenhagen (06:00 UTC, summer time).
	if in.BoardDate != "2021-11-24" || first.WorkflowID != "meeting-round/randers-2021-25/2021-11-24" ||
		first.At.UTC().Format(time.RFC3339) != "2021-09-29T06:00:00Z" {
		t.Errorf("first meeting occurrence %s %+v at %s", first.WorkflowID, in, first.At.UTC().Format(time.RFC3339))
	}
	q := a.Occurrences[2] // 2022-Q1, fired the third weekday after 31 March 2022
	if q.WorkflowID != "absence-follow-up/randers-2021-25/2022-Q1" || q.At.UTC().Format(time.RFC3339) != "2022-04-05T06:00:00Z" {
		t.Errorf("absence occurrence %s at %s", q.WorkflowID, q.At.UTC().Format(time.RFC3339))
	}
	if !strings.HasPrefix(absence.WorkflowID(absence.Input{Plan: p.ID, Quarter: "2022-q1"}), "absence-follow-up/randers-2021-25/2022-Q1") {
		t.Error("quarter not normalised in the workflow ID")
	}
}

func TestDesiredRejectsBadSpecs(t *testing.T) {
	p, _ := plan.LoadEmbedded("randers-2021-25")
	for _, bad := range []schedules.Spec{
		{ID: "other/x", Workflow: "W", Calendars: nil},
		{ID: schedules.ID(p.ID, "x")},
		{ID: schedules.ID(p.ID, "x"), Occurrences: []schedules.Occurrence{{Workflow: "W", WorkflowID: "a", At: time.Date(2022, 1, 1, 8, 0, 30, 0, time.UTC)}}},
	} {
		src := func(*plan.Plan) ([]schedules.Spec, error) { return []schedules.Spec{bad}, nil }
		if _, err := schedules.Desired(p, []schedules.Source{src}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestLaunchStartsTheDueOccurrence runs Launch as a schedule would start
// it (the nominal time in TemporalScheduledStartTime) in the time-skipping
// environment.
func TestLaunchStartsTheDueOccurrence(t *testing.T) {
	env := cycletest.NewEnv(cycletest.Local(t, "2022-04-05 08:00"))
	var started []string
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, in map[string]string) error {
		started = append(started, workflow.GetInfo(ctx).WorkflowExecution.ID+"="+in["id"])
		return nil
	}, workflow.RegisterOptions{Name: "Probe"})
	env.RegisterWorkflowWithOptions(schedules.Launch, workflow.RegisterOptions{Name: schedules.LaunchWorkflowName})
	if err := env.SetSearchAttributesOnStart(map[string]any{"TemporalScheduledStartTime": cycletest.Local(t, "2022-04-05 08:00")}); err != nil {
		t.Fatal(err)
	}
	env.ExecuteWorkflow(schedules.LaunchWorkflowName, schedules.LaunchInput{Schedule: "s", Occurrences: []schedules.Occurrence{
		occ(t, "2022-01-05 08:00", "2022-04-05 08:00", "q4"),
		occ(t, "2022-04-05 08:00", "2022-07-05 08:00", "q1"),
	}})
	var res schedules.LaunchResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != schedules.LaunchStarted || res.WorkflowID != "q1" || len(started) != 1 || started[0] != "q1=q1" {
		t.Errorf("launch %+v, started %v", res, started)
	}
}
