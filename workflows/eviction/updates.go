package eviction

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/mail"
	"helhed/plan"
	"helhed/workflows"
	"helhed/workflows/eviction/legal"
)

// maxNote bounds operators' free text (notes, reasons), which stays in
// the encrypted history and never reaches the read model.
const maxNote = 1000

// register installs the state query and the operator updates. Each update
// has a validator, so a refused step leaves no trace in history.
func (c *caseWF) register() error {
	if err := workflow.SetQueryHandler(c.ctx, QueryState, c.query); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	for _, u := range []struct {
		name               string
		handler, validator any
	}{
		{UpdateOutreach, c.onOutreach, c.validateOutreach},
		{UpdatePaymentPlan, c.onPaymentPlan, c.validatePaymentPlan},
		{UpdatePayment, c.onPayment, c.validatePayment},
		{UpdateEscalate, c.onEscalate, c.validateEscalate},
		{UpdateDemand, c.onDemand, c.validateDemand},
		{UpdateTerminate, c.onTerminate, c.validateTerminate},
		{UpdateCourt, c.onCourt, c.validateCourt},
		{UpdateOutcome, c.onOutcome, c.validateOutcome},
		{UpdateResolve, c.onResolve, c.validateResolve},
		{UpdateRetryNotice, c.onRetryNotice, c.validateRetryNotice},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(c.ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return fmt.Errorf("register update %s: %w", u.name, err)
		}
	}
	return nil
}

// done is what every handler returns: the public view once the read model
// holds the change.
func (c *caseWF) done(ctx workflow.Context) (View, error) {
	c.decidedBy(ctx, nil)
	if err := c.awaitPublished(ctx); err != nil {
		return View{}, err
	}
	return NewView(c.st, workflow.GetInfo(c.ctx).WorkflowExecution.ID), nil
}

// inStage refuses a step outside the stages it belongs to.
func (c *caseWF) inStage(step string, stages ...Stage) error {
	if !c.ready {
		return errors.New("sagen er ved at blive oprettet; prøv igen om et øjeblik")
	}
	if c.closed() {
		return fmt.Errorf("sagen er afsluttet (%s)", c.closedAs())
	}
	if !slices.Contains(stages, c.st.Stage) {
		return fmt.Errorf("%s kan ikke registreres nu (fase: %s)", step, StageTitles[string(c.st.Stage)])
	}
	return nil
}

