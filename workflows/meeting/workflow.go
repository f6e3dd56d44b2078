package meeting

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/mail"
	"helhed/plan"
	"helhed/searchattr"
	"helhed/workdays"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// CatchUpWeekdays is the least time a partner gets to answer: a round
// started late (a backfill, a catch-up) never asks for data due sooner.
const CatchUpWeekdays = 3

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: 10 * time.Minute},
}

// round is the workflow's state; update handlers and the main loop share
// it (one coroutine runs at a time).
type round struct {
	st      State
	setup   *Setup
	loc     *time.Location
	moved   bool // a move awaits the main loop's side effects
	answers []*datarequest.Result
	started bool // data requests started
	// writes lets one read-model write run at a time (answers arrive in
	// goroutines of their own), so they land in the order the round made
	// them and the read model ends with the round's latest state.
	writes workflow.Mutex
	// steeringSent, boardSent: the dates the last invitations were for.
	steeringSent, boardSent plan.Date
}

// Round is the MeetingRound workflow.
func Round(ctx workflow.Context, in Input) (State, error) {
	r := &round{st: State{Input: in, Stage: StageWaiting}, writes: workflow.NewMutex(ctx)}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return r.snapshot(ctx), nil }); err != nil {
		return r.st, err
	}
	if err := r.registerUpdates(ctx); err != nil {
		return r.st, err
	}
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	var setup Setup
	if err := workflow.ExecuteActivity(actx, ActivityPrepare, in).Get(ctx, &setup); err != nil {
		return r.st, fmt.Errorf("prepare round %s: %w", in.Key(), err)
	}
	loc, err := time.LoadLocation(setup.TimeZone)
	if err != nil {
		return r.st, fmt.Errorf("time zone %q: %w", setup.TimeZone, err)
	}
	r.setup, r.loc = &setup, loc
	r.st.Meeting, r.st.Year = setup.Meeting, setup.Year
	r.st.Timeline = r.derive(in.BoardDate)
	for _, q := range setup.Requests {
		r.st.Requests = append(r.st.Requests, RequestStatus{RequestID: q.Input.RequestID, Partner: q.Input.Partner, Kind: q.Kind})
	}
	r.answers = make([]*datarequest.Result, len(setup.Requests))
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		searchattr.Kind.ValueSet(Kind), searchattr.PlanID.ValueSet(in.Plan))

	steps := Steps(in.Summer())
	for i := 0; i < len(steps); {
		step := steps[i]
		if r.moved {
			if err := r.applyMove(ctx); err != nil {
				return r.st, err
			}
		}
		when := r.stepTime(step)
		ready := func() bool {
			return r.moved || (step == StepClose && r.closeEarly()) || (step == StepReport && r.reportNow())
		}
		if d := when.Sub(workflow.Now(ctx)); d > 0 && !ready() {
			r.setStage(ctx, r.st.Stage, when)
			if _, err := workflow.AwaitWithTimeout(ctx, d, ready); err != nil {
				return r.st, err
			}
		}
		if r.moved {
			continue // dates changed: recompute this step's time
		}
		if err := r.run(ctx, step); err != nil {
			return r.st, fmt.Errorf("round %s, step %s: %w", in.Key(), step, err)
		}
		r.st.Done = append(r.st.Done, StepDone{Step: step, At: workflow.Now(ctx)})
		i++
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return r.st, err
	}
	return r.snapshot(ctx), nil
}

// derive computes the timeline for a board date ("" for summer).
func (r *round) derive(board string) Timeline {
	if r.st.Input.Summer() {
		d, _ := plan.ParseDate(r.st.Input.SummerDate)
		return DeriveSummer(d)
	}
	d, _ := plan.ParseDate(board)
	return Derive(d, r.setup.OffsetDays)
}

func (r *round) stepTime(step string) time.Time {
	return at(r.st.Timeline.Date(step), StepHour, 0, r.loc)
}

// meetingStart is when a body meets on d.
func (r *round) meetingStart(b Body, d plan.Date) time.Time {
	h, m := 0, 0
	if t, err := time.Parse("15:04", b.StartTime); err == nil {
		h, m = t.Hour(), t.Minute()
	}
	return at(d, h, m, r.loc)
}

