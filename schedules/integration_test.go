package schedules_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/internal/cycletest"
	"helhed/internal/testplan"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workdays"
)

// shared is one dev process (embedded Temporal, real redis-server, every
// module wired) on a copy of the plan derived around today in which one
// board meeting lies six weeks ahead, so a meeting round is open right now.
var (
	shared    *teststack.Stack
	soonBoard plan.Date
	rdb       *redis.Client // the same redis-server, for the benchmark's activities
)

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{
		Name: "schedules",
		// The recorded meeting and absence histories are sealed with it.
		Env: map[string]string{"PAYLOAD_KEY": cycletest.PayloadKey},
		Prepare: func(dir string, env map[string]string) error {
			planFile, board, err := planWithSoonBoardMeeting(dir, env["PLAN_FILE"], time.Now())
			soonBoard, env["PLAN_FILE"] = board, planFile
			return err
		},
	}, func(s *teststack.Stack) error {
		shared, rdb = s, s.Redis.Client
		return nil
	}))
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// planWithSoonBoardMeeting copies the plan in file (the one teststack
// derived around now) and moves the board meeting of the plan year six
// weeks ahead onto the first weekday Wednesday from then.
func planWithSoonBoardMeeting(dir, file string, now time.Time) (string, plan.Date, error) {
	p, err := plan.LoadFile(file)
	if err != nil {
		return "", plan.Date{}, err
	}
	b := p.DateOf(now).AddDays(42)
	for b.Weekday() != time.Wednesday || !workdays.IsWeekday(b) {
		b = b.AddDays(1)
	}
	y, ok := p.YearOf(b)
	if !ok {
		return "", plan.Date{}, fmt.Errorf("%s is outside plan %s", b, p.ID)
	}
	moved := false
	for i := range p.Governance.Board.Meetings {
		if m := &p.Governance.Board.Meetings[i]; m.Year == y.Label {
			if b.Month >= time.July {
				m.Autumn = b
			} else {
				m.Spring = b
			}
			moved = true
		}
	}
	if !moved {
		return "", plan.Date{}, fmt.Errorf("no board meetings of %s in %s", y.Label, p.ID)
	}
	path, err := testplan.Write(dir, p)
	return path, b, err
}

func syncer(t *testing.T) *schedules.Syncer {
	t.Helper()
	s, err := app.NewSyncer(shared.Config, shared.Temporal, shared.Capabilities, quiet())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func outcomes(changes []schedules.Change) map[string]string {
	m := map[string]string{}
	for _, c := range changes {
		m[c.ID] = c.Outcome + "[" + strings.Join(c.Differs, ",") + "]"
	}
	return m
}

// TestSyncTwiceThenEditThePlan: the start hook has synced; a second sync
// changes nothing and Temporal holds one schedule per cycle. An edited
// plan (a board meeting moved) updates the meeting-round schedule only,
// keeps its pause, and a further sync is again a no-op.
func TestSyncTwiceThenEditThePlan(t *testing.T) {
	ctx := context.Background()
	p := shared.Plan
	meetingID := schedules.ID(p.ID, schedules.CycleMeetingRound)
	absenceID := schedules.ID(p.ID, schedules.CycleAbsenceFollowUp)
	changes, err := syncer(t).Sync(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for id, o := range outcomes(changes) {
		if o != "unchanged[]" {
			t.Errorf("second sync: %s %s", id, o)
		}
	}
	specs, err := schedules.Desired(p, app.ScheduleSources(shared.Capabilities))
	if err != nil {
		t.Fatal(err)
	}
	ls, err := schedules.List(ctx, shared.Temporal, specs)
	if err != nil {
		t.Fatal(err)
	}
	count, titles := map[string]int{}, map[string]string{}
	for _, l := range ls {
		count[l.ID]++
		titles[l.ID] = l.Title
	}
	if count[meetingID] != 1 || count[absenceID] != 1 {
		t.Fatalf("schedules %v, want one each of %s and %s", count, meetingID, absenceID)
	}
	// The titles are the specs', whatever the schedules' notes say.
	for _, s := range specs {
		if titles[s.ID] != s.Title || s.Title == "" {
			t.Errorf("schedule %s listed with title %q, want %q", s.ID, titles[s.ID], s.Title)
		}
	}

	if err := schedules.Pause(ctx, shared.Temporal, meetingID, "test"); err != nil {
		t.Fatal(err)
	}
	edited := *p
	edited.Governance.Board.Meetings = append([]plan.BoardYear(nil), p.Governance.Board.Meetings...)
	last := &edited.Governance.Board.Meetings[len(edited.Governance.Board.Meetings)-1]
	moved := last.Autumn.AddDays(7)
	last.Autumn = moved
	changes, err = syncer(t).Sync(ctx, &edited)
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(changes)
	if got[meetingID] != "updated[spec,action]" || got[absenceID] != "unchanged[]" {
		t.Errorf("sync of the edited plan: %v", got)
	}
	desc, err := shared.Temporal.ScheduleClient().GetHandle(ctx, meetingID).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !desc.Schedule.State.Paused {
		t.Error("the update unpaused the schedule")
	}
	found := false
	for _, c := range desc.Schedule.Spec.Calendars {
		found = found || strings.HasSuffix(c.Comment, "/"+moved.String())
	}
	if !found {
		t.Errorf("no calendar entry for the moved meeting %s", moved)
	}
	if changes, err = syncer(t).Sync(ctx, &edited); err != nil || outcomes(changes)[meetingID] != "unchanged[]" {
		t.Errorf("sync after the update: %v %v", outcomes(changes), err)
	}
	// Put the plan's own schedule back for the other tests.
	if changes, err = syncer(t).Sync(ctx, p); err != nil || outcomes(changes)[meetingID] != "updated[spec,action]" {
		t.Errorf("restore: %v %v", outcomes(changes), err)
	}
	if err := schedules.Unpause(ctx, shared.Temporal, meetingID, "test"); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func update(ctx context.Context, workflowID, name string, arg, out any) error {
	h, err := shared.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, out)
}