// stillAllowed is allowed(update) again, in update's handler. Temporal
// runs an update's validator when the update arrives and its handler
// after; another update's handler (or the main loop on a timer) that ran
// in between, or while the handler waited for an activity, may have moved
// the case. The refusal is the validator's, returned by the handler.
// Handlers run on replay, so from changeHandlerRecheck on, allowed is part
// of the workflow's deterministic path: change what it refuses only under
// a new workflow.GetVersion.
func (c *caseWF) stillAllowed(ctx workflow.Context, update string) error {
	if workflow.GetVersion(ctx, changeHandlerRecheck, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	return c.allowed(update)
}

// allowed says whether the case's stage takes an update now (whatever its
// argument). Validators start with it; the state query's "accepts" lists
// the updates it allows.
func (c *caseWF) allowed(update string) error {
	l := c.st.Legal
	switch update {
	case UpdateOutreach:
		return c.inStage("opsøgende kontakt", StageArrears, StageOutreach)
	case UpdatePaymentPlan:
		return c.inStage("en afdragsordning", StageCounselling)
	case UpdatePayment:
		return c.inStage("en indbetaling", append(openStages, StageEscalated)...)
	case UpdateEscalate:
		return c.inStage("en eskalering", openStages...)
	case UpdateResolve:
		return c.inStage("indfrielse af restancen", openStages...)
	case UpdateOutcome:
		return c.inStage("et udfald", StageEscalated)
	case UpdateDemand:
		if err := c.inStage("et påkrav", StageEscalated); err != nil {
			return err
		}
		switch {
		case c.demandPending:
			return errors.New("påkravet er ved at blive registreret; prøv igen om et øjeblik")
		case !l.DemandSentOn.IsZero():
			return fmt.Errorf("påkravet er allerede registreret som sendt den %s", l.DemandSentOn)
		}
	case UpdateTerminate:
		if err := c.inStage("en ophævelse", StageEscalated); err != nil {
			return err
		}
		switch {
		case l.DemandSentOn.IsZero():
			return errors.New("registrér påkravet først: et lejemål ophæves først efter påkrav og betalingsfrist")
		case !l.TerminatedOn.IsZero():
			return fmt.Errorf("lejemålet er allerede registreret som ophævet den %s", l.TerminatedOn)
		case c.today().Before(l.terminationFrom().Date):
			return fmt.Errorf("betalingsfristen løber til og med %s; ophævelsen kan registreres %s", danish.LongDate(l.Deadline), l.terminationFrom().Reason)
		}
	case UpdateCourt:
		if err := c.inStage("en begæring til fogedretten", StageEscalated); err != nil {
			return err
		}
		switch {
		case l.TerminatedOn.IsZero():
			return errors.New("registrér ophævelsen først")
		case l.KommuneNotifiedOn.IsZero():
			return errors.New("kommunen er endnu ikke underrettet (almenlejeloven § 92); vent, til underretningen er sendt")
		case !l.CourtRequestedOn.IsZero():
			return fmt.Errorf("begæringen til fogedretten er allerede registreret den %s", l.CourtRequestedOn)
		}
	case UpdateRetryNotice:
		if err := c.inStage("en ny underretning af kommunen", StageEscalated); err != nil {
			return err
		}
		switch {
		case l.TerminatedOn.IsZero():
			return errors.New("lejemålet er ikke registreret som ophævet; kommunen underrettes, når ophævelsen registreres")
		case !l.KommuneNotifiedOn.IsZero():
			return fmt.Errorf("kommunen er allerede underrettet den %s (almenlejeloven § 92)", l.KommuneNotifiedOn)
		case c.noticePending:
			return errors.New("underretningen af kommunen er ved at blive sendt; vent, til den er sendt eller mislykket")
		}
	default:
		return fmt.Errorf("ukendt handling %q", update)
	}
	return nil
}

// updateNames are the operator updates in the order pages show them.
var updateNames = []string{UpdateOutreach, UpdatePaymentPlan, UpdatePayment, UpdateEscalate, UpdateDemand,
	UpdateTerminate, UpdateRetryNotice, UpdateCourt, UpdateOutcome, UpdateResolve}

// query is the state query: the state plus the open tasks and the updates
// the stage accepts now.
func (c *caseWF) query() (State, error) {
	st := c.st
	st.Accepts = []string{}
	for _, u := range updateNames {
		if c.allowed(u) == nil {
			st.Accepts = append(st.Accepts, u)
		}
	}
	st.OpenTasks = c.openTasks()
	return st, nil
}

// openTasks are the case's next tasks for the operator pages; owners are
// partner ids (the housing organisation's administrator), never people.
func (c *caseWF) openTasks() []workflows.OpenTask {
	if c.closed() {
		return nil
	}
	task := func(name, title string, due plan.Date) []workflows.OpenTask {
		return []workflows.OpenTask{{Name: name, Title: title, Owner: c.st.Owner, Due: due.String()}}
	}
	switch c.st.Stage {
	case StageOutreach:
		return task(UpdateOutreach, "Opsøgende kontakt til lejer", c.st.Outreach.Due)
	case StageCounselling:
		return task(UpdatePaymentPlan, "Økonomisk rådgivning og afdragsordning", plan.Date{})
	case StagePaymentPlan:
		return task(UpdatePayment, "Følg afdragsordningen", nextDue(c.st))
	case StageEscalated:
		l := c.st.Legal
		switch {
		case l.DemandSentOn.IsZero():
			from := l.demandFrom()
			return task(UpdateDemand, "Send påkrav, "+from.Reason, from.Date)
		case l.TerminatedOn.IsZero():
			return task(UpdateTerminate, "Betalingsfrist til og med "+danish.LongDate(l.Deadline)+"; ophævelse "+l.terminationFrom().Reason, l.Deadline)
		case c.allowed(UpdateRetryNotice) == nil:
			return task(UpdateRetryNotice, NoticeFailedTitle, plan.Date{})
		case l.CourtRequestedOn.IsZero():
			return task(UpdateCourt, "Begæring om udsættelse til fogedretten", plan.Date{})
		default:
			return task(UpdateOutcome, "Registrér udfaldet", plan.Date{})
		}
	}
	return nil
}

// closedAs names a closed case's stage and outcome in Danish.
func (c *caseWF) closedAs() string {
	s := "fase: " + StageTitles[string(c.st.Stage)]
	if c.st.Outcome != "" {
		s += ", udfald: " + OutcomeTitles[c.st.Outcome]
	}
	return s
}

// dateOr is d, or today when d is zero.
func (c *caseWF) dateOr(d plan.Date) plan.Date {
	if d.IsZero() {
		return c.today()
	}
	return d
}

// checkDate refuses a date in the future or before the case began.
func (c *caseWF) checkDate(field string, d plan.Date) error {
	d = c.dateOr(d)
	switch {
	case d.After(c.today()):
		return invalid(field, "%s ligger i fremtiden", d)
	case d.Before(c.st.FirstList):
		return invalid(field, "%s ligger før sagens start (%s)", d, c.st.FirstList)
	}
	return nil
}

// invalid is a bad argument: the run layer answers 400 naming field.
// Other validator errors mean the stage refuses the update (409).
func invalid(field, format string, args ...any) error {
	return fielderr.Invalid(field, fmt.Sprintf(format, args...))
}

func checkNote(field, s string) error {
	if len(s) > maxNote {
		return invalid(field, "højst %d tegn", maxNote)
	}
	return nil
}

var openStages = []Stage{StageArrears, StageOutreach, StageCounselling, StagePaymentPlan}

// --- outreach ---

func (c *caseWF) validateOutreach(_ workflow.Context, a OutreachArg) error {
	if err := c.allowed(UpdateOutreach); err != nil {
		return err
	}
	if a.Outcome != ContactMade && a.Outcome != NotReached {
		return invalid("outcome", "skal være %q (%s) eller %q (%s)", ContactMade, OutreachTitles[ContactMade], NotReached, OutreachTitles[NotReached])
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	return checkNote("note", a.Note)
}

func (c *caseWF) onOutreach(ctx workflow.Context, a OutreachArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateOutreach); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	on := c.dateOr(a.On)
	c.st.Outreach.Attempts = append(c.st.Outreach.Attempts, Attempt{Outcome: a.Outcome, On: on, At: workflow.Now(ctx), Note: a.Note})
	if a.Outcome == ContactMade {
		c.st.Outreach.ContactOn = on
		c.st.Counselling = &Counselling{StartedOn: on}
		c.transition(StageCounselling, "contact made; budget counselling started")
	} else {
		c.st.Outreach.Due = OutreachDue(c.today())
		c.change("outreach: not reached; try again by "+c.st.Outreach.Due.String(), on)
	}
	return c.done(ctx)
}

// --- payment plan and payments ---

func (c *caseWF) validatePaymentPlan(_ workflow.Context, a PaymentPlanArg) error {
	if err := c.allowed(UpdatePaymentPlan); err != nil {
		return err
	}
	if err := c.checkDate("agreedOn", a.AgreedOn); err != nil {
		return err
	}
	agreed := c.dateOr(a.AgreedOn)
	if len(a.Instalments) == 0 || len(a.Instalments) > 60 {
		return invalid("instalments", "angiv mellem 1 og 60 rater")
	}
	var sum Money
	for i, in := range a.Instalments {
		switch {
		case in.Due.IsZero():
			return invalid(fmt.Sprintf("instalments[%d].due", i), "skal udfyldes")
		case in.Due.Before(agreed):
			return invalid(fmt.Sprintf("instalments[%d].due", i), "%s ligger før aftalen (%s)", in.Due, agreed)
		case i > 0 && !in.Due.After(a.Instalments[i-1].Due):
			return invalid(fmt.Sprintf("instalments[%d].due", i), "%s ligger ikke efter den forrige rate", in.Due)
		case in.Amount <= 0:
			return invalid(fmt.Sprintf("instalments[%d].amount", i), "skal være større end 0 kr.")
		}
		sum += in.Amount
	}
	if sum < c.st.Arrears {
		return invalid("instalments", "raterne giver tilsammen %s, mindre end restancen på %s", sum, c.st.Arrears)
	}
	return nil
}

func (c *caseWF) onPaymentPlan(ctx workflow.Context, a PaymentPlanArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdatePaymentPlan); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	pl := &PaymentPlan{AgreedOn: c.dateOr(a.AgreedOn), AgreedAt: workflow.Now(ctx), Base: c.st.Arrears}
	clock := clockAt(ctx, changeInstalmentCheck)
	for _, in := range a.Instalments {
		pl.Instalments = append(pl.Instalments, Instalment{Due: in.Due, Amount: in.Amount, CheckOn: instalmentCheckOn(clock, in.Due), Status: InstalmentPending})
	}
	c.st.Plan = pl
	c.transition(StagePaymentPlan, fmt.Sprintf("payment plan agreed: %d instalment(s)", len(pl.Instalments)))
	return c.done(ctx)
}

