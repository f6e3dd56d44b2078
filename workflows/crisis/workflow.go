package crisis

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/mail"
	"helhed/plan"
	"helhed/searchattr"
	"helhed/workdays"
	"helhed/workflows"
)

// run is one activation's state. Update handlers and the main loop share
// it; the workflow's single-threaded execution keeps that safe.
type run struct {
	id    string
	in    Input
	group Group
	loc   *time.Location
	s     State
	// recorded is the read-model entry last written (ChangeRecordEveryStage).
	recorded Record
}

// ChangeRecordEveryStage is the GetVersion change under which the main
// loop writes the read model whenever an Update moved the stage (meeting
// confirmed, closed for evaluation, …); before it only the start, the
// meeting held and the end were written, so the read model lagged until
// the reconcile repaired it.
const ChangeRecordEveryStage = "record-every-stage"

// ChangeResultHoldsState is the GetVersion change under which a completed
// activation returns its final state in Result.Final, so the read model's
// reconcile reads a closed run without replaying it.
const ChangeResultHoldsState = "result-holds-state"

// ChangeMemoHoldsRecord is the GetVersion change under which an activation
// that ends (completed or cancelled) keeps its read-model record in its
// memo (MemoRecord), so the reconcile reads a closed run from the
// visibility listing, without a history call per run.
const ChangeMemoHoldsRecord = "memo-holds-record"

// MemoRecord is the memo field holding a closed activation's Record. Memos
// go through the payload codec, so it is encrypted like every payload.
const MemoRecord = "record"

// Activation is the CrisisActivation workflow.
func Activation(ctx workflow.Context, in Input) (Result, error) {
	w := &run{id: workflow.GetInfo(ctx).WorkflowExecution.ID, in: in, loc: loadLocation()}
	now := workflow.Now(ctx)
	within := in.ConveneWithinHours
	if within <= 0 {
		within = DefaultConveneWithinHours
	}
	w.s = State{Input: in, ActivatedAt: now, ConveneBy: now.Add(time.Duration(within) * time.Hour)}
	w.setStage(ctx, StageConvening, &w.s.ConveneBy)
	if err := w.handlers(ctx); err != nil {
		return Result{}, err
	}

	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		// Crisis mail must get out: retry for a day, then fail loudly.
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 10 * time.Minute},
	})
	if err := workflow.ExecuteActivity(ctx, activityCrisisGroup, GroupRequest{WorkflowID: w.id, ActivatedBy: in.ActivatedBy, Area: in.Area}).
		Get(ctx, &w.group); err != nil {
		return Result{}, fmt.Errorf("read crisis group: %w", err)
	}
	w.record(ctx)

	// Notify the whole group at once, in parallel.
	var sends []workflow.Future
	for _, m := range w.group.Members {
		sends = append(sends, startMail(ctx, activationMail(w.id, in, w.group, m, w.s.ConveneBy, w.loc)))
	}
	if err := waitAll(ctx, sends); err != nil {
		return Result{}, fmt.Errorf("notify crisis group: %w", err)
	}

	err := w.loop(ctx)
	if err != nil {
		if temporal.IsCanceledError(err) {
			// Cancelled through Temporal: keep the read model true.
			dctx, cancel := workflow.NewDisconnectedContext(ctx)
			defer cancel()
			w.s.Stage = StageCancelled
			w.record(dctx)
			w.memoRecord(dctx)
		}
		return Result{}, err
	}
	w.record(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return Result{}, err
	}
	res := w.result()
	if workflow.GetVersion(ctx, ChangeResultHoldsState, workflow.DefaultVersion, 1) == 1 {
		final := w.state()
		res.Final = &final
	}
	w.memoRecord(ctx)
	return res, nil
}