func (r *round) steeringHeld(now time.Time) bool {
	return !now.Before(r.meetingStart(r.setup.Steering, r.st.Timeline.Steering))
}

func (r *round) boardHeld(now time.Time) bool {
	return !r.st.Input.Summer() && !now.Before(r.meetingStart(r.setup.Board, r.st.Timeline.Board))
}

func (r *round) isDone(step string) bool {
	for _, d := range r.st.Done {
		if d.Step == step {
			return true
		}
	}
	return false
}

func (r *round) closeEarly() bool {
	if r.st.Input.Summer() {
		return len(r.st.Recommendations) > 0
	}
	return len(r.st.Decisions) > 0
}

// run executes one step.
func (r *round) run(ctx workflow.Context, step string) error {
	switch step {
	case StepOpen:
		if err := r.sendInvitations(ctx); err != nil {
			return err
		}
		r.startRequests(ctx)
		r.setStage(ctx, StageCollecting, time.Time{})
	case StepReport:
		if err := r.report(ctx); err != nil {
			return err
		}
		r.setStage(ctx, StageReported, time.Time{})
	case StepSteeringReminder:
		if err := r.remind(ctx, r.setup.Steering, r.st.Timeline.Steering, "steering-reminder"); err != nil {
			return err
		}
		r.setStage(ctx, StageRecommendations, time.Time{})
	case StepPack:
		if err := r.compileAndSend(ctx, DocBoardPack, r.setup.Board, "board-pack",
			fmt.Sprintf("Mødemateriale: %s %s", r.setup.Board.Name, danish.LongDate(r.st.Timeline.Board))); err != nil {
			return err
		}
		r.setStage(ctx, StageBoardPack, time.Time{})
	case StepBoardReminder:
		if err := r.remind(ctx, r.setup.Board, r.st.Timeline.Board, "board-reminder"); err != nil {
			return err
		}
		r.setStage(ctx, StageDecisions, time.Time{})
	case StepClose:
		if err := r.close(ctx); err != nil {
			return err
		}
		r.setStage(ctx, StageClosed, time.Time{})
	}
	return nil
}

// setStage upserts the stage and next deadline and mirrors the round into
// the read model.
func (r *round) setStage(ctx workflow.Context, stage string, due time.Time) {
	changed := stage != r.st.Stage
	r.st.Stage = stage
	attrs := []temporal.SearchAttributeUpdate{searchattr.Stage.ValueSet(stage)}
	if !due.IsZero() {
		attrs = append(attrs, searchattr.DueAt.ValueSet(due))
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, attrs...)
	if changed || !due.IsZero() {
		r.record(ctx)
	}
}

// record writes the round's read-model entry, as it stands when the write
// runs, and keeps it in State.Record for the reconcile.
func (r *round) record(ctx workflow.Context) {
	r.write(ctx, ActivityRecordRound, func() any {
		rec := RoundRecord{Plan: r.setup.PlanID, Key: r.st.Input.Key(), Meeting: r.st.Meeting, Year: r.st.Year, Stage: r.st.Stage,
			Steering: r.meetingStart(r.setup.Steering, r.st.Timeline.Steering)}
		if !r.st.Input.Summer() {
			rec.Board = r.meetingStart(r.setup.Board, r.st.Timeline.Board)
		}
		for _, q := range r.st.Requests {
			rec.Asked++
			if q.Status == datarequest.StatusAnswered {
				rec.Answered++
			}
		}
		rec.Reported = r.isDone(StepReport) || r.st.Stage == StageReported
		rec.Held = r.held(workflow.Now(ctx))
		r.st.Record = &rec
		return rec
	})
}

// write runs one read-model activity at a time (see round.writes), with
// the argument arg builds once it is its turn. A failure is logged, not
// fatal: the read model is derived and the reconcile rebuilds it.
func (r *round) write(ctx workflow.Context, activity string, arg func() any) {
	if err := r.writes.Lock(ctx); err != nil {
		return
	}
	defer r.writes.Unlock()
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions), activity, arg()).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("read model not updated", "round", r.st.Input.Key(), "err", err)
	}
}