func (c *caseWF) validatePayment(_ workflow.Context, a PaymentArg) error {
	if err := c.allowed(UpdatePayment); err != nil {
		return err
	}
	if a.Amount <= 0 {
		return invalid("amount", "skal være større end 0 kr.")
	}
	return c.checkDate("on", a.On)
}

func (c *caseWF) onPayment(ctx workflow.Context, a PaymentArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdatePayment); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	on := c.dateOr(a.On)
	c.st.Payments = append(c.st.Payments, Payment{On: on, Amount: a.Amount, At: workflow.Now(ctx)})
	c.change("payment of "+a.Amount.String(), on)
	c.settle()
	return c.done(ctx)
}

// --- the legal clock ---

func (c *caseWF) validateEscalate(_ workflow.Context, a EscalateArg) error {
	if err := c.allowed(UpdateEscalate); err != nil {
		return err
	}
	if a.Reason == "" {
		return invalid("reason", "angiv en begrundelse for eskaleringen")
	}
	if err := checkNote("reason", a.Reason); err != nil {
		return err
	}
	due := a.DueDate
	if due.IsZero() {
		due = c.st.DueDate
	}
	if due.IsZero() || due.After(c.today()) {
		return invalid("dueDate", "angiv den ubetalte forfaldsdato, som de juridiske frister regnes fra (ikke i fremtiden)")
	}
	return nil
}

