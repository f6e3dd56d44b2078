package absence

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/mail"
	"helhed/plan"
	"helhed/searchattr"
	"helhed/workdays"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// Timing, in Danish weekdays: the schools' data is due DueWeekdays after
// the round starts; the round closes CutoffWeekdays after that (at noon,
// after the reminders and the escalation), with what it has. A school
// whose file was rejected gets at least ResubmitWeekdays for a new one,
// and at most MaxAttempts submissions are asked for.
const (
	DueWeekdays      = 10
	CutoffWeekdays   = 5
	CutoffHour       = 12
	ResubmitWeekdays = 3
	MaxAttempts      = 3
)

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: 10 * time.Minute},
}

type round struct {
	st       State
	setup    *Setup
	loc      *time.Location
	due      plan.Date
	pupils   [][]Pupil
	closeNow bool
	version  int // bumped when the cut-off moves or a school settles
	// following counts the schools whose follow-up still runs.
	following int
	// closing: the round is finishing and takes no more files
	// (ChangeCloseStopsFiles); sealed: the note is being computed, so a
	// result that comes in now changes nothing.
	closing, sealed bool
	// exact: days counted in hundredths, thresholds compared exactly
	// (ChangeExactNumbers).
	exact bool
}

// FollowUp is the AbsenceFollowUp workflow.
func FollowUp(ctx workflow.Context, in Input) (Result, error) {
	r := &round{st: State{Input: in, Stage: StageCollecting}}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return r.snapshot(), nil }); err != nil {
		return Result{State: r.st}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateClose,
		func(ctx workflow.Context, c Close) error { r.closeNow = true; return nil },
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, c Close) error {
			if r.closing || r.closeNow {
				return errors.New(ClosingMessage)
			}
			if r.setup == nil || r.st.Stage != StageCollecting {
				return errors.New("runden indsamler ikke data")
			}
			return nil
		}}); err != nil {
		return Result{State: r.st}, err
	}
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	var setup Setup
	if err := workflow.ExecuteActivity(actx, ActivityPrepare, in).Get(ctx, &setup); err != nil {
		return Result{State: r.st}, fmt.Errorf("prepare %s: %w", in.Quarter, err)
	}
	loc, err := time.LoadLocation(setup.TimeZone)
	if err != nil {
		return Result{State: r.st}, err
	}
	r.setup, r.loc = &setup, loc
	var carry Carry
	if setup.Previous != "" {
		if err := workflow.ExecuteActivity(actx, ActivityPrevious, setup.Previous).Get(ctx, &carry); err != nil {
			return Result{State: r.st}, fmt.Errorf("previous quarter: %w", err)
		}
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, searchattr.Kind.ValueSet(Kind), searchattr.PlanID.ValueSet(in.Plan),
		searchattr.Stage.ValueSet(StageCollecting))

	today := plan.DateOf(workflow.Now(ctx).In(loc))
	r.due = workdays.Add(today, DueWeekdays)
	r.st.Due = r.due.String()
	r.st.Cutoff = r.cutoffAfter(r.due)
	_ = workflow.UpsertTypedSearchAttributes(ctx, searchattr.DueAt.ValueSet(r.st.Cutoff))
	r.exact = workflow.GetVersion(ctx, ChangeExactNumbers, workflow.DefaultVersion, 1) == 1
	r.pupils = make([][]Pupil, len(setup.Schools))
	for i, sc := range setup.Schools {
		r.st.Schools = append(r.st.Schools, SchoolStatus{School: sc.ID, Name: sc.Name, Status: SchoolOpen})
		r.following++
		workflow.Go(ctx, func(gctx workflow.Context) { r.follow(gctx, i) })
	}

	for !r.closeNow && r.openSchools() > 0 {
		d := r.st.Cutoff.Sub(workflow.Now(ctx))
		if d <= 0 {
			break
		}
		v := r.version
		if _, err := workflow.AwaitWithTimeout(ctx, d, func() bool { return r.closeNow || r.version != v }); err != nil {
			return Result{State: r.st}, err
		}
	}
	return r.finish(ctx, carry)
}

func (r *round) cutoffAfter(due plan.Date) time.Time {
	return r.noon(workdays.Add(due, CutoffWeekdays))
}

func (r *round) noon(d plan.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, CutoffHour, 0, 0, 0, r.loc)
}

func (r *round) openSchools() int {
	n := 0
	for _, s := range r.st.Schools {
		if s.Status == SchoolOpen {
			n++
		}
	}
	return n
}

