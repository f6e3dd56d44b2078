package datarequest

import (
	"errors"
	"net/mail"
	"time"
	_ "time/tzdata" // the workflow loads the plan's zone by name; every replica must agree

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/fielderr"
	"helhed/plan"
	"helhed/searchattr"
	"helhed/workflows"
)

// Search attribute stages.
const (
	StageOpen      = "open"
	StageEscalated = "escalated"
	StageAnswered  = "answered"
	StageCancelled = "cancelled"
)

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		// An invitation or a publish follows within half a minute of SMTP
		// or Redis returning (retry policies are not compared on replay).
		MaximumInterval: 30 * time.Second,
	},
}

// request is the workflow's state. Every change happens synchronously in
// one coroutine step and bumps version, so the read model can order writes.
type request struct {
	in          Input
	due         plan.Date
	contact     string
	loc         *time.Location
	opened      bool
	status      string
	createdAt   time.Time
	answeredAt  time.Time
	onTime      bool
	answer      Answer
	reason      string
	reminders   int
	escalations int
	escalatedAt string // due date the last escalation was for
	extensions  int
	reassigned  int
	cursor      time.Time // events up to here are handled or skipped
	gen         int       // bumped when the schedule must be recomputed
	version     int64
	encoding    string // of the accepted table's file
	fix         corrections
	// unsaved and pending are what an Update recorded but left to the
	// main loop, which writes the read model and sends the notices after
	// the Update has returned (ChangeSubmitAckFirst, ChangeNoticeAfterAck).
	unsaved bool
	pending []Notice
}

// ChangeSubmitAckFirst is the GetVersion change under which the submit
// Update returns as soon as the answer is accepted; histories recorded
// before it wrote the read model and sent the receipt inside the handler.
const ChangeSubmitAckFirst = "submit-ack-first"

// ChangeNoticeAfterAck is the GetVersion change under which the extend,
// reassign and cancel Updates likewise return once the change is
// recorded, and the read model and the notice follow; histories recorded
// before it did both inside the handler.
const ChangeNoticeAfterAck = "notice-after-ack"

// ChangeReceiptShowsAnswer is the GetVersion change under which the
// receipt says what the answer held (Notice.Shown).
const ChangeReceiptShowsAnswer = "receipt-shows-answer"

// ChangeOpenLocal is the GetVersion change under which OpenTask runs as
// a local activity in the first workflow task: the request opens, sets its
// search attributes and sends the invitation without an activity task's
// round trip through the server (one persisted transaction and one
// visibility write fewer per start). OpenTask is idempotent (the read
// model never takes an older version over a newer), so running it again
// after a lost workflow task is harmless. Histories recorded before it
// scheduled an ordinary activity.
const ChangeOpenLocal = "open-local"

// ChangeResultHoldsState is the GetVersion change under which a completed
// request returns its final state in Result.Final, so the read model's
// reconcile reads a closed run without replaying it.
const ChangeResultHoldsState = "result-holds-state"

// ChangeMemoHoldsTask is the GetVersion change under which a request that
// ends (answered, cancelled, stopped) keeps its read-model task in its memo
// (MemoTask), so the reconcile reads a closed run from the visibility
// listing, without a history call per run.
const ChangeMemoHoldsTask = "memo-holds-task"

// MemoTask is the memo field holding a closed request's Task. Memos go
// through the payload codec, so it is encrypted like every payload.
const MemoTask = "task"

// localOpenOptions are OpenTask's options as a local activity: the
// ordinary ones' timeout and retries (retries longer than the workflow
// task timeout are scheduled by the SDK with timers).
var localOpenOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: activityOptions.StartToCloseTimeout,
	RetryPolicy:         activityOptions.RetryPolicy,
}