// held lists the round's meetings that have started, under the plan's
// dates (the round key's), as the annual report matches them.
func (r *round) held(now time.Time) []Held {
	var out []Held
	if !r.steeringHeld(now) {
		return out
	}
	if r.st.Input.Summer() {
		return append(out, Held{Body: plan.BodySteeringGroup, Kind: plan.MeetingSummer, Date: r.st.Input.SummerDate})
	}
	b, _ := plan.ParseDate(r.st.Input.BoardDate)
	out = append(out, Held{Body: plan.BodySteeringGroup, Kind: r.st.Meeting, Date: b.AddDays(-r.setup.OffsetDays).String()})
	if r.boardHeld(now) {
		out = append(out, Held{Body: plan.BodyBoard, Kind: r.st.Meeting, Date: b.String()})
	}
	return out
}

// requestTitlesDated is the change that titles data requests by the
// meeting's current date (requestTitle) rather than the prepared title.
const requestTitlesDated = "request-titles-dated"

// startRequests starts one child data request per member and one to the
// monitoring unit; a goroutine per child records its answer.
func (r *round) startRequests(ctx workflow.Context) {
	due := r.st.Timeline.Due
	today := plan.DateOf(workflow.Now(ctx).In(r.loc))
	if earliest := workdays.Add(today, CatchUpWeekdays); due.Before(earliest) {
		due = earliest
	}
	// Titles name the steering group's meeting by its date: the current
	// one, if the meeting moved after the round was prepared.
	dated := workflow.GetVersion(ctx, requestTitlesDated, workflow.DefaultVersion, 1) >= 1
	for i, q := range r.setup.Requests {
		in := q.Input
		in.Due = due.String()
		if dated {
			in.Title = requestTitle(q.Kind, *r.setup, r.st.Timeline.Steering)
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: datarequest.WorkflowID(in.RequestID),
			// The round cancels what is unanswered when the report closes;
			// this is the backstop if the round itself ends first.
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		})
		f := workflow.ExecuteChildWorkflow(cctx, datarequest.WorkflowName, in)
		r.st.Requests[i].Due, r.st.Requests[i].Status = in.Due, datarequest.StatusOpen
		workflow.Go(ctx, func(gctx workflow.Context) {
			var res datarequest.Result
			if err := f.Get(gctx, &res); err != nil {
				if r.st.Requests[i].Status == datarequest.StatusOpen {
					r.st.Requests[i].Status = "failed"
				}
				workflow.GetLogger(gctx).Warn("data request ended without data", "request", in.RequestID, "err", err)
				return
			}
			r.answers[i] = &res
			r.st.Requests[i].Status, r.st.Requests[i].OnTime, r.st.Requests[i].Answered = res.Status, res.OnTime, res.AnsweredAt
			if res.Status == datarequest.StatusAnswered {
				r.recordAnswer(gctx, i)
			}
		})
	}
	r.started = true
}

// recordAnswer brings the answer to request i into the read model as it
// arrives: the member's milestone figures (progress requests) and the
// round's answered count, so the milestone actuals and the report's
// completeness are current while data comes in, not only at the report;
// likewise the staff hours and the budget figures (recordFollowUp). The
// figures are kept in State for the reconcile.
func (r *round) recordAnswer(ctx workflow.Context, i int) {
	res, q := r.answers[i], r.st.Requests[i]
	if q.Kind == RequestProgress {
		at := res.AnsweredAt
		if at.IsZero() {
			at = workflow.Now(ctx)
		}
		if figs := Figures(r.setup.Targets, q.Partner, res.Values, at); len(figs) > 0 {
			r.st.Figures = append(r.st.Figures, figs...)
			rec := MilestoneRecord{Plan: r.setup.PlanID, Year: r.st.Year, Figures: figs}
			r.write(ctx, ActivityRecordMilestones, func() any { return rec })
		}
	}
	r.recordFollowUp(ctx, q, res)
	r.record(ctx)
}

