package meeting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/internal/cycletest"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/runs"
	"helhed/workdays"
	"helhed/workflows"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

const testdata = "../../workflows/meeting/testdata/"

// TestOnTheRealStack drives meeting rounds on the whole process (embedded
// Temporal, real redis-server) through what users can do: a member's
// answer through its data request's submit Update (as the portal sends
// it), every operator Update (move-board, record-recommendations,
// record-decisions) and a cancel. After each step, once the runs have
// acted on it, a reconcile of the meeting and the data-request read models
// finds nothing to repair. The rounds are started on board dates around
// today so that each Update is taken now; a date in the past runs the
// steps due already at once, as a schedule's backfill would. With
// HELHED_RECORD_HISTORY=1 it records the histories the meeting package's
// replay test reads (payloads sealed with cycletest.PayloadKey).
func TestOnTheRealStack(t *testing.T) {
	s := teststack.StartT(t, teststack.Options{Name: "meeting-drift", Env: map[string]string{"PAYLOAD_KEY": cycletest.PayloadKey}})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	today := s.Plan.DateOf(time.Now())
	offset := s.Plan.Governance.SteeringGroup.OffsetDays
	strategic := map[plan.Date]bool{}
	for _, m := range s.Plan.BoardMeetings() {
		strategic[m.Date] = m.Kind == plan.MeetingStrategic
	}
	// board is the first weekday from `from` on whose derived dates pass
	// ok, and that is not a strategic board meeting (which has no round).
	board := func(t *testing.T, from plan.Date, ok func(meeting.Timeline) bool) plan.Date {
		t.Helper()
		for d := from; d.Before(from.AddDays(60)); d = d.AddDays(1) {
			if workdays.IsWeekday(d) && !strategic[d] && ok(meeting.Derive(d, offset)) {
				return d
			}
		}
		t.Fatalf("no board date from %s fits", from)
		return plan.Date{}
	}
	noDrift := func(t *testing.T, step string, st meeting.State) {
		t.Helper()
		ids := []string{meeting.WorkflowID(st.Input)}
		for _, q := range st.Requests {
			ids = append(ids, datarequest.WorkflowID(q.RequestID))
		}
		s.Settled(t, ids...)
		s.NoDrift(t, meeting.Kind, step)
		s.NoDrift(t, datarequest.Kind, step)
	}
	state := func(t *testing.T, id string) meeting.State {
		t.Helper()
		v, err := s.Temporal.QueryWorkflow(ctx, id, "", meeting.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var st meeting.State
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	// start starts a round on board and waits until it has reached stage.
	start := func(t *testing.T, board plan.Date, stage string) meeting.State {
		t.Helper()
		in := meeting.Input{Plan: s.Plan.ID, BoardDate: board.String(), DeviationReason: "test"}
		if _, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: meeting.WorkflowID(in), TaskQueue: workflows.TaskQueue},
			meeting.WorkflowName, in); err != nil {
			t.Fatal(err)
		}
		var st meeting.State
		teststack.Eventually(t, "stage "+stage, func() error {
			if st = state(t, meeting.WorkflowID(in)); st.Stage != stage {
				return fmt.Errorf("stage %s", st.Stage)
			}
			return nil
		})
		noDrift(t, "start", st)
		return st
	}
	update := func(t *testing.T, st meeting.State, name string, arg any) meeting.State {
		t.Helper()
		raw, _ := json.Marshal(arg)
		id := meeting.WorkflowID(st.Input)
		if _, err := runner.Update(ctx, id, name, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.Settled(t, id)
		st = state(t, id)
		noDrift(t, name, st)
		return st
	}
	cancel := func(t *testing.T, st meeting.State) {
		t.Helper()
		id := meeting.WorkflowID(st.Input)
		if _, err := runner.Cancel(ctx, id, "mødet er aflyst"); err != nil {
			t.Fatal(err)
		}
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err == nil {
			t.Fatal("the cancelled round completed")
		}
		// The server cancels the open requests after the round has closed.
		wctx, stop := context.WithTimeout(ctx, 90*time.Second)
		defer stop()
		for _, q := range st.Requests {
			_ = s.Temporal.GetWorkflow(wctx, datarequest.WorkflowID(q.RequestID), "").Get(wctx, nil)
		}
		noDrift(t, "cancel", st)
	}

	// Open: a member answers, the board moves (the open requests are
	// extended), then the operator cancels the round.
	t.Run("answered, moved and cancelled", func(t *testing.T) {
		b := board(t, today.AddDays(30), func(tl meeting.Timeline) bool { return tl.Open.Before(today) && tl.Report.After(today) })
		st := start(t, b, meeting.StageCollecting)
		var req datarequest.State
		for _, q := range st.Requests {
			if q.Kind != meeting.RequestProgress {
				continue
			}
			v, err := s.Temporal.QueryWorkflow(ctx, datarequest.WorkflowID(q.RequestID), "", datarequest.QueryState)
			if err == nil {
				err = v.Get(&req)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(req.Input.Fields) > 1 {
				break
			}
		}
		vals := map[string]string{}
		for _, f := range req.Input.Fields {
			vals[f.Key] = "7"
			if f.Type == datarequest.Text {
				vals[f.Key] = "Som planlagt"
			}
		}
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: datarequest.WorkflowID(req.Input.RequestID),
			UpdateName: datarequest.UpdateSubmit, Args: []any{datarequest.Submission{Values: vals, SubmittedBy: "portal"}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		teststack.Eventually(t, "the round to take the answer", func() error {
			for _, q := range state(t, meeting.WorkflowID(st.Input)).Requests {
				if q.RequestID == req.Input.RequestID && q.Status != datarequest.StatusAnswered {
					return fmt.Errorf("%s %s", q.RequestID, q.Status)
				}
			}
			return nil
		})
		noDrift(t, "a member's answer", st)
		st = update(t, st, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: workdays.OnOrAfter(b.AddDays(7)).String(), Reason: "test"})
		cancel(t, st)
		replaytest.Record(t, s.Temporal, meeting.WorkflowID(st.Input), testdata+"meeting-round-answered-cancelled-history.json")
	})

	// The steering group has met, the board pack is ahead: its
	// recommendations are recorded, the board moves after the meeting;
	// then the operator cancels the round.
	t.Run("recommendations and a move after the steering group", func(t *testing.T) {
		b := board(t, today.AddDays(8), func(tl meeting.Timeline) bool { return tl.Steering.Before(today) && tl.Pack.After(today) })
		st := start(t, b, meeting.StageRecommendations)
		st = update(t, st, meeting.UpdateRecordRecommendations, meeting.Record{Text: "- Fortsæt lektiecaféen\n- Flere ressourcer til Vangdalen"})
		st = update(t, st, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: workdays.OnOrAfter(b.AddDays(7)).String(), Reason: "test"})
		cancel(t, st)
		replaytest.Record(t, s.Temporal, meeting.WorkflowID(st.Input), testdata+"meeting-round-recommendations-moved-history.json")
	})

	// The secretariat sends the progress report before its day
	// (report-now): the report step runs at once and the requests still
	// open are closed; then the operator cancels the round. Its board date
	// follows the first subtest's, so the two rounds are not one.
	t.Run("reported early, then cancelled", func(t *testing.T) {
		collecting := func(tl meeting.Timeline) bool { return tl.Open.Before(today) && tl.Report.After(today) }
		b := board(t, board(t, today.AddDays(30), collecting).AddDays(1), collecting)
		st := start(t, b, meeting.StageCollecting)
		st = update(t, st, meeting.UpdateReportNow, meeting.ReportNow{Reason: "Alle partnere har svaret"})
		id := meeting.WorkflowID(st.Input)
		teststack.Eventually(t, "the report step done", func() error {
			if st = state(t, id); !slices.ContainsFunc(st.Done, func(d meeting.StepDone) bool { return d.Step == meeting.StepReport }) {
				return fmt.Errorf("done %v", st.Done)
			}
			return nil
		})
		if st.EarlyReport == nil || st.EarlyReport.Planned != st.Timeline.Report.String() {
			t.Fatalf("early report %+v, want one in place of %s", st.EarlyReport, st.Timeline.Report)
		}
		noDrift(t, meeting.UpdateReportNow, st)
		cancel(t, st)
		replaytest.Record(t, s.Temporal, id, testdata+"meeting-round-report-now-history.json")
	})

	// The board has met: its decisions close the round.
	t.Run("decided", func(t *testing.T) {
		b := board(t, today.AddDays(-20), func(tl meeting.Timeline) bool { return tl.Board.Before(today) })
		st := start(t, b, meeting.StageDecisions)
		st = update(t, st, meeting.UpdateRecordDecisions, meeting.Record{Text: "Indstillingerne godkendes."})
		id := meeting.WorkflowID(st.Input)
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, &st); err != nil {
			t.Fatal(err)
		}
		noDrift(t, "the round closed", st)
		replaytest.Record(t, s.Temporal, id, testdata+"meeting-round-decided-history.json")
	})
}
