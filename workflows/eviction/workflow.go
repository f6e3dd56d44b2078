package eviction

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/plan"
	"helhed/searchattr"
	"helhed/workflows"
)

// continueAsNewAfter is the history length at which a case that is not
// busy continues as new, carrying its state: a case that sits on monthly
// lists for years keeps a short history. The server's own suggestion is
// honoured too. A variable so tests can lower it.
var continueAsNewAfter = 2000

// keptLists and keptSteps bound a case's state (changeCompactState): it
// keeps its newest lists (two years of monthly lists) and steps and counts
// the ones before, so a case on the lists for years carries, queries and
// replays a small state. Variables so tests can lower them.
var keptLists, keptSteps = 24, 50

// caseWF is one run of EvictionCase: its state and the bookkeeping that
// orders read-model writes.
type caseWF struct {
	ctx       workflow.Context
	st        State
	ready     bool // state initialised; updates are refused before
	dirty     bool // changed since the last publish
	published int  // the Seq the read model holds
	lists     workflow.ReceiveChannel
	lastSA    string // stage|dueAt last upserted
	// demandPending: a påkrav is being recorded (its handler waits for
	// the plan's receipt assumptions); a second one is refused meanwhile.
	demandPending bool
	// noticePending: the § 92 notice is being sent; the case neither
	// continues as new nor ends before it is.
	noticePending bool
	// by is the person the steps being recorded are by (see decidedBy);
	// nil outside an Update's synchronous part.
	by *workflows.Actor
}

// EvictionCase is the workflow. See the package comment for the stages.
// It returns the final public View (no contact details).
func EvictionCase(ctx workflow.Context, in Input) (View, error) {
	c := &caseWF{ctx: ctx, lists: workflow.GetSignalChannel(ctx, SignalList)}
	if err := c.register(); err != nil {
		return View{}, err
	}
	if err := c.init(in); err != nil {
		return View{}, err
	}
	v, err := c.run()
	if err != nil && temporal.IsCanceledError(err) && c.ready {
		return v, c.forget(err)
	}
	return v, err
}

// forget removes a cancelled case from the read model, as the reconcile
// (which shows no case for a cancelled run) would: before, the last open
// view stayed and kept counting as open.
func (c *caseWF) forget(cancelled error) error {
	ctx, _ := workflow.NewDisconnectedContext(c.ctx)
	if workflow.GetVersion(ctx, changeForgetCancelledCase, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return cancelled
	}
	ctx = workflow.WithActivityOptions(ctx, shortActivity)
	if err := workflow.ExecuteActivity(ctx, actForget, c.st.CaseID).Get(ctx, nil); err != nil {
		return fmt.Errorf("remove the cancelled case from the read model: %w", err)
	}
	return cancelled
}

// init sets up the state: carried over from continue-as-new, or a new
// case opened from a list or by an operator.
func (c *caseWF) init(in Input) error {
	if in.State != nil {
		c.st = *in.State
		c.st.Runs++
		c.published = c.st.Seq
		c.ready = true
		return nil
	}
	info := workflow.GetInfo(c.ctx)
	now := workflow.Now(c.ctx)
	caseID := info.FirstRunID
	if caseID == "" {
		caseID = info.WorkflowExecution.RunID // the test environment sets no first run
	}
	c.st = State{
		CaseID:        caseID,
		TenancyID:     strings.TrimPrefix(info.WorkflowExecution.ID, Kind+"/"),
		Stage:         "",
		Department:    strings.TrimSpace(in.Department),
		TenancyNumber: in.TenancyNumber,
		Contact:       in.Contact,
		Arrears:       in.Arrears,
		DueDate:       in.DueDate,
		Reminders:     in.Reminders,
		OpenedAt:      now,
		Runs:          1,
	}
	episodes := workflow.GetVersion(c.ctx, changeCaseEpisodes, workflow.DefaultVersion, 1) == 1
	prev := in.Previous
	if l := in.List; l != nil {
		c.st.Origin = "list"
		c.st.PlanID, c.st.Organisation, c.st.Owner, c.st.Area = l.PlanID, l.Organisation, l.Owner, l.Area
		c.st.FirstList = l.ListDate
		c.st.Lists = []ListRecord{{ListID: l.ListID, ListDate: l.ListDate, Arrears: l.Arrears, DueDate: l.DueDate, Reminders: l.Reminders, ReceivedAt: now}}
	} else {
		c.st.Origin = "operator"
		c.st.FirstList = DateOf(now)
		var r Resolved
		actx := workflow.WithActivityOptions(c.ctx, shortActivity)
		if err := workflow.ExecuteActivity(actx, actResolve, ResolveInput{Organisation: in.Organisation, Department: in.Department}).Get(c.ctx, &r); err != nil {
			return fmt.Errorf("resolve the tenancy's area: %w", err)
		}
		c.st.PlanID, c.st.Organisation, c.st.Owner, c.st.Area = r.PlanID, r.Organisation, r.Owner, r.Area
		prev = r.Previous
	}
	if episodes {
		c.st.Episode = 1
		if prev != nil {
			c.st.Episode, c.st.Previous = max(prev.Episode, 1)+1, prev
		}
	}
	c.ready = true
	c.decidedBy(c.ctx, in.Actor)
	c.transition(StageArrears, "opened from "+c.st.Origin)
	c.decidedBy(c.ctx, nil)
	c.st.Outreach.Due = OutreachDue(c.st.FirstList)
	c.transition(StageOutreach, "outreach task created")
	return workflow.UpsertTypedSearchAttributes(c.ctx,
		searchattr.Kind.ValueSet(Kind), searchattr.Area.ValueSet(c.st.Area), searchattr.PlanID.ValueSet(c.st.PlanID))
}