// report closes data collection: cancels what is unanswered, compiles the
// progress report and agenda and mails them. The members' figures went to
// the read model as they answered (recordAnswer).
func (r *round) report(ctx workflow.Context) error {
	late := "Fremdriftsrapporten er udarbejdet uden jeres data, da fristen er overskredet."
	if workflow.GetVersion(ctx, reportBlamesOnlyLate, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		r.cancelOpen(ctx, func(RequestStatus) string { return late })
	} else {
		today := plan.DateOf(workflow.Now(ctx).In(r.loc)).String()
		r.cancelOpen(ctx, func(q RequestStatus) string {
			if q.Due < today {
				return late
			}
			if r.reportNow() {
				return earlyNote(q.Due, r.st.EarlyReport.Reason)
			}
			return fmt.Sprintf("Fremdriftsrapporten er udarbejdet før jeres frist (%s), fordi mødet er rykket frem. "+
				"I har ikke overskredet fristen, og der skal ikke sendes data til dette møde.", DateText(q.Due))
		})
	}
	return r.compileAndSend(ctx, DocAgendaReport, r.setup.Steering, "agenda",
		fmt.Sprintf("Dagsorden og fremdriftsrapport: %s %s", r.setup.Steering.Name, danish.LongDate(r.st.Timeline.Steering)))
}

// reportBlamesOnlyLate is the change after which the report tells only
// partners whose deadline has passed that they were late (the guards keep
// the report after every deadline; this is the backstop).
const reportBlamesOnlyLate = "report-blames-only-late"

// cancelOpen cancels every request still open, each with the reason
// reason gives it. A request that closed in the meantime is fine; its late
// answer is not used.
func (r *round) cancelOpen(ctx workflow.Context, reason func(RequestStatus) string) {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	for i := range r.st.Requests {
		q := &r.st.Requests[i]
		if q.Status != datarequest.StatusOpen {
			continue
		}
		u := datarequest.RequestUpdate{UpdateID: WorkflowID(r.st.Input) + "/cancel/" + q.RequestID, RequestID: q.RequestID,
			Cancellation: &datarequest.Cancellation{Reason: reason(*q)}}
		if err := workflow.ExecuteActivity(actx, datarequest.ActivityCancel, u).Get(ctx, nil); err != nil && !datarequest.IsClosed(err) {
			workflow.GetLogger(ctx).Warn("cancel data request failed", "request", q.RequestID, "err", err)
		}
		q.Status = datarequest.StatusCancelled
	}
}

// answered lists the answers received so far, in request order.
func (r *round) answered() []Answer {
	var out []Answer
	for i, res := range r.answers {
		if res != nil && res.Status == datarequest.StatusAnswered {
			out = append(out, Answer{Partner: r.st.Requests[i].Partner, Kind: r.st.Requests[i].Kind, OnTime: res.OnTime, Values: res.Values, Rows: res.Rows})
		}
	}
	return out
}

// compileAndSend renders a document into the document store and mails it to a body.
func (r *round) compileAndSend(ctx workflow.Context, doc string, to Body, key, subject string) error {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	var out Document
	in := CompileInput{Doc: doc, Setup: *r.setup, State: r.snapshot(ctx), Answers: r.answered(), CompiledAt: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(actx, ActivityCompile, in).Get(ctx, &out); err != nil {
		return err
	}
	r.st.Documents = append(r.st.Documents, out.Paths...)
	return r.mail(ctx, mail.Message{Key: r.mailKey(key), To: emails(to.Members), Subject: subject, Text: out.Markdown, HTML: out.HTML})
}

func (r *round) remind(ctx workflow.Context, b Body, d plan.Date, key string) error {
	start := r.meetingStart(b, d)
	text := fmt.Sprintf("Påmindelse: %s holder møde %s kl. %s.\n\nDagsorden og materiale er udsendt tidligere. Invitationen ligger i jeres kalender.\n",
		b.Name, danish.LongDate(d), start.Format("15.04"))
	return r.mail(ctx, mail.Message{Key: r.mailKey(key + "-" + d.String()), To: emails(b.Members),
		Subject: fmt.Sprintf("Påmindelse: %s %s", b.Name, danish.LongDate(d)), Text: text})
}

// close writes the board's decisions (or the summer meeting's
// recommendations) into the round's minutes.
func (r *round) close(ctx workflow.Context) error {
	var out Document
	in := CompileInput{Doc: DocMinutes, Setup: *r.setup, State: r.snapshot(ctx), CompiledAt: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions), ActivityCompile, in).Get(ctx, &out); err != nil {
		return err
	}
	r.st.Documents = append(r.st.Documents, out.Paths...)
	return nil
}