func (c *caseWF) onEscalate(ctx workflow.Context, a EscalateArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateEscalate); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	due := a.DueDate
	if due.IsZero() {
		due = c.st.DueDate
	}
	amount := c.st.Arrears
	if c.st.Stage == StagePaymentPlan {
		amount = c.st.Plan.Base - c.paidTowardPlan()
	}
	c.escalate("operator: "+a.Reason, due, amount)
	return c.done(ctx)
}

// validateDemand refuses a påkrav dated before the law allows, naming the
// first allowed day and why, and a receipt that is not a date between
// sending and today. The way of sending is required on the hverdag clock.
func (c *caseWF) validateDemand(_ workflow.Context, a DemandArg) error {
	if err := c.allowed(UpdateDemand); err != nil {
		return err
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	l, sent := c.st.Legal, c.dateOr(a.On)
	if from := l.demandFrom(); sent.Before(from.Date) {
		return invalid("on", "påkravet kan ikke sendes %s; det kan sendes %s", danish.LongDate(sent), from.Reason)
	}
	if (a.Method != "" || l.Clock == ClockHverdage) && !slices.Contains(legal.Methods, a.Method) {
		ways := make([]string, len(legal.Methods))
		for i, m := range legal.Methods {
			ways[i] = fmt.Sprintf("%q (%s)", m, legal.MethodTitles[m])
		}
		return invalid("method", "angiv, hvordan påkravet er sendt: %s; modtagelsen og betalingsfristen regnes ud fra det", strings.Join(ways, ", "))
	}
	switch r := a.ReceivedOn; {
	case r.IsZero():
	case r.Before(sent):
		return invalid("receivedOn", "modtagelsen %s ligger før afsendelsen %s", danish.LongDate(r), danish.LongDate(sent))
	case r.After(c.today()):
		return invalid("receivedOn", "%s ligger i fremtiden; registrér modtagelsen, når kvitteringen foreligger, eller lad feltet stå tomt", danish.LongDate(r))
	}
	return nil
}

// onDemand records the påkrav. On the hverdag clock the deadline runs
// from receipt: the recorded one, or the plan's assumption for the way
// of sending (read by an activity, so a plan change reaches open cases).
// A case on the weekday clock keeps its deadline from sending and, so
// that its history replays, issues no new commands.
func (c *caseWF) onDemand(ctx workflow.Context, a DemandArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateDemand); err != nil {
		return View{}, err
	}
	l := c.st.Legal
	sent := c.dateOr(a.On)
	if l.Clock == ClockHverdage {
		var rules plan.DemandReceipt
		if a.ReceivedOn.IsZero() {
			c.demandPending = true
			actx := workflow.WithActivityOptions(ctx, shortActivity)
			err := workflow.ExecuteActivity(actx, actDemandReceipt).Get(ctx, &rules)
			c.demandPending = false
			if err != nil {
				return View{}, fmt.Errorf("read the plan's receipt assumptions: %w", err)
			}
			// Another update may have closed the case while the plan was read.
			if err := c.stillAllowed(ctx, UpdateDemand); err != nil {
				return View{}, err
			}
		}
		l.recordDemand(sent, a.Method, a.ReceivedOn, rules)
	} else {
		l.DemandSentOn, l.DemandMethod, l.DemandReceivedOn = sent, a.Method, a.ReceivedOn
		l.Deadline = weekdayDeadline(sent)
	}
	c.decidedBy(ctx, a.Actor) // after the plan's assumptions were read
	c.change("påkrav sent; payment deadline "+l.Deadline.String(), sent)
	return c.done(ctx)
}