// run is the main loop: take lists, publish changes, wake for deadlines,
// until the case closes or continues as new.
func (c *caseWF) run() (View, error) {
	for {
		c.drainLists()
		if err := c.publishIfDirty(); err != nil {
			return View{}, err
		}
		// A change made while the publish ran (the closing update's, or
		// the § 92 notice's) is published before the loop ends: the
		// closing handler waits for it.
		if c.closed() && !c.dirty {
			break
		}
		if c.continueAsNewDue() && !c.noticePending {
			return View{}, c.continueAsNew()
		}
		wake := func() bool { return c.dirty || c.lists.Len() > 0 }
		next, ok := c.nextWake()
		if !ok {
			if err := workflow.Await(c.ctx, wake); err != nil {
				return View{}, err
			}
			continue
		}
		d := next.Sub(workflow.Now(c.ctx))
		if d > 0 {
			woken, err := workflow.AwaitWithTimeout(c.ctx, d, wake)
			if err != nil {
				return View{}, err
			}
			if woken {
				continue
			}
		}
		c.onTimer()
	}
	// Let running update handlers and the § 92 notice finish; take lists
	// that raced the close.
	if err := workflow.Await(c.ctx, func() bool { return workflow.AllHandlersFinished(c.ctx) && !c.noticePending }); err != nil {
		return View{}, err
	}
	c.drainLists()
	if err := c.publishIfDirty(); err != nil {
		return View{}, err
	}
	return NewView(c.st, workflow.GetInfo(c.ctx).WorkflowExecution.ID), nil
}