// Workflow is the DataRequest workflow (WorkflowName, kind Kind).
func Workflow(ctx workflow.Context, in Input) (Result, error) {
	// CheckInput is pure (regexp and net/mail parsing).
	bad := CheckInput(&in) //workflowcheck:ignore
	if bad != nil {
		return Result{}, temporal.NewNonRetryableApplicationError("invalid data request input: "+bad.Error(), "InvalidInput", nil)
	}
	due, _ := plan.ParseDate(in.Due)
	r := &request{in: in, due: due, status: StatusOpen, createdAt: workflow.Now(ctx), cursor: workflow.Now(ctx)}
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	r.fix.on = correctable(ctx)
	if err := r.registerHandlers(ctx); err != nil {
		return Result{}, err
	}

	var opened Opened
	r.version++
	open := OpenInput{Task: r.task(), Contact: in.Contact}
	var opening workflow.Future
	if workflow.GetVersion(ctx, ChangeOpenLocal, workflow.DefaultVersion, 1) == 1 {
		opening = workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localOpenOptions), ActivityOpenTask, open)
	} else {
		opening = workflow.ExecuteActivity(ctx, ActivityOpenTask, open)
	}
	if err := opening.Get(ctx, &opened); err != nil {
		return Result{}, err
	}
	// The zone database is embedded (time/tzdata), so every replay loads
	// the same rules.
	loc, err := time.LoadLocation(opened.TimeZone) //workflowcheck:ignore
	if err != nil {
		return Result{}, temporal.NewNonRetryableApplicationError("time zone "+opened.TimeZone+": "+err.Error(), "BadTimeZone", nil)
	}
	r.contact, r.loc, r.opened = opened.Contact, loc, true
	r.upsertSearch(ctx)
	if r.status == StatusOpen {
		r.notify(ctx, r.notice(NoticeInvite, 0))
	}

	for r.running() {
		if r.unsaved || len(r.pending) > 0 {
			r.flush(ctx)
			continue
		}
		gen := r.gen
		changed := func() bool { return r.gen != gen || !r.running() || r.unsaved || len(r.pending) > 0 }
		next, ok := r.nextEvent()
		if !ok {
			if err := workflow.Await(ctx, changed); err != nil {
				return r.stopped(ctx, err)
			}
			continue
		}
		if wait := next.At.Sub(workflow.Now(ctx)); wait > 0 {
			woke, err := workflow.AwaitWithTimeout(ctx, wait, changed)
			if err != nil {
				return r.stopped(ctx, err)
			}
			if woke {
				continue
			}
		}
		r.fire(ctx, next)
	}
	r.flush(ctx)
	// Let a running handler (its read-model write, its e-mail) finish.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return r.stopped(ctx, err)
	}
	res := r.result()
	if workflow.GetVersion(ctx, ChangeResultHoldsState, workflow.DefaultVersion, 1) == 1 {
		final := r.state()
		res.Final = &final
	}
	r.memoTask(ctx)
	return res, nil
}

// memoTask keeps the task as the run ends in its memo
// (ChangeMemoHoldsTask).
func (r *request) memoTask(ctx workflow.Context) {
	if workflow.GetVersion(ctx, ChangeMemoHoldsTask, workflow.DefaultVersion, 1) != 1 {
		return
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{MemoTask: r.task()}); err != nil {
		workflow.GetLogger(ctx).Warn("task not kept in the memo", "error", err)
	}
}

// nextEvent is the first scheduled event after the cursor that is still
// due: reminders while open, the escalation once per due date.
func (r *request) nextEvent() (Event, bool) {
	if r.closable() {
		return Event{At: r.closesAt(), Kind: EventClose}, true
	}
	for _, e := range Schedule(r.due, policy(&r.in), r.loc) {
		if !e.At.After(r.cursor) {
			continue
		}
		if e.Kind == EventEscalation && r.escalatedAt == r.due.String() {
			continue
		}
		return e, true
	}
	return Event{}, false
}