// mail sends m with its key scoped to this run (workflows.MailKey), so a
// relaunched round invites again.
func (r *round) mail(ctx workflow.Context, m mail.Message) error {
	m.Key = workflows.MailKey(ctx, m.Key)
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions), workflows.ActivitySendMail, m).Get(ctx, nil)
}

func (r *round) mailKey(what string) string {
	return "meeting/" + r.setup.PlanID + "/" + r.st.Input.Key() + "/" + what
}

func emails(ms []Member) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Email != "" && !seen[m.Email] {
			seen[m.Email] = true
			out = append(out, m.Email)
		}
	}
	return out
}

// snapshot is the state with the fields the run layer reads filled in.
func (r *round) snapshot(ctx workflow.Context) State {
	s := r.st
	s.Done = append([]StepDone(nil), r.st.Done...)
	s.Requests = append([]RequestStatus(nil), r.st.Requests...)
	s.Figures = append([]Figure(nil), r.st.Figures...)
	s.Budget = append([]BudgetFigure(nil), r.st.Budget...)
	s.Hours = append([]HoursFigure(nil), r.st.Hours...)
	s.Accepts, s.OpenTasks = nil, nil
	if r.setup == nil || s.Stage == StageClosed {
		return s
	}
	now := workflow.Now(ctx)
	if !s.Input.Summer() && !r.boardHeld(now) {
		s.Accepts = append(s.Accepts, UpdateMoveBoard)
	}
	if r.isDone(StepOpen) && !r.isDone(StepReport) && s.EarlyReport == nil {
		s.Accepts = append(s.Accepts, UpdateReportNow)
	}
	if r.steeringHeld(now) && (s.Input.Summer() || !r.isDone(StepPack)) {
		s.Accepts = append(s.Accepts, UpdateRecordRecommendations)
		s.OpenTasks = append(s.OpenTasks, workflows.OpenTask{Name: UpdateRecordRecommendations, Title: "Registrér styregruppens indstillinger", Owner: "bysekretariatet"})
	}
	if r.boardHeld(now) {
		s.Accepts = append(s.Accepts, UpdateRecordDecisions)
		s.OpenTasks = append(s.OpenTasks, workflows.OpenTask{Name: UpdateRecordDecisions, Title: "Registrér bestyrelsens beslutninger", Owner: "bysekretariatet",
			Due: s.Timeline.Close.String()})
	}
	return s
}

// errNotReady rejects Updates that arrive before the round has read its
// plan.
var errNotReady = errors.New("runden er ved at starte; prøv igen om lidt")

