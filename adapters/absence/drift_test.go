package absence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/internal/cycletest"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

const testdata = "../../workflows/absence/testdata/"

// TestOnTheRealStack drives quarterly rounds on the whole process
// (embedded Temporal, real redis-server) through what users can do: the
// schools' files through their data requests' submit Update (as the
// portal sends it), the operator's close-round and a cancel. After each
// step, once the runs have acted on it, a reconcile of the absence and the
// data-request read models finds nothing to repair. With
// HELHED_RECORD_HISTORY=1 it records the histories the absence package's
// replay test reads (payloads sealed with cycletest.PayloadKey), the
// TeamMeeting workflow's among them.
func TestOnTheRealStack(t *testing.T) {
	s := teststack.StartT(t, teststack.Options{Name: "absence-drift", Env: map[string]string{"PAYLOAD_KEY": cycletest.PayloadKey}})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	noDrift := func(t *testing.T, step string, ids ...string) {
		t.Helper()
		s.Settled(t, ids...)
		s.NoDrift(t, absence.Kind, step)
		s.NoDrift(t, datarequest.Kind, step)
	}
	state := func(t *testing.T, id string) absence.State {
		t.Helper()
		v, err := s.Temporal.QueryWorkflow(ctx, id, "", absence.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var st absence.State
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	start := func(t *testing.T, quarter string) (string, absence.State) {
		t.Helper()
		raw, _ := json.Marshal(absence.Input{Plan: s.Plan.ID, Quarter: quarter})
		st, err := runner.Start(ctx, absence.Kind, raw)
		if err != nil {
			t.Fatal(err)
		}
		var round absence.State
		teststack.Eventually(t, "the round's requests", func() error {
			round = state(t, st.WorkflowID)
			for _, sc := range round.Schools {
				if sc.RequestID == "" {
					return fmt.Errorf("%s not asked yet", sc.School)
				}
			}
			if len(round.Schools) == 0 {
				return fmt.Errorf("no schools yet")
			}
			return nil
		})
		noDrift(t, "start", append([]string{st.WorkflowID}, requestIDs(round)...)...)
		return st.WorkflowID, round
	}
	// submit sends a school's file as the portal does and waits until the
	// round has acted on the answer.
	submit := func(t *testing.T, id, requestID, csv string) {
		t.Helper()
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: datarequest.WorkflowID(requestID),
			UpdateName: datarequest.UpdateSubmit, Args: []any{datarequest.Submission{CSV: csv, SubmittedBy: "portal"}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("submit to %s: %v", requestID, err)
		}
		teststack.Eventually(t, "the round to take the answer", func() error {
			for _, sc := range state(t, id).Schools {
				if sc.RequestID == requestID && sc.Status == absence.SchoolOpen {
					return fmt.Errorf("%s still open", sc.School)
				}
			}
			return nil
		})
		noDrift(t, "a file from "+requestID, id, datarequest.WorkflowID(requestID))
	}
	header := strings.Join([]string{absence.ColPupil, absence.ColArea, absence.ColSchoolDays, absence.ColAbsent, absence.ColUnlawful}, ";") + "\n"
	files := map[string]string{
		"noerrevangsskolen": header + "N1;Gl. Jennumparken;60;3;0\nN2;gl-jennumparken;60;6;6\nN3;gl-jennumparken;60;12;9\nN4;gl-jennumparken;60;0;0\nN5;gl-jennumparken;60;1,5;0\n",
		"oestervangsskolen": header + "O1;hermann-stillingsvej-omraadet;50;2;0\n",
	}
	bad := header + "H1;Energivej;40;41;0\n" // more days absent than school days

	// Two schools answer, one sends a bad file, which the submit
	// validator refuses (ChangeRulesOnForm: nothing recorded, no attempt
	// used), one never answers; the operator closes the round, which
	// withdraws the open requests (ChangeCloseStopsFiles) and writes the
	// quarter.
	t.Run("closed by the operator", func(t *testing.T) {
		quarter := absence.QuarterOf(s.Plan.DateOf(time.Now())).Prev()
		id, round := start(t, quarter.String())
		for _, sc := range round.Schools {
			switch {
			case files[sc.School] != "":
				submit(t, id, sc.RequestID, files[sc.School])
			case sc.School == "hobrovejens-skole":
				h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: datarequest.WorkflowID(sc.RequestID),
					UpdateName: datarequest.UpdateSubmit, Args: []any{datarequest.Submission{CSV: bad, SubmittedBy: "portal"}},
					WaitForStage: client.WorkflowUpdateStageCompleted})
				if err == nil {
					err = h.Get(ctx, nil)
				}
				if ve, ok := datarequest.AsValidationError(err); !ok || ve.Errors[0].Line != 2 || ve.Errors[0].Column != absence.ColAbsent {
					t.Fatalf("the bad file: %v", err)
				}
			}
		}
		for _, sc := range state(t, id).Schools {
			if sc.School == "hobrovejens-skole" && (sc.Attempts != 1 || sc.Status != absence.SchoolOpen) {
				t.Errorf("the refused file changed the round: %+v", sc)
			}
		}
		noDrift(t, "the bad file refused", append([]string{id}, requestIDs(state(t, id))...)...)
		raw, _ := json.Marshal(absence.Close{Reason: "test"})
		if _, err := runner.Update(ctx, id, absence.UpdateClose, raw); err != nil {
			t.Fatal(err)
		}
		var res absence.Result
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		noDrift(t, absence.UpdateClose, append([]string{id}, requestIDs(res.State)...)...)
		for _, sc := range res.Schools {
			if sc.Status == absence.SchoolOpen {
				t.Errorf("%s still open after the round closed", sc.School)
			}
		}
		replaytest.Record(t, s.Temporal, id, testdata+"absence-closed-history.json")
	})

	// Cancelled by the operator (the reason as a signal, then a Temporal
	// cancel): the requests are cancelled with it.
	t.Run("cancelled", func(t *testing.T) {
		quarter := absence.QuarterOf(s.Plan.DateOf(time.Now())).Prev().Prev()
		id, round := start(t, quarter.String())
		if _, err := runner.Cancel(ctx, id, "startet ved en fejl"); err != nil {
			t.Fatal(err)
		}
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err == nil {
			t.Fatal("the cancelled round completed")
		}
		// The server cancels the requests after the round has closed.
		wctx, stop := context.WithTimeout(ctx, 90*time.Second)
		defer stop()
		for _, r := range requestIDs(round) {
			_ = s.Temporal.GetWorkflow(wctx, r, "").Get(wctx, nil)
		}
		noDrift(t, "cancel", append([]string{id}, requestIDs(round)...)...)
		replaytest.Record(t, s.Temporal, id, testdata+"absence-cancelled-history.json")
	})

	// The team's standing meeting: invited on a date the plan has; a date
	// it does not have fails at once, naming the field.
	t.Run("team meeting", func(t *testing.T) {
		if len(s.Plan.TeamMeetings) == 0 {
			t.Fatal("the test plan has no team meetings")
		}
		team := s.Plan.TeamMeetings[0]
		dates := absence.TeamMeetingDates(s.Plan, team)
		run := func(date, file string, wantErr bool) {
			in := absence.TeamMeetingInput{Plan: s.Plan.ID, Team: team.ID, Date: date}
			r, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: absence.TeamMeetingID(in) + "/replay",
				TaskQueue: workflows.TaskQueue}, absence.TeamMeetingWorkflowName, in)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Get(ctx, nil); (err != nil) != wantErr {
				t.Fatalf("team meeting %s: %v", date, err)
			}
			replaytest.Record(t, s.Temporal, r.GetID(), testdata+file)
		}
		run(dates[len(dates)/2].String(), "team-meeting-history.json", false)
		run(dates[len(dates)/2].AddDays(1).String(), "team-meeting-unknown-date-history.json", true)
	})
}

// requestIDs are the workflow IDs of the round's data requests.
func requestIDs(st absence.State) []string {
	var out []string
	for _, sc := range st.Schools {
		if sc.RequestID != "" {
			out = append(out, datarequest.WorkflowID(sc.RequestID))
		}
	}
	return out
}