// fire sends one reminder or the escalation.
func (r *request) fire(ctx workflow.Context, e Event) {
	r.cursor = maxTime(r.cursor, e.At)
	switch e.Kind {
	case EventReminder:
		r.reminders++
		n := r.notice(NoticeReminder, r.reminders)
		n.Reminder, n.AfterDue = r.reminders, e.AfterDue
		r.save(ctx)
		r.notify(ctx, n)
	case EventClose:
		r.close()
	case EventEscalation:
		r.escalations++
		r.escalatedAt = r.due.String()
		n := r.notice(NoticeEscalation, 0)
		if r.escalations > 1 {
			n.Key = MailKey(r.in.RequestID, NoticeEscalation, r.escalations)
		}
		n.To = ""
		n.RemindersSent = r.reminders
		r.upsertSearch(ctx)
		r.save(ctx)
		r.notify(ctx, n)
	}
}

// notice is a notice of kind to the contact; n numbers repeated kinds.
func (r *request) notice(kind string, n int) Notice {
	nt := Notice{
		Key: MailKey(r.in.RequestID, kind, n), Kind: kind, RequestID: r.in.RequestID, Partner: r.in.Partner,
		To: r.contact, Title: r.in.Title, Period: r.in.Period, Due: r.due.String(),
	}
	if kind == NoticeInvite || kind == NoticeReassigned {
		nt.Instructions = r.in.Instructions
	}
	return nt
}

// notify sends a notice, its key scoped to the run (workflows.MailKey):
// a retried send never mails twice, a request started again under the
// same id mails again. A notice that cannot be sent is logged, not fatal:
// the request stays open and the secretariat sees it in the task list.
func (r *request) notify(ctx workflow.Context, n Notice) {
	n.Key = workflows.MailKey(ctx, n.Key)
	ctx = workflow.WithActivityOptions(ctx, activityOptions) // handlers' contexts lack them
	if err := workflow.ExecuteActivity(ctx, ActivitySendNotice, n).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("data request notice not sent", "kind", n.Kind, "error", err)
	}
}

// save bumps the version and writes the read model.
func (r *request) save(ctx workflow.Context) {
	r.version++
	r.write(ctx)
}

func (r *request) write(ctx workflow.Context) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	if err := workflow.ExecuteActivity(ctx, ActivitySaveTask, r.task()).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("data request read model not written", "error", err)
	}
}

// later records a change an Update made (the version moves now) and
// leaves its read-model write and notice n to the main loop (flush), so
// the Update returns at once and an SMTP outage never fails it.
func (r *request) later(n Notice) {
	r.version++
	r.unsaved = true
	r.pending = append(r.pending, n)
}

// flush writes the read model and sends the notices Updates left, the
// write first: an Update recorded meanwhile is written before its notice.
func (r *request) flush(ctx workflow.Context) {
	for r.unsaved || len(r.pending) > 0 {
		if r.unsaved {
			r.unsaved = false
			r.write(ctx)
			continue
		}
		n := r.pending[0]
		r.pending = r.pending[1:]
		r.notify(ctx, n)
	}
}

// stopped handles the workflow's own cancellation (from Temporal, not the
// cancel Update): the read model says cancelled, then the error is
// returned.
func (r *request) stopped(ctx workflow.Context, err error) (Result, error) {
	if temporal.IsCanceledError(err) && r.status == StatusOpen {
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		r.status, r.reason = StatusCancelled, StoppedReason
		r.save(dctx)
	}
	r.memoTask(ctx)
	return Result{}, err
}

func (r *request) upsertSearch(ctx workflow.Context) {
	stage := StageOpen
	switch {
	case r.status == StatusAnswered:
		stage = StageAnswered
	case r.status == StatusCancelled:
		stage = StageCancelled
	case r.escalatedAt == r.due.String():
		stage = StageEscalated
	}
	err := workflow.UpsertTypedSearchAttributes(ctx,
		searchattr.Kind.ValueSet(Kind),
		searchattr.Partner.ValueSet(r.in.Partner),
		searchattr.Stage.ValueSet(stage),
		searchattr.DueAt.ValueSet(Deadline(r.due, r.loc)),
	)
	if err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not set", "error", err)
	}
}

// task is the read model's view of the state.
func (r *request) task() Task { return TaskFromState(r.state()) }