// registerUpdates installs the four operator Updates. Validators reject
// without a trace in history; handlers only change state, and the main
// loop performs the side effects of a move.
func (r *round) registerUpdates(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateMoveBoard,
		func(ctx workflow.Context, m MoveBoard) (Timeline, error) {
			from := r.st.Timeline.Board
			d, _ := plan.ParseDate(m.BoardDate)
			r.applyTimeline(workflow.Now(ctx), d)
			r.st.Moves = append(r.st.Moves, Move{From: from.String(), To: d.String(), At: workflow.Now(ctx), Reason: m.Reason})
			r.moved = true
			return r.st.Timeline, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, m MoveBoard) error { return r.validateMove(ctx, m) }},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordRecommendations,
		func(ctx workflow.Context, rec Record) ([]string, error) {
			r.st.Recommendations = rec.Items()
			return r.st.Recommendations, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, rec Record) error {
			switch {
			case r.setup == nil:
				return errNotReady
			case len(rec.Items()) == 0:
				return fielderr.Invalid("text", "skriv mindst én indstilling (én pr. linje)")
			case r.st.Stage == StageClosed:
				return errors.New("runden er afsluttet")
			case !r.steeringHeld(workflow.Now(ctx)):
				return fmt.Errorf("styregruppen har ikke holdt mødet endnu (%s)", danish.Date(r.st.Timeline.Steering))
			case !r.st.Input.Summer() && r.isDone(StepPack):
				return errors.New("bestyrelsens mødemateriale er allerede udsendt")
			}
			return nil
		}},
	); err != nil {
		return err
	}
	if err := r.registerReportNow(ctx); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecordDecisions,
		func(ctx workflow.Context, rec Record) ([]string, error) {
			r.st.Decisions = rec.Items()
			return r.st.Decisions, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, rec Record) error {
			switch {
			case r.setup == nil:
				return errNotReady
			case r.st.Input.Summer():
				return errors.New("sommermødet har intet bestyrelsesmøde")
			case len(rec.Items()) == 0:
				return fielderr.Invalid("text", "skriv mindst én beslutning (én pr. linje)")
			case r.st.Stage == StageClosed:
				return errors.New("runden er afsluttet")
			case !r.boardHeld(workflow.Now(ctx)):
				return fmt.Errorf("bestyrelsen har ikke holdt mødet endnu (%s)", danish.Date(r.st.Timeline.Board))
			}
			return nil
		}},
	)
}

// validateMove checks a new board date with the guards a round's start
// applies (guards.go): a weekday inside the plan period that is not a
// strategic board meeting, one of the plan's board meetings or a reason;
// not in the past, not the current date, before a board meeting that has
// not been held; after the steering group's meeting once that is held,
// and before it that the progress report still follows the partners'
// deadlines (a date that does not is refused with the first that does).
func (r *round) validateMove(ctx workflow.Context, m MoveBoard) error {
	if r.setup == nil {
		return errNotReady
	}
	if r.st.Input.Summer() {
		return errors.New("sommermødet har intet bestyrelsesmøde at flytte")
	}
	now := workflow.Now(ctx)
	if r.st.Stage == StageClosed || r.boardHeld(now) {
		return errors.New("bestyrelsen har allerede holdt mødet")
	}
	d, err := plan.ParseDate(m.BoardDate)
	if err != nil {
		return fielderr.Invalid("boardDate", fmt.Sprintf("%q er ikke en dato; skriv åååå-mm-dd", m.BoardDate))
	}
	today := plan.DateOf(now.In(r.loc))
	switch {
	case d.Before(today):
		return fielderr.Invalid("boardDate", fmt.Sprintf("%s er i fortiden", danish.Date(d)))
	case !r.setup.Period.Contains(d):
		return fielderr.Invalid("boardDate", fmt.Sprintf("%s ligger uden for planperioden %s–%s", danish.Date(d), danish.Date(r.setup.Period.Start), danish.Date(r.setup.Period.End)))
	case d == r.st.Timeline.Board:
		return fielderr.Invalid("boardDate", "mødet ligger allerede den "+danish.Date(d))
	}
	fe := checkWeekday("boardDate", d)
	if fe == nil {
		fe = checkStrategic("boardDate", r.setup.BoardMeetings, d)
	}
	if fe == nil && r.steeringHeld(now) && !d.After(r.st.Timeline.Steering) {
		fe = fielderr.New("boardDate", "bestyrelsen skal mødes efter styregruppens møde %s", danish.Date(r.st.Timeline.Steering))
	}
	if fe == nil && !r.steeringHeld(now) {
		derive := func(c plan.Date) Timeline { return r.movedTimeline(now, c) }
		ok := func(tl Timeline) bool { return r.moveProblem(tl, today) == "" }
		if problem := r.moveProblem(derive(d), today); problem != "" {
			fe = tooEarly("boardDate", d, problem, firstWorkable(d, r.setup.Period, r.setup.BoardMeetings, derive, ok))
		}
	}
	// A round prepared before the plan's board meetings were kept in its
	// Setup cannot tell a planned date from another.
	if fe == nil && len(r.setup.BoardMeetings) > 0 {
		fe = checkPlanned("boardDate", d, roundDates(r.setup.BoardMeetings), "reason", m.Reason)
	}
	if fe != nil {
		return fielderr.Invalid(fe.Field, fe.Message)
	}
	return nil
}