func (c *caseWF) continueAsNewDue() bool {
	info := workflow.GetInfo(c.ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= continueAsNewAfter
}

// continueAsNew waits for running handlers, takes pending lists, and hands
// the state to a new run.
//
// Under changeQuietContinueAsNew it hands over only when no handler is
// running, no § 92 notice is on its way and nothing is unpublished, and
// nothing yields between that check and the hand-over: an Update accepted
// while a publish ran finishes in this run (an accepted Update the run
// ends under fails, though its change was carried; before, a handler
// waiting for its publish and this waiting for the handler could wait for
// each other for good), and the new run starts from a state the read
// model holds. Updates that arrive after are retried by Temporal on the
// new run.
func (c *caseWF) continueAsNew() error {
	if workflow.GetVersion(c.ctx, changeQuietContinueAsNew, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		if err := workflow.Await(c.ctx, func() bool { return workflow.AllHandlersFinished(c.ctx) }); err != nil {
			return err
		}
		c.drainLists()
		if err := c.publishIfDirty(); err != nil {
			return err
		}
	} else {
		for {
			c.drainLists()
			if err := c.publishIfDirty(); err != nil {
				return err
			}
			// A handler waiting for its change to be published wakes this
			// by the change; the loop publishes it and waits again.
			quiet := func() bool { return workflow.AllHandlersFinished(c.ctx) && !c.noticePending }
			if err := workflow.Await(c.ctx, func() bool { return quiet() || c.dirty || c.lists.Len() > 0 }); err != nil {
				return err
			}
			if !c.dirty && c.lists.Len() == 0 {
				break
			}
		}
	}
	st := c.st
	return workflow.NewContinueAsNewError(c.ctx, WorkflowName, Input{State: &st})
}

// Change ids of workflow.GetVersion (those of the hverdag clock are in
// legal.go, ChangeNoticeAfterAck and ChangeNoticeRetry in updates.go).
const (
	// changeQuietContinueAsNew: a run continues as new only with no
	// handler running and nothing unpublished (continueAsNew).
	changeQuietContinueAsNew = "continue-as-new-when-quiet"
	// changeCaseEpisodes: a case opened after the tenancy's last one
	// closed is its next episode, linked to it (Input.Previous).
	changeCaseEpisodes = "case-episodes"
	// changeHandlerRecheck: update handlers re-check that the case's
	// stage still takes them (stillAllowed).
	changeHandlerRecheck = "update-handler-recheck"
	// changeForgetCancelledCase: a cancelled case removes itself from the
	// read model (forget).
	changeForgetCancelledCase = "forget-cancelled-case"
	// changeDecisionsBy: the steps an operator's Update (or opening of
	// the case) takes record who (Step.By; decidedBy).
	changeDecisionsBy = "decisions-by"
	// changeCompactState: a case keeps its newest keptLists lists and
	// keptSteps steps and counts those before (compact).
	changeCompactState = "compact-case-state"
)

// decidedBy makes the steps recorded from now on, up to the next
// c.done or c.decidedBy(ctx, nil), name by (changeDecisionsBy). A handler
// calls it where its synchronous changes start (after its last yield
// before them), so no other coroutine's step is attributed to the person.
func (c *caseWF) decidedBy(ctx workflow.Context, by *workflows.Actor) {
	if by != nil && workflow.GetVersion(ctx, changeDecisionsBy, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		by = nil
	}
	c.by = by
}

func (c *caseWF) closed() bool {
	return c.st.Stage == StageResolved || (c.st.Stage == StageEscalated && c.st.Outcome != "")
}

func (c *caseWF) today() plan.Date { return DateOf(workflow.Now(c.ctx)) }

// change marks the state changed and logs the step.
func (c *caseWF) change(step string, on plan.Date) {
	c.st.Seq++
	c.dirty = true
	c.st.Steps = append(c.st.Steps, Step{At: workflow.Now(c.ctx), Step: step, On: on, By: c.by})
	c.compact()
}

// compact drops the earliest steps beyond keptSteps and the lists of the
// oldest dates beyond keptLists, counting them in EarlierSteps and
// EarlierLists (changeCompactState; cases before keep everything).
func (c *caseWF) compact() {
	if workflow.GetVersion(c.ctx, changeCompactState, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	if n := len(c.st.Steps) - keptSteps; n > 0 {
		// A new slice, so the dropped steps' array is not kept alive.
		c.st.Steps = append([]Step(nil), c.st.Steps[n:]...)
		c.st.EarlierSteps += n
	}
	if n := len(c.st.Lists) - keptLists; n > 0 {
		lists := slices.Clone(c.st.Lists)
		// Stable: lists of one date cannot both be kept (a list replaces
		// its date's earlier import), so the order only follows arrival.
		slices.SortStableFunc(lists, func(a, b ListRecord) int { return a.ListDate.Compare(b.ListDate) })
		dropped := lists[:n]
		c.st.Lists = slices.DeleteFunc(c.st.Lists, func(l ListRecord) bool {
			return slices.ContainsFunc(dropped, func(d ListRecord) bool { return d.ListID == l.ListID })
		})
		c.st.EarlierLists += len(dropped)
	}
}

// transition moves the case to another stage.
func (c *caseWF) transition(to Stage, cause string) {
	from := c.st.Stage
	c.st.Stage = to
	c.st.Transitions = append(c.st.Transitions, Transition{From: from, To: to, At: workflow.Now(c.ctx), Cause: cause})
	c.change(fmt.Sprintf("stage %s → %s: %s", orNone(from), to, cause), c.today())
	if to == StageResolved {
		c.st.ClosedOn = c.today()
	}
}

func orNone(s Stage) string {
	if s == "" {
		return "(new)"
	}
	return string(s)
}

// drainLists applies every list entry waiting in the channel.
func (c *caseWF) drainLists() {
	for {
		var e ListEntry
		if !c.lists.ReceiveAsync(&e) {
			return
		}
		c.onList(e)
	}
}

// onList records the tenancy's line on a list. A list already recorded
// (the same list imported again, or the signal that came with the start)
// changes nothing; a corrected list of the same date replaces the earlier
// import's line, so fixing rejected lines and importing the file again
// does not count as another month.
func (c *caseWF) onList(e ListEntry) {
	rec := ListRecord{ListID: e.ListID, ListDate: e.ListDate, Arrears: e.Arrears, DueDate: e.DueDate, Reminders: e.Reminders, ReceivedAt: workflow.Now(c.ctx)}
	if c.st.EarlierLists > 0 && e.ListDate.Before(c.oldestListDate()) {
		// Older than every list kept (compact): one of the lists dropped,
		// imported again, or a list too old to change the case.
		return
	}
	replaced := false
	for i, l := range c.st.Lists {
		if l.ListID == e.ListID {
			return
		}
		if l.ListDate == e.ListDate {
			c.st.Lists[i], replaced = rec, true
		}
	}
	if !replaced {
		c.st.Lists = append(c.st.Lists, rec)
	}
	if c.closed() {
		c.change("list "+e.ListID+" received after the case closed", e.ListDate)
		return
	}
	if e.ListDate.Compare(c.latestListDate()) >= 0 {
		c.st.Arrears, c.st.DueDate, c.st.Reminders = e.Arrears, e.DueDate, e.Reminders
		if e.Contact.Name != "" {
			c.st.Contact = e.Contact
		}
		if e.Department != "" {
			c.st.Department, c.st.Area = e.Department, e.Area
		}
	}
	c.change("on list "+e.ListID, e.ListDate)
	c.settle()
}

func (c *caseWF) latestListDate() plan.Date {
	var d plan.Date
	for _, l := range c.st.Lists {
		if l.ListDate.After(d) {
			d = l.ListDate
		}
	}
	return d
}

// oldestListDate is the date of the oldest list kept.
func (c *caseWF) oldestListDate() plan.Date {
	var d plan.Date
	for i, l := range c.st.Lists {
		if i == 0 || l.ListDate.Before(d) {
			d = l.ListDate
		}
	}
	return d
}

// nextWake is the next time the case must look at the clock: an
// instalment's check day, or the day after the payment deadline.
func (c *caseWF) nextWake() (time.Time, bool) {
	switch c.st.Stage {
	case StagePaymentPlan:
		for _, in := range c.st.Plan.Instalments {
			if in.Status == InstalmentPending {
				return startOf(in.CheckOn), true
			}
		}
	case StageEscalated:
		if l := c.st.Legal; l != nil && !l.DemandSentOn.IsZero() && !l.DeadlinePassed {
			return startOf(l.Deadline.AddDays(1)), true
		}
	}
	return time.Time{}, false
}

// onTimer handles a deadline reached.
func (c *caseWF) onTimer() {
	today := c.today()
	switch c.st.Stage {
	case StagePaymentPlan:
		c.settle()
	case StageEscalated:
		if l := c.st.Legal; l != nil && !l.DemandSentOn.IsZero() && !l.DeadlinePassed && today.After(l.Deadline) {
			l.DeadlinePassed = true
			c.change("payment deadline "+l.Deadline.String()+" passed; termination possible", today)
		}
	}
}

// settle judges what payments and lists show: instalments whose check day
// has come are kept or missed (a miss escalates), and cleared arrears
// resolve the case or avert the eviction.
func (c *caseWF) settle() {
	today := c.today()
	switch c.st.Stage {
	case StageArrears, StageOutreach, StageCounselling:
		if c.paidSince(c.latestListDate()) >= c.st.Arrears && c.st.Arrears > 0 {
			c.transition(StageResolved, "arrears paid")
		}
	case StagePaymentPlan:
		pl := c.st.Plan
		paid := c.paidTowardPlan()
		if paid >= pl.Base {
			for i := range pl.Instalments {
				if pl.Instalments[i].Status == InstalmentPending {
					pl.Instalments[i].Status = InstalmentKept
				}
			}
			c.transition(StageResolved, "payment plan paid in full")
			return
		}
		var due Money
		for i := range pl.Instalments {
			in := &pl.Instalments[i]
			due += in.Amount
			if in.Status != InstalmentPending || in.CheckOn.After(today) {
				continue
			}
			if paid >= due {
				in.Status = InstalmentKept
				c.change("instalment due "+in.Due.String()+" kept", today)
				continue
			}
			in.Status = InstalmentMissed
			c.change("instalment due "+in.Due.String()+" missed", today)
			c.escalate("missed instalment due "+in.Due.String(), in.Due, pl.Base-paid)
			return
		}
	case StageEscalated:
		if l := c.st.Legal; l != nil && c.st.Outcome == "" && c.paidSince(l.StartedOn) >= l.Amount {
			c.setOutcome(OutcomeAverted, today, "arrears paid")
		}
	}
}

// paidSince sums the payments recorded on or after d.
func (c *caseWF) paidSince(d plan.Date) Money {
	var sum Money
	for _, p := range c.st.Payments {
		if !p.On.Before(d) {
			sum += p.Amount
		}
	}
	return sum
}

// paidTowardPlan is what the tenant has paid off the plan's base: the
// recorded payments since the agreement, or what the latest list after the
// agreement shows the arrears fell by, whichever is more.
func (c *caseWF) paidTowardPlan() Money {
	pl := c.st.Plan
	paid := c.paidSince(pl.AgreedOn)
	var latest *ListRecord
	for i := range c.st.Lists {
		l := &c.st.Lists[i]
		if l.ListDate.After(pl.AgreedOn) && (latest == nil || !l.ListDate.Before(latest.ListDate)) {
			latest = l
		}
	}
	if latest != nil && pl.Base-latest.Arrears > paid {
		paid = pl.Base - latest.Arrears
	}
	return paid
}

// escalate starts the legal clock from the unpaid due date: the hverdag
// clock, unless the case escalated on the weekday clock before (replay).
func (c *caseWF) escalate(reason string, due plan.Date, amount Money) {
	today := c.today()
	if amount <= 0 {
		amount = c.st.Arrears
	}
	l := startLegal(clockAt(c.ctx, changeLegalClock), due)
	l.Reason, l.StartedAt, l.StartedOn, l.Amount = reason, workflow.Now(c.ctx), today, amount
	c.st.Legal = l
	c.transition(StageEscalated, reason)
}

func (c *caseWF) setOutcome(outcome string, on plan.Date, cause string) {
	c.st.Outcome = outcome
	c.st.ClosedOn = on
	c.change("outcome "+outcome+": "+cause, on)
}

// clockAt is the clock a computation first made at change uses: the
// hverdag clock, or the weekday clock when a history recorded before it
// replays (workflow.GetVersion answers DefaultVersion there).
func clockAt(ctx workflow.Context, change string) int {
	if workflow.GetVersion(ctx, change, workflow.DefaultVersion, ClockHverdage) == ClockHverdage {
		return ClockHverdage
	}
	return ClockWeekdays
}

// publishIfDirty upserts the stage search attributes and writes the
// read model, then lets update handlers waiting for it return.
func (c *caseWF) publishIfDirty() error {
	if !c.dirty {
		return nil
	}
	due := nextDue(c.st)
	if sa := string(c.st.Stage) + "|" + due.String(); sa != c.lastSA {
		dueAttr := searchattr.DueAt.ValueUnset()
		if !due.IsZero() {
			dueAttr = searchattr.DueAt.ValueSet(startOf(due.AddDays(1)))
		}
		if err := workflow.UpsertTypedSearchAttributes(c.ctx, searchattr.Stage.ValueSet(string(c.st.Stage)), dueAttr); err != nil {
			return fmt.Errorf("upsert search attributes: %w", err)
		}
		c.lastSA = sa
	}
	view := NewView(c.st, workflow.GetInfo(c.ctx).WorkflowExecution.ID)
	// Clear the flag before the activity: an update handler that changes
	// the state while it runs sets it again, and the loop publishes again.
	c.dirty = false
	actx := workflow.WithActivityOptions(c.ctx, shortActivity)
	if err := workflow.ExecuteActivity(actx, actPublish, view).Get(c.ctx, nil); err != nil {
		return fmt.Errorf("publish read model: %w", err)
	}
	c.published = view.Seq
	return nil
}

// awaitPublished blocks an update handler until the read model holds its
// change, so a caller reading the API right after sees it.
// ctx is the handler's own: each update handler runs in its coroutine.
func (c *caseWF) awaitPublished(ctx workflow.Context) error {
	seq := c.st.Seq
	return workflow.Await(ctx, func() bool { return c.published >= seq })
}

// shortActivity is for the read model and look-ups: retried with backoff
// until Redis or the plan answers, never given up on, and at most half a
// minute after it answers again (retry policies are not compared on
// replay).
var shortActivity = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 30 * time.Second},
}