// memoRecord keeps the record as the activation ends in its memo
// (ChangeMemoHoldsRecord).
func (w *run) memoRecord(ctx workflow.Context) {
	if workflow.GetVersion(ctx, ChangeMemoHoldsRecord, workflow.DefaultVersion, 1) != 1 {
		return
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{MemoRecord: RecordOf(w.id, w.s)}); err != nil {
		workflow.GetLogger(ctx).Warn("record not kept in the memo", "error", err)
	}
}

// loop moves through the stages the main line waits in; Updates move the
// rest.
func (w *run) loop(ctx workflow.Context) error {
	everyStage := workflow.GetVersion(ctx, ChangeRecordEveryStage, workflow.DefaultVersion, 1) == 1
	for {
		if everyStage && !sameRecord(w.recorded, RecordOf(w.id, w.s)) {
			w.record(ctx)
		}
		switch w.s.Stage {
		case StageConvening:
			if err := w.awaitConvening(ctx); err != nil {
				return err
			}
		case StageScheduled:
			if err := w.awaitMeeting(ctx); err != nil {
				return err
			}
		case StageFollowUp:
			if err := workflow.Await(ctx, func() bool { return w.s.Stage != StageFollowUp }); err != nil {
				return err
			}
		case StageEvaluation:
			if err := w.awaitEvaluation(ctx); err != nil {
				return err
			}
		default: // closed or cancelled
			return nil
		}
	}
}

// awaitConvening waits for the meeting to be confirmed, reminding the
// convenor once when the deadline passes.
func (w *run) awaitConvening(ctx workflow.Context) error {
	return w.awaitOrRemind(ctx, StageConvening, w.s.ConveneBy, func() mail.Message {
		convenor := w.member(w.group.Convenor)
		return conveneReminderMail(w.id, w.in, w.group, []string{convenor.Email}, w.s.ConveneBy, w.loc)
	})
}

// awaitOrRemind waits until the run leaves stage; if it is still there at
// deadline, it sends the reminder once and keeps waiting.
func (w *run) awaitOrRemind(ctx workflow.Context, stage string, deadline time.Time, reminder func() mail.Message) error {
	left := deadline.Sub(workflow.Now(ctx))
	moved, err := workflow.AwaitWithTimeout(ctx, left, func() bool { return w.s.Stage != stage })
	if err != nil || moved {
		return err
	}
	if err := sendMail(ctx, reminder()); err != nil {
		return fmt.Errorf("%s reminder: %w", stage, err)
	}
	return workflow.Await(ctx, func() bool { return w.s.Stage != stage })
}

// awaitMeeting waits until the meeting starts; a move restarts the wait.
// When it starts, the meeting counts as held and the follow-up tasks go out.
func (w *run) awaitMeeting(ctx workflow.Context) error {
	for w.s.Stage == StageScheduled {
		seq := w.s.Meeting.Sequence
		left := w.s.Meeting.At.Sub(workflow.Now(ctx))
		if left > 0 {
			changed, err := workflow.AwaitWithTimeout(ctx, left, func() bool {
				return w.s.Stage != StageScheduled || w.s.Meeting.Sequence != seq
			})
			if err != nil {
				return err
			}
			if changed {
				continue
			}
		}
		w.s.MeetingHeld = true
		w.setStage(ctx, StageFollowUp, nil)
		w.record(ctx)
		ssp, convenor := w.member(w.sspRole()), w.member(w.group.Convenor)
		if err := waitAll(ctx, []workflow.Future{
			startMail(ctx, sspTaskMail(w.id, w.in, w.group, ssp)),
			startMail(ctx, residentTaskMail(w.id, w.in, w.group, convenor)),
		}); err != nil {
			return fmt.Errorf("follow-up tasks: %w", err)
		}
	}
	return nil
}

// awaitEvaluation waits for the evaluation, reminding once at its due time.
func (w *run) awaitEvaluation(ctx workflow.Context) error {
	return w.awaitOrRemind(ctx, StageEvaluation, *w.s.EvaluateBy, func() mail.Message {
		return evaluationReminderMail(w.id, w.in, w.group, w.member(w.group.Convenor), *w.s.EvaluateBy, w.loc)
	})
}