// moveProblem says why moving to timeline tl (before the steering group
// has met) would cut the data collection short; "" when it would not.
// Once the report is out, only the steering group's new date matters.
func (r *round) moveProblem(tl Timeline, today plan.Date) string {
	if r.isDone(StepReport) {
		if tl.Steering.Before(today) {
			return fmt.Sprintf("styregruppens møde ville ligge %s, før i dag (%s)", danish.Date(tl.Steering), danish.Date(today))
		}
		return ""
	}
	c := collection{started: r.started}
	for _, q := range r.st.Requests {
		if q.Status != datarequest.StatusOpen {
			continue
		}
		if due, err := plan.ParseDate(q.Due); err == nil {
			c.open = append(c.open, due)
		}
	}
	return deadlineProblem(tl, c, today)
}

// applyTimeline moves the board date (see movedTimeline).
func (r *round) applyTimeline(now time.Time, board plan.Date) {
	r.st.Timeline = r.movedTimeline(now, board)
}

// movedTimeline is the timeline after a move of the board date: dates of
// steps already done stay as they were; once the steering group has met,
// its dates stay too.
func (r *round) movedTimeline(now time.Time, board plan.Date) Timeline {
	old := r.st.Timeline
	nt := Derive(board, r.setup.OffsetDays)
	if r.steeringHeld(now) {
		nt.Steering, nt.Open, nt.Due, nt.Report, nt.SteeringReminder = old.Steering, old.Open, old.Due, old.Report, old.SteeringReminder
	}
	keep := func(step string, dst *plan.Date, was plan.Date) {
		if r.isDone(step) {
			*dst = was
		}
	}
	keep(StepOpen, &nt.Open, old.Open)
	keep(StepReport, &nt.Report, old.Report)
	keep(StepSteeringReminder, &nt.SteeringReminder, old.SteeringReminder)
	keep(StepPack, &nt.Pack, old.Pack)
	keep(StepBoardReminder, &nt.BoardReminder, old.BoardReminder)
	if r.started && r.isDone(StepReport) {
		nt.Due = old.Due
	}
	return nt
}

// applyMove does what a move needs beyond new dates: updated invitations
// for meetings already announced, and later due dates for open requests.
func (r *round) applyMove(ctx workflow.Context) error {
	r.moved = false
	if r.isDone(StepOpen) {
		if err := r.sendInvitations(ctx); err != nil {
			return err
		}
	}
	if r.started && !r.isDone(StepReport) {
		if err := r.extendOpen(ctx); err != nil {
			return err
		}
	}
	r.record(ctx)
	return nil
}

// extendOpen moves the due date of open requests to the timeline's, when
// that is later (a partner's deadline is never shortened).
func (r *round) extendOpen(ctx workflow.Context) error {
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	due := r.st.Timeline.Due.String()
	for i := range r.st.Requests {
		q := &r.st.Requests[i]
		if q.Status != datarequest.StatusOpen || due <= q.Due {
			continue
		}
		u := datarequest.RequestUpdate{UpdateID: fmt.Sprintf("%s/extend-%d/%s", WorkflowID(r.st.Input), len(r.st.Moves), q.RequestID), RequestID: q.RequestID,
			Extension: &datarequest.Extension{Due: due, Reason: "Bestyrelsens møde er flyttet, og styregruppens møde med det."}}
		err := workflow.ExecuteActivity(actx, datarequest.ActivityExtend, u).Get(ctx, nil)
		switch {
		case err == nil:
			q.Due = due
		case datarequest.IsClosed(err):
			// answered meanwhile; its goroutine records the answer
		default:
			workflow.GetLogger(ctx).Warn("extend data request failed", "request", q.RequestID, "err", err)
		}
	}
	return nil
}