// follow asks one school for its table and checks each answer; a rejected
// file is asked for again with its problems listed, until MaxAttempts or
// the round closes.
func (r *round) follow(ctx workflow.Context, i int) {
	sc := r.setup.Schools[i]
	st := &r.st.Schools[i]
	defer func() { r.version++; r.following-- }()
	due := r.due
	for attempt := 1; attempt <= MaxAttempts && !r.closeNow && !r.closing; attempt++ {
		if attempt > 1 {
			today := plan.DateOf(workflow.Now(ctx).In(r.loc))
			if min := workdays.Add(today, ResubmitWeekdays); due.Before(min) {
				due = min
			}
			if c := r.noon(workdays.Add(due, 2)); c.After(r.st.Cutoff) {
				r.st.Cutoff = c // the school gets its time; the round waits for it
				r.version++
			}
		}
		onForm := workflow.GetVersion(ctx, ChangeRulesOnForm, workflow.DefaultVersion, 1) == 1
		in := request(*r.setup, sc, attempt, due.String(), st.Errors, onForm)
		st.Status, st.Attempts, st.RequestID, st.Due = SchoolOpen, attempt, in.RequestID, in.Due
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: datarequest.WorkflowID(in.RequestID), ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		})
		var res datarequest.Result
		if err := workflow.ExecuteChildWorkflow(cctx, datarequest.WorkflowName, in).Get(ctx, &res); err != nil || res.Status != datarequest.StatusAnswered {
			return // cancelled at the cut-off, or failed: the school is named as missing
		}
		if r.sealed {
			return // the note is being made without it
		}
		pupils, problems := check(sc.ID, res.Rows, r.setup.Areas, r.exact)
		if len(problems) == 0 {
			r.pupils[i], st.Status, st.Pupils, st.Errors = pupils, SchoolAccepted, len(pupils), nil
			return
		}
		st.Status, st.Errors = SchoolRejected, problems
		workflow.GetLogger(ctx).Info("school data rejected", "school", sc.ID, "attempt", attempt, "problems", len(problems))
		if r.closing {
			r.tellRejectedWhileClosing(ctx, sc, problems)
		}
	}
}

// finish cancels what is open, computes, writes and mails the note and
// records the indicators.
func (r *round) finish(ctx workflow.Context, carry Carry) (Result, error) {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	stopsFiles := workflow.GetVersion(ctx, ChangeCloseStopsFiles, workflow.DefaultVersion, 1) == 1
	if stopsFiles {
		r.stopFiles(ctx)
	}
	for i := range r.st.Schools {
		s := &r.st.Schools[i]
		if s.Status != SchoolOpen {
			continue
		}
		if !stopsFiles {
			u := datarequest.RequestUpdate{UpdateID: WorkflowID(r.st.Input) + "/cancel/" + s.RequestID, RequestID: s.RequestID,
				Cancellation: &datarequest.Cancellation{Reason: "Kvartalsopfølgningen er afsluttet uden jeres data."}}
			if err := workflow.ExecuteActivity(actx, datarequest.ActivityCancel, u).Get(ctx, nil); err != nil && !datarequest.IsClosed(err) {
				workflow.GetLogger(ctx).Warn("cancel data request failed", "request", s.RequestID, "err", err)
			}
		}
		if s.Status == SchoolOpen {
			s.Status = SchoolMissing
			if s.Attempts > 1 {
				s.Status = SchoolRejected
			}
		}
	}
	r.sealed = stopsFiles
	var pupils []Pupil
	for _, ps := range r.pupils {
		pupils = append(pupils, ps...)
	}
	out := compute(*r.setup, pupils, carry, r.exact)
	var doc Document
	note := NoteInput{Setup: *r.setup, Outcome: out, Schools: r.st.Schools, CompiledAt: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(actx, ActivityCompile, note).Get(ctx, &doc); err != nil {
		return Result{State: r.st}, err
	}
	msg := mail.Message{Key: "absence/" + r.setup.PlanID + "/" + r.setup.Quarter + "/note", To: r.setup.Team,
		Subject: "Kvartalsnotat om elevfravær " + r.quarterText(ctx), Text: doc.Markdown, HTML: doc.HTML}
	msg.Key = workflows.MailKey(ctx, msg.Key)
	if err := workflow.ExecuteActivity(actx, workflows.ActivitySendMail, msg).Get(ctx, nil); err != nil {
		return Result{State: r.st}, err
	}
	entry := Entry{Plan: r.setup.PlanID, Quarter: r.setup.Quarter, Year: r.setup.Year, Threshold: r.setup.Threshold}
	for _, s := range r.st.Schools {
		if s.Status != SchoolAccepted {
			entry.MissingSchools++
		}
	}
	rec := Record{Entry: entry, Outcome: out}
	if err := workflow.ExecuteActivity(actx, ActivityRecord, rec).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("read model not updated", "quarter", r.setup.Quarter, "err", err)
	}
	r.st.Stage = StageClosed
	_ = workflow.UpsertTypedSearchAttributes(ctx, searchattr.Stage.ValueSet(StageClosed))
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return Result{State: r.st}, err
	}
	return Result{State: r.snapshot(), Outcome: out, Note: doc.Paths, Entry: &entry}, nil
}

func (r *round) snapshot() State {
	s := r.st
	s.Schools = append([]SchoolStatus(nil), r.st.Schools...)
	s.Accepts, s.OpenTasks = nil, nil
	if r.setup != nil && s.Stage == StageCollecting && !r.closeNow {
		s.Accepts = []string{UpdateClose}
	}
	return s
}