func (r *request) state() State {
	s := State{
		Input: r.in, Status: r.status, Due: r.due.String(), Contact: r.contact,
		RemindersSent: r.reminders, Escalated: r.escalations > 0, AnsweredAt: r.answeredAt,
		CreatedAt: r.createdAt, OnTime: r.onTime, Version: r.version,
		AnsweredRows: len(r.answer.Rows), Encoding: r.encoding, Reason: r.reason,
	}
	if r.status == StatusAnswered {
		s.Shown = ShownAnswer(&r.in, r.answer)
	}
	s.Accepts = []string{}
	if r.status == StatusOpen {
		s.Accepts = []string{UpdateSubmit, UpdateExtend, UpdateReassign, UpdateCancel}
		s.OpenTasks = []workflows.OpenTask{{Name: UpdateSubmit, Title: "Besvar: " + r.in.Title, Owner: r.in.Partner, Due: r.due.String()}}
		if r.loc != nil {
			if e, ok := r.nextEvent(); ok {
				s.NextAction = e.At
			}
		}
	}
	r.describe(&s)
	return s
}

func (r *request) result() Result {
	return Result{
		RequestID: r.in.RequestID, Partner: r.in.Partner, Status: r.status,
		Values: r.answer.Values, Rows: r.answer.Rows, AnsweredAt: r.answeredAt,
		Due: r.due.String(), OnTime: r.onTime, Reason: r.reason,
	}
}

// registerHandlers sets the query and the Updates. Validators only read
// the state: a rejected Update leaves no trace in history.
func (r *request) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return r.state(), nil }); err != nil {
		return err
	}
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateSubmit, r.submit, r.validateSubmit},
		{UpdateExtend, r.extend, r.validateExtend},
		{UpdateReassign, r.reassign, r.validateReassign},
		{UpdateCancel, r.cancel, r.validateCancel},
		{UpdateCorrect, r.correct, r.validateCorrect},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler, workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	return nil
}

// checkOpen is the validators' common rule: only an open request changes.
func (r *request) checkOpen() error {
	switch r.status {
	case StatusAnswered:
		return notOpen("Opgaven er allerede besvaret. Kontakt sekretariatet, hvis svaret skal rettes.")
	case StatusCancelled:
		return notOpen(CancelledText(r.reason))
	}
	return nil
}

func (r *request) validateSubmit(ctx workflow.Context, sub Submission) error {
	if err := r.checkSubmittable(ctx); err != nil {
		return err
	}
	// Check is pure: it reads maps but sorts what it reports.
	_, err := Check(&r.in, sub) //workflowcheck:ignore
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return reject(ve)
		}
		return err
	}
	return nil
}

func (r *request) submit(ctx workflow.Context, sub Submission) (SubmitResult, error) {
	// A second submit accepted in the same batch as the first finds the
	// request answered here and changes nothing.
	if err := r.ready(ctx, func() error { return r.checkSubmittable(ctx) }); err != nil {
		return SubmitResult{}, err
	}
	// The validator checked sub (Check); this takes what it accepted,
	// rows read at the edge as they are.
	answer, err := accepted(&r.in, sub) //workflowcheck:ignore
	if err != nil {
		return SubmitResult{}, err
	}
	now := workflow.Now(ctx)
	r.status, r.answer, r.answeredAt = StatusAnswered, answer, now
	if r.in.Table != nil {
		r.encoding = sub.Encoding
	}
	r.onTime = now.Before(Deadline(r.due, r.loc))
	if r.fix.on {
		r.newVersion(now, sub.SubmittedBy, "", answer)
	}
	r.gen++
	ackFirst := workflow.GetVersion(ctx, ChangeSubmitAckFirst, workflow.DefaultVersion, 1) == 1
	r.upsertSearch(ctx)
	receipt := r.notice(NoticeReceipt, r.receiptNumber())
	receipt.AnsweredAt, receipt.OnTime, receipt.AnswerVersion = now, r.onTime, r.receiptNumber()
	receipt.Rows, receipt.Encoding = len(answer.Rows), r.encoding
	if workflow.GetVersion(ctx, ChangeReceiptShowsAnswer, workflow.DefaultVersion, 1) == 1 {
		receipt.Shown = ShownAnswer(&r.in, answer)
	}
	if ackFirst {
		// The partner's answer is accepted now: the read model and the
		// receipt follow in the main loop and retry there, so an SMTP
		// outage never fails the submit.
		r.later(receipt)
	} else {
		r.save(ctx)
		r.notify(ctx, receipt)
	}
	return SubmitResult{RequestID: r.in.RequestID, AnsweredAt: now, OnTime: r.onTime,
		Values: len(answer.Values), Rows: len(answer.Rows), Encoding: r.encoding}, nil
}

