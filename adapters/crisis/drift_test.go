package crisis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

// TestOnTheRealStack drives activations through every Update an operator
// can send, on the whole process (embedded Temporal, real redis-server),
// and after each one, once the run has acted on it, reconciles the crisis
// read model and requires that the reconcile finds nothing to repair. With
// HELHED_RECORD_HISTORY=1 it records the histories the crisis package's
// replay test reads (payloads sealed with its test key).
func TestOnTheRealStack(t *testing.T) {
	s := teststack.StartT(t, teststack.Options{Name: "crisis-drift",
		PayloadKeyFile: "../../workflows/crisis/" + replaytest.KeyFile})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	start := func(t *testing.T, reference string) string {
		t.Helper()
		in := crisis.Example(s.Plan, time.Now())
		in.Reference = reference
		raw, _ := json.Marshal(in)
		st, err := runner.Start(ctx, crisis.Kind, raw)
		if err != nil {
			t.Fatal(err)
		}
		s.Settled(t, st.WorkflowID)
		s.NoDrift(t, crisis.Kind, "start")
		return st.WorkflowID
	}
	update := func(t *testing.T, id, name string, arg any) {
		t.Helper()
		raw, _ := json.Marshal(arg)
		if _, err := runner.Update(ctx, id, name, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.Settled(t, id)
		s.NoDrift(t, crisis.Kind, name)
	}
	stage := func(t *testing.T, id, want string) {
		t.Helper()
		teststack.Eventually(t, "stage "+want, func() error {
			v, err := s.Temporal.QueryWorkflow(ctx, id, "", crisis.QueryState)
			if err != nil {
				return err
			}
			var st crisis.State
			if err := v.Get(&st); err != nil {
				return err
			}
			if st.Stage != want {
				return fmt.Errorf("stage %s", st.Stage)
			}
			return nil
		})
		s.Settled(t, id)
	}
	meeting := func(in time.Duration) crisis.MeetingTime {
		return crisis.MeetingTime{At: time.Now().Add(in).Truncate(time.Second), Place: "Beboerhuset"}
	}

	// Confirmed, moved to a few seconds ahead and held; follow-up, and
	// closed without an evaluation.
	t.Run("moved and closed", func(t *testing.T) {
		id := start(t, "drift-moved")
		update(t, id, crisis.UpdateConfirmMeeting, meeting(time.Hour))
		update(t, id, crisis.UpdateMoveMeeting, meeting(8*time.Second))
		stage(t, id, crisis.StageFollowUp)
		s.NoDrift(t, crisis.Kind, "the meeting held")
		update(t, id, crisis.UpdateSSP, crisis.SSPDecision{Activated: false, Note: "Ikke nødvendigt."})
		update(t, id, crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: true, Message: "Politiet er til stede i området i aften."})
		update(t, id, crisis.UpdateApproveInfo, crisis.Approval{})
		update(t, id, crisis.UpdateClose, crisis.Closing{Evaluate: false, Note: "Roligt igen."})
		wait(t, s.Temporal, id)
		s.Settled(t, id)
		s.NoDrift(t, crisis.Kind, "the activation closed")
		replaytest.Record(t, s.Temporal, id, "../../workflows/crisis/testdata/activation-moved-closed-history.json")
	})

	// Held, closed for an evaluation, evaluated.
	t.Run("evaluated", func(t *testing.T) {
		id := start(t, "drift-evaluated")
		update(t, id, crisis.UpdateConfirmMeeting, meeting(6*time.Second))
		stage(t, id, crisis.StageFollowUp)
		s.NoDrift(t, crisis.Kind, "the meeting held")
		update(t, id, crisis.UpdateSSP, crisis.SSPDecision{Activated: true})
		update(t, id, crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false})
		update(t, id, crisis.UpdateClose, crisis.Closing{Evaluate: true})
		update(t, id, crisis.UpdateEvaluation, crisis.Evaluation{Summary: "Beredskabet virkede.", ChannelsWorked: true})
		wait(t, s.Temporal, id)
		s.Settled(t, id)
		s.NoDrift(t, crisis.Kind, "the evaluation")
	})

	// Cancelled once the meeting was called: the invitation is withdrawn.
	t.Run("cancelled", func(t *testing.T) {
		id := start(t, "drift-cancelled")
		update(t, id, crisis.UpdateConfirmMeeting, meeting(time.Hour))
		if _, err := runner.Cancel(ctx, id, "aktiveret ved en fejl"); err != nil {
			t.Fatal(err)
		}
		wait(t, s.Temporal, id)
		s.Settled(t, id)
		s.NoDrift(t, crisis.Kind, crisis.UpdateCancel)
		replaytest.Record(t, s.Temporal, id, "../../workflows/crisis/testdata/activation-cancelled-history.json")
	})

	// The yearly status meeting a schedule starts: it reads the group and
	// mails it.
	t.Run("status meeting", func(t *testing.T) {
		id := crisis.StatusMeetingID("replay")
		run, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
			crisis.StatusMeetingWorkflowName, crisis.StatusMeetingInput{})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		replaytest.Record(t, s.Temporal, id, "../../workflows/crisis/testdata/status-meeting-history.json")
	})

	// The activations above closed keeping their record in their memo
	// (crisis.ChangeMemoHoldsRecord): a full pass reads them from the
	// listing, with no history call of their own.
	t.Run("closed runs read from their memo", func(t *testing.T) {
		rep, err := s.ReadModel.Reconcile(ctx, readmodel.Options{Kinds: []string{crisis.Kind}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := rep.Kinds[0]
		closed := k.Runs["completed"] + k.Runs["canceled"]
		if closed < 2 || k.Replayed != 0 || k.FromResult != 0 || k.Drift.Total() != 0 {
			t.Fatalf("kind report %+v, want the %d closed runs read from their memos, no drift", k, closed)
		}
	})
}

// wait waits for the run to close.
func wait(t *testing.T, c client.Client, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
}