func (c *caseWF) validateTerminate(_ workflow.Context, a DateArg) error {
	if err := c.allowed(UpdateTerminate); err != nil {
		return err
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	if from, on := c.st.Legal.terminationFrom(), c.dateOr(a.On); on.Before(from.Date) {
		return invalid("on", "ophævelsen kan ikke dateres %s; den kan dateres %s", danish.LongDate(on), from.Reason)
	}
	return nil
}

// onTerminate records the termination and notifies the kommune in
// writing at once, so the notice always precedes the bailiff court
// request (almenlejeloven § 92).
func (c *caseWF) onTerminate(ctx workflow.Context, a DateArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateTerminate); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	l := c.st.Legal
	l.TerminatedOn = c.dateOr(a.On)
	c.change("tenancy terminated (ophævelse)", l.TerminatedOn)
	c.decidedBy(ctx, nil) // the § 92 notice is the process's
	if workflow.GetVersion(ctx, ChangeNoticeAfterAck, workflow.DefaultVersion, 1) == 1 {
		// The termination is recorded now; the notice follows in its own
		// coroutine and retries until the mail server accepts it, so an
		// SMTP outage neither fails nor holds up the operator's step.
		c.noticePending = true
		workflow.Go(c.ctx, c.sendKommuneNotice)
		return c.done(ctx)
	}
	if err := c.notifyKommune(ctx, shortActivity); err != nil {
		return View{}, err
	}
	l.KommuneNotifiedOn = c.today()
	c.change("kommune notified in writing (almenlejeloven § 92)", l.KommuneNotifiedOn)
	return c.done(ctx)
}