// setStage moves to stage and publishes it (and the next deadline, or
// none) as search attributes.
func (w *run) setStage(ctx workflow.Context, stage string, due *time.Time) {
	w.s.Stage = stage
	w.s.StageTitle = StageTitles[stage]
	dueAttr := searchattr.DueAt.ValueUnset()
	if due != nil {
		dueAttr = searchattr.DueAt.ValueSet(*due)
	}
	err := workflow.UpsertTypedSearchAttributes(ctx,
		searchattr.Kind.ValueSet(Kind), searchattr.Stage.ValueSet(stage),
		searchattr.Area.ValueSet(w.in.Area), dueAttr)
	if err != nil {
		workflow.GetLogger(ctx).Warn("upsert search attributes", "error", err)
	}
}

// record writes the read-model entry; a failure is logged, not fatal,
// since the read model is derived.
func (w *run) record(ctx workflow.Context) {
	r := RecordOf(w.id, w.s)
	w.recorded = r
	rctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	if err := workflow.ExecuteActivity(rctx, activityCrisisRecord, r).Get(rctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("crisis read model not updated", "error", err)
	}
}

// sameRecord reports whether two read-model entries are the same.
func sameRecord(a, b Record) bool {
	sameMeeting := a.FirstMeetingAt == nil && b.FirstMeetingAt == nil ||
		a.FirstMeetingAt != nil && b.FirstMeetingAt != nil && a.FirstMeetingAt.Equal(*b.FirstMeetingAt)
	return a.WorkflowID == b.WorkflowID && a.Incident == b.Incident && a.Stage == b.Stage &&
		a.ActivatedAt.Equal(b.ActivatedAt) && sameMeeting
}

func (w *run) member(role string) Member {
	for _, m := range w.group.Members {
		if m.Role == role {
			return m
		}
	}
	return w.group.Members[0]
}

// sspRole is the crisis role that activates the SSP network: the role
// whose id or title names SSP, else the convenor.
func (w *run) sspRole() string {
	for _, m := range w.group.Members {
		if strings.Contains(strings.ToLower(m.Role+" "+m.Title), "ssp") {
			return m.Role
		}
	}
	return w.group.Convenor
}

func (w *run) result() Result {
	r := Result{Status: w.s.Stage, Reason: w.s.CancelReason, Evaluated: w.s.Evaluation != nil,
		InfoSent: w.s.InfoSentTo > 0, SSPActivated: w.s.SSP != nil && w.s.SSP.Activated}
	if w.s.MeetingHeld {
		at := w.s.Meeting.At
		r.MeetingAt = &at
	}
	return r
}

func waitAll(ctx workflow.Context, fs []workflow.Future) error {
	var errs []error
	for _, f := range fs {
		errs = append(errs, f.Get(ctx, nil))
	}
	return errors.Join(errs...)
}

// loadLocation is the plan's zone for texts; tzdata is embedded, so this
// is the same on every replay.
func loadLocation() *time.Location {
	loc, err := time.LoadLocation(plan.DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// evaluationDue is the end of the EvaluationWeekdays-th weekday after now.
func evaluationDue(now time.Time, loc *time.Location) time.Time {
	d := workdays.Add(plan.DateOf(now.In(loc)), EvaluationWeekdays)
	return d.AddDays(1).In(loc).Add(-time.Second)
}

// sendMail runs the shared mail activity (registered by the app, so called
// by name) and waits.
func sendMail(ctx workflow.Context, m mail.Message) error {
	return startMail(ctx, m).Get(ctx, nil)
}

// startMail starts the shared mail activity with the key scoped to this run
// (workflows.MailKey), so activating the same crisis again sends again.
func startMail(ctx workflow.Context, m mail.Message) workflow.Future {
	m.Key = workflows.MailKey(ctx, m.Key)
	return workflow.ExecuteActivity(ctx, workflows.ActivitySendMail, m)
}