func (r *request) validateExtend(ctx workflow.Context, x Extension) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	d, err := plan.ParseDate(x.Due)
	if err != nil {
		return fielderr.Invalid("due", "Ugyldig dato; skriv åååå-mm-dd.")
	}
	if !d.After(r.due) {
		return fielderr.Invalid("due", "Den nye frist skal ligge efter den nuværende ("+r.due.String()+").")
	}
	return nil
}

func (r *request) extend(ctx workflow.Context, x Extension) (State, error) {
	if err := r.ready(ctx, func() error { return r.validateExtend(ctx, x) }); err != nil {
		return State{}, err
	}
	old := r.due
	r.due, _ = plan.ParseDate(x.Due)
	r.extensions++
	// Reminders still ahead move with the due date; past ones are not
	// sent late.
	r.cursor = maxTime(r.cursor, workflow.Now(ctx))
	r.gen++
	r.upsertSearch(ctx)
	n := r.notice(NoticeExtension, r.extensions)
	n.OldDue = old.String()
	r.record(ctx, n)
	return r.state(), nil
}

func (r *request) validateReassign(ctx workflow.Context, x Reassignment) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	a, err := mail.ParseAddress(x.Contact) //workflowcheck:ignore
	if err != nil || a.Address != x.Contact {
		return fielderr.Invalid("contact", "Ikke en gyldig e-mailadresse.")
	}
	return nil
}

func (r *request) reassign(ctx workflow.Context, x Reassignment) (State, error) {
	if err := r.ready(ctx, func() error { return r.validateReassign(ctx, x) }); err != nil {
		return State{}, err
	}
	r.contact = x.Contact
	r.reassigned++
	r.record(ctx, r.notice(NoticeReassigned, r.reassigned))
	return r.state(), nil
}

func (r *request) validateCancel(ctx workflow.Context, x Cancellation) error {
	if r.closable() {
		return nil // closes it with its answer (correct.go)
	}
	if err := r.checkOpen(); err != nil {
		return err
	}
	if len(x.Reason) < 3 {
		return fielderr.Invalid("reason", "Skriv en begrundelse for annulleringen.")
	}
	return nil
}

func (r *request) cancel(ctx workflow.Context, x Cancellation) (State, error) {
	if err := r.ready(ctx, func() error { return r.validateCancel(ctx, x) }); err != nil {
		return State{}, err
	}
	if r.closable() {
		r.close()
		return r.state(), nil
	}
	r.status, r.reason = StatusCancelled, x.Reason
	r.gen++
	r.upsertSearch(ctx)
	n := r.notice(NoticeCancelled, 0)
	n.Reason = x.Reason
	r.record(ctx, n)
	return r.state(), nil
}

// record finishes an operator Update's change: under ChangeNoticeAfterAck
// the read model and the notice follow in the main loop (later); before
// it, the handler wrote and sent them itself.
func (r *request) record(ctx workflow.Context, n Notice) {
	if workflow.GetVersion(ctx, ChangeNoticeAfterAck, workflow.DefaultVersion, 1) == 1 {
		r.later(n)
		return
	}
	r.save(ctx)
	r.notify(ctx, n)
}

// ready waits until the request has opened (its contact and zone are
// known), then checks again what the validator checked: an Update accepted
// beside another may find the request changed by it.
func (r *request) ready(ctx workflow.Context, check func() error) error {
	if err := workflow.Await(ctx, func() bool { return r.opened }); err != nil {
		return err
	}
	return check()
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