// ChangeNoticeAfterAck is the GetVersion change under which the terminate
// Update returns before the § 92 notice is sent; histories recorded before
// it sent the notice inside the handler.
const ChangeNoticeAfterAck = "kommune-notice-after-ack"

// ChangeNoticeRetry is the GetVersion change under which a § 92 notice
// whose send fails for NoticeRetryWindow (or that cannot be composed) is
// recorded as failed on the case, which then takes UpdateRetryNotice;
// before it the send was retried without end, and a notice that could not
// be composed left the case waiting with nothing to do.
const ChangeNoticeRetry = "kommune-notice-retry"

// NoticeRetryWindow is how long the § 92 notice's send is retried (with
// backoff up to a minute) before the case shows the failure and waits for
// an operator to send it again. A variable so the adapter's integration
// test can shorten it.
var NoticeRetryWindow = time.Hour

// NoticeFailedTitle is the open task of a case whose § 92 notice failed.
const NoticeFailedTitle = "Underretning til kommunen mislykkedes — prøv igen"

// sendKommuneNotice sends the § 92 notice and only then records the
// kommune as notified (the court request is refused until then). A
// notice that fails for good is recorded on the case (ChangeNoticeRetry)
// and logged; the case stays un-notified until an operator's retry sends
// it.
func (c *caseWF) sendKommuneNotice(ctx workflow.Context) {
	defer func() { c.noticePending = false }()
	recordFailure := workflow.GetVersion(ctx, ChangeNoticeRetry, workflow.DefaultVersion, 1) == 1
	send := shortActivity
	if recordFailure {
		send.ScheduleToCloseTimeout = NoticeRetryWindow
	}
	l := c.st.Legal
	if err := c.notifyKommune(ctx, send); err != nil {
		workflow.GetLogger(ctx).Error("kommune notice not sent (almenlejeloven § 92)", "error", err)
		if recordFailure {
			l.KommuneNoticeFailedOn, l.KommuneNoticeFailure = c.today(), noticeFailure(err)
			c.change("kommune notice failed; waiting for an operator to send it again", l.KommuneNoticeFailedOn)
		}
		return
	}
	l.KommuneNotifiedOn = c.today()
	c.change("kommune notified in writing (almenlejeloven § 92)", l.KommuneNotifiedOn)
}

// noticeFailure says in Danish why the § 92 notice failed.
func noticeFailure(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == ErrTypeNoKommuneContact {
		return "planen nævner ingen kommunal partner, der kan underrettes; ret planen, og send underretningen igen"
	}
	return "e-mailen til kommunen blev ikke modtaget af mailserveren, heller ikke efter gentagne forsøg; send underretningen igen, når mailserveren svarer"
}

// notifyKommune composes the § 92 notice (an activity: it reads the plan's
// kommune contact) and sends it with the shared mail activity under send's
// options, keyed (NoticeKey) so a retry, or an operator's resend, does not
// send twice.
func (c *caseWF) notifyKommune(ctx workflow.Context, send workflow.ActivityOptions) error {
	var msg mail.Message
	actx := workflow.WithActivityOptions(ctx, shortActivity)
	if err := workflow.ExecuteActivity(actx, actKommuneNotice, c.noticeInput()).Get(ctx, &msg); err != nil {
		return fmt.Errorf("compose kommune notice: %w", err)
	}
	sctx := workflow.WithActivityOptions(ctx, send)
	if err := workflow.ExecuteActivity(sctx, actSendMail, msg).Get(ctx, nil); err != nil {
		return fmt.Errorf("send kommune notice: %w", err)
	}
	return nil
}

func (c *caseWF) validateRetryNotice(_ workflow.Context, _ RetryNoticeArg) error {
	return c.allowed(UpdateRetryNotice)
}

// onRetryNotice sends a failed § 92 notice again, as the termination
// does: the Update returns at once, and the case records the kommune as
// notified when the mail server has accepted the notice, or the failure
// again.
func (c *caseWF) onRetryNotice(ctx workflow.Context, a RetryNoticeArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateRetryNotice); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	l := c.st.Legal
	l.KommuneNoticeFailedOn, l.KommuneNoticeFailure = plan.Date{}, ""
	c.change("kommune notice sent again by an operator", c.today())
	c.noticePending = true
	workflow.Go(c.ctx, c.sendKommuneNotice)
	return c.done(ctx)
}

func (c *caseWF) noticeInput() NoticeInput {
	l := c.st.Legal
	return NoticeInput{
		CaseID: c.st.CaseID, TenancyID: c.st.TenancyID, PlanID: c.st.PlanID,
		Organisation: c.st.Organisation, Department: c.st.Department, Area: c.st.Area,
		TenancyNumber: c.st.TenancyNumber, Contact: c.st.Contact, Amount: l.Amount,
		DueDate: l.DueDate, DemandSentOn: l.DemandSentOn, Deadline: l.Deadline, TerminatedOn: l.TerminatedOn,
	}
}

func (c *caseWF) validateCourt(_ workflow.Context, a DateArg) error {
	if err := c.allowed(UpdateCourt); err != nil {
		return err
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	if l := c.st.Legal; c.dateOr(a.On).Before(l.KommuneNotifiedOn) || c.dateOr(a.On).Before(l.TerminatedOn) {
		return invalid("on", "begæringen til fogedretten kan ikke dateres før ophævelsen (%s) og underretningen af kommunen (%s)", l.TerminatedOn, l.KommuneNotifiedOn)
	}
	return nil
}

func (c *caseWF) onCourt(ctx workflow.Context, a DateArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateCourt); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	c.st.Legal.CourtRequestedOn = c.dateOr(a.On)
	c.change("bailiff court request (begæring om udsættelse)", c.st.Legal.CourtRequestedOn)
	return c.done(ctx)
}

func (c *caseWF) validateOutcome(_ workflow.Context, a OutcomeArg) error {
	if err := c.allowed(UpdateOutcome); err != nil {
		return err
	}
	if a.Outcome != OutcomeAverted && a.Outcome != OutcomeEvicted {
		return invalid("outcome", "skal være %q (%s) eller %q (%s)", OutcomeAverted, OutcomeTitles[OutcomeAverted], OutcomeEvicted, OutcomeTitles[OutcomeEvicted])
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	l := c.st.Legal
	if a.Outcome == OutcomeEvicted && (l.CourtRequestedOn.IsZero() || c.dateOr(a.On).Before(l.CourtRequestedOn)) {
		return invalid("outcome", "en udsættelse forudsætter en begæring til fogedretten; registrér begæringen først (og datér udsættelsen efter den)")
	}
	return nil
}

func (c *caseWF) onOutcome(ctx workflow.Context, a OutcomeArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateOutcome); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	c.setOutcome(a.Outcome, c.dateOr(a.On), "recorded by operator")
	return c.done(ctx)
}

// --- resolve ---

func (c *caseWF) validateResolve(_ workflow.Context, a ResolveArg) error {
	if err := c.allowed(UpdateResolve); err != nil {
		return err
	}
	if err := c.checkDate("on", a.On); err != nil {
		return err
	}
	return checkNote("reason", a.Reason)
}

func (c *caseWF) onResolve(ctx workflow.Context, a ResolveArg) (View, error) {
	if err := c.stillAllowed(ctx, UpdateResolve); err != nil {
		return View{}, err
	}
	c.decidedBy(ctx, a.Actor)
	if pl := c.st.Plan; pl != nil {
		for i := range pl.Instalments {
			if pl.Instalments[i].Status == InstalmentPending {
				pl.Instalments[i].Status = InstalmentKept
			}
		}
	}
	cause := "arrears cleared (recorded by operator)"
	if a.Reason != "" {
		cause += ": " + a.Reason
	}
	c.transition(StageResolved, cause)
	c.st.ClosedOn = c.dateOr(a.On)
	return c.done(ctx)
}
