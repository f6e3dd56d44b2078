// Package eviction is eviction prevention (kind "eviction-case"): each
// tenancy on a housing organisation's arrears list becomes one durable
// EvictionCase, keyed by the tenancy's pseudonymous id, that moves from
// arrears through outreach, budget counselling and a monitored payment
// plan to resolved — or, when an instalment is missed or an operator
// escalates, through the legal clock (påkrav, 14 days to pay, termination,
// bailiff court with the kommune notified under almenlejeloven § 92) to an
// outcome, averted or evicted. When a tenancy's case has closed, the next
// list line (or an operator) opens a new case for it under the same
// workflow ID: its next episode, linked to the one before.
//
// Contact details travel only inside the (encrypted) workflow payloads:
// never in workflow IDs, search attributes, logs, Redis or metrics.
//
// This package is the deterministic part: the workflows, their types, the
// legal clock and the other rules, the operator-input validator and the
// Danish texts. The side effects (the arrears importer and inbox, the API,
// the Redis read model, the metrics, the run kind) are in
// helhed/adapters/eviction.
package eviction

import (
	"time"

	"helhed/arrears"
	"helhed/plan"
	"helhed/workflows"
	"helhed/workflows/eviction/legal"
)

// Kind is the run kind and the HelhedKind search attribute.
const Kind = "eviction-case"

// Registered names. The activities are methods of the adapter's
// Activities (helhed/adapters/eviction), registered with the prefix
// "eviction." so they cannot collide with other capabilities' methods;
// the workflows call them by these names.
const (
	WorkflowName      = "EvictionCase"
	InboxWorkflowName = "EvictionInboxScan"
	// InboxWatchWorkflowName waits for complete files in the inbox and
	// runs an EvictionInboxScan for each batch (InboxWatch).
	InboxWatchWorkflowName = "EvictionInboxWatch"

	ActivityPrefix   = "eviction."
	actResolve       = ActivityPrefix + "Resolve"
	actPublish       = ActivityPrefix + "Publish"
	actForget        = ActivityPrefix + "Forget"
	actKommuneNotice = ActivityPrefix + "KommuneNotice"
	actDemandReceipt = ActivityPrefix + "DemandReceipt"
	actScanInbox     = ActivityPrefix + "ScanInbox"
	actAwaitInbox    = ActivityPrefix + "AwaitInbox"
	// actSendMail is the shared e-mail activity.
	actSendMail = workflows.ActivitySendMail
)

// Signal, query and update names.
const (
	SignalList = "arrears-list" // ListEntry: the tenancy is on a list
	QueryState = "state"        // → State

	UpdateOutreach    = "outreach"     // OutreachArg
	UpdatePaymentPlan = "payment-plan" // PaymentPlanArg
	UpdatePayment     = "payment"      // PaymentArg
	UpdateEscalate    = "escalate"     // EscalateArg
	UpdateDemand      = "demand"       // DemandArg: påkrav sent
	UpdateTerminate   = "terminate"    // DateArg: ophævelse
	UpdateCourt       = "court"        // DateArg: begæring til fogedretten
	UpdateOutcome     = "outcome"      // OutcomeArg
	UpdateResolve     = "resolve"      // ResolveArg: arrears cleared
	// UpdateRetryNotice sends the § 92 notice again after it failed
	// (RetryNoticeArg), under the same idempotency key.
	UpdateRetryNotice = "retry-kommune-notice"
)

// ErrTypeNoKommuneContact is the error type of a § 92 notice that cannot
// be composed because the plan names no municipal partner: the
// KommuneNotice activity fails with it, without retries.
const ErrTypeNoKommuneContact = "NoKommuneContact"

// WorkflowID is the case's workflow ID: the kind and the tenancy's
// pseudonymous id, never a tenancy number or a name.
func WorkflowID(tenancyID string) string { return Kind + "/" + tenancyID }

// Stage is where a case stands.
type Stage string

// Stages, in the order a case moves through them.
const (
	StageArrears     Stage = "arrears"
	StageOutreach    Stage = "outreach"
	StageCounselling Stage = "counselling"
	StagePaymentPlan Stage = "payment_plan"
	StageResolved    Stage = "resolved"
	StageEscalated   Stage = "escalated"
)

// Stages lists every stage.
var Stages = []Stage{StageArrears, StageOutreach, StageCounselling, StagePaymentPlan, StageResolved, StageEscalated}

// StageTitles are the stages' Danish names.
var StageTitles = map[string]string{
	string(StageArrears):     "Restance",
	string(StageOutreach):    "Opsøgende kontakt",
	string(StageCounselling): "Økonomisk rådgivning",
	string(StagePaymentPlan): "Afdragsordning",
	string(StageResolved):    "Afsluttet: restancen betalt",
	string(StageEscalated):   "Juridisk forløb",
}

// Outreach outcomes and case outcomes.
const (
	ContactMade = "contact_made"
	NotReached  = "not_reached"

	OutcomeAverted = "averted"
	OutcomeEvicted = "evicted"
)

// OutreachTitles are the outreach outcomes' Danish names.
var OutreachTitles = map[string]string{ContactMade: "Kontakt opnået", NotReached: "Ikke truffet"}

// OutcomeTitles are the case outcomes' Danish names.
var OutcomeTitles = map[string]string{OutcomeAverted: "Afværget", OutcomeEvicted: "Udsat (effektiv udsættelse)"}

// Instalment statuses.
const (
	InstalmentPending = "pending"
	InstalmentKept    = "kept"
	InstalmentMissed  = "missed"
)

// OutreachWeekdays is the housing-social worker's time to reach the
// tenant, from the list (or from a failed attempt), in weekdays (package
// workdays).
const OutreachWeekdays = 5

// The legal clocks. The hverdag clock (package legal) counts to the day
// as the rent acts do. Cases whose legal clock started before it keep the
// weekday clock they were shown (workflow.GetVersion), so their histories
// replay; their påkrav is still refused before the hverdag clock allows.
const (
	ClockWeekdays = 0 // Monday–Friday weekdays (package workdays)
	ClockHverdage = 1 // package legal; also the workflow.GetVersion version
)

// Money and Contact are the arrears list's.
type (
	Money   = arrears.Money
	Contact = arrears.Contact
)

// CaseInput is what an operator gives to open a case (the run kind's
// input).
type CaseInput struct {
	workflows.By
	Organisation  string    `json:"organisation" label:"Boligorganisation"` // plan id, name or alias
	Department    string    `json:"department" label:"Afdeling"`
	TenancyNumber string    `json:"tenancyNumber" label:"Lejemålsnummer"`
	Contact       Contact   `json:"contact" label:"Kontakt (navn, adresse, telefon)"`
	Arrears       Money     `json:"arrears" label:"Restance (kr.)"`
	DueDate       plan.Date `json:"dueDate" label:"Ældste ubetalte forfaldsdato" help:"yyyy-mm-dd"`
	Reminders     int       `json:"reminders,omitempty" label:"Rykkere sendt"`
}

// Input starts the workflow: a CaseInput (its fields at the top level of
// the JSON, so an operator's CaseInput decodes as an Input), plus List when
// the importer opens the case or State when a run continues as new.
// Previous is set by the importer when the tenancy's last case has closed:
// this case is the next episode. (An operator's case finds it with the
// Resolve activity.)
type Input struct {
	CaseInput
	List     *ListEntry    `json:"list,omitempty"`
	State    *State        `json:"state,omitempty"`
	Previous *PreviousCase `json:"previous,omitempty"`
}

// PreviousCase links a case to the tenancy's case before it, which had
// closed when a new list line came. The workflow ID is the same (it is
// the tenancy's); the case and run IDs tell the two apart.
type PreviousCase struct {
	CaseID string `json:"caseId"`
	RunID  string `json:"runId"` // the run that closed
	// Episode is the previous case's episode number; 0 when it could not
	// be read (a run that failed or was cancelled and cannot be queried).
	Episode int       `json:"episode,omitempty"`
	Closed  plan.Date `json:"closed,omitempty"`
}

// ListEntry is one tenancy's line on one arrears list, signalled to its
// case. ListID identifies the list, so a list imported twice changes
// nothing.
type ListEntry struct {
	ListID        string    `json:"listId"`
	ListDate      plan.Date `json:"listDate"`
	PlanID        string    `json:"planId"`
	Organisation  string    `json:"organisation"` // plan id
	Owner         string    `json:"owner"`        // the organisation's administrator (plan partner id)
	Department    string    `json:"department"`
	Area          string    `json:"area"`
	TenancyNumber string    `json:"tenancyNumber"`
	Contact       Contact   `json:"contact"`
	Arrears       Money     `json:"arrears"`
	DueDate       plan.Date `json:"dueDate"`
	Reminders     int       `json:"reminders"`
}

// State is the whole case, as the state query returns it. It holds the
// contact, so it only ever travels encrypted.
type State struct {
	CaseID        string    `json:"caseId"` // the first run's ID: stable across continue-as-new
	TenancyID     string    `json:"tenancyId"`
	Stage         Stage     `json:"stage"`
	PlanID        string    `json:"planId"`
	Organisation  string    `json:"organisation"`
	Owner         string    `json:"owner"` // partner id of the housing-social worker's organisation
	Department    string    `json:"department"`
	Area          string    `json:"area"`
	TenancyNumber string    `json:"tenancyNumber"`
	Contact       Contact   `json:"contact"`
	Arrears       Money     `json:"arrears"` // latest known
	DueDate       plan.Date `json:"dueDate"` // latest list's oldest unpaid due date
	Reminders     int       `json:"reminders"`
	OpenedAt      time.Time `json:"openedAt"`
	// FirstList is the date the case starts from: its first list, or the
	// day an operator opened it.
	FirstList plan.Date `json:"firstList"`
	// Lists are the lists the tenancy was on, and Steps what happened,
	// newest kept: EarlierLists and EarlierSteps count those dropped to
	// keep the state small (changeCompactState).
	Lists        []ListRecord `json:"lists,omitempty"`
	EarlierLists int          `json:"earlierLists,omitempty"`
	EarlierSteps int          `json:"earlierSteps,omitempty"`
	Outreach     Outreach     `json:"outreach"`
	Counselling  *Counselling `json:"counselling,omitempty"`
	Plan         *PaymentPlan `json:"paymentPlan,omitempty"`
	Payments     []Payment    `json:"payments,omitempty"`
	Legal        *Legal       `json:"legal,omitempty"`
	Outcome      string       `json:"outcome,omitempty"`
	ClosedOn     plan.Date    `json:"closedOn,omitempty"`
	Transitions  []Transition `json:"transitions"`
	Steps        []Step       `json:"steps"`
	Seq          int          `json:"seq"` // bumps on every change; orders read-model writes
	Origin       string       `json:"origin"`
	Runs         int          `json:"runs"` // runs so far (continue-as-new)
	// Episode counts the tenancy's cases: 1 for its first, 2 for the case
	// a list line opened after the first had closed, and so on (0 in cases
	// opened before episodes were counted: first cases). Previous links
	// the case before.
	Episode  int           `json:"episode,omitempty"`
	Previous *PreviousCase `json:"previous,omitempty"`

	// Filled by the state query for the operator layer (runs.Kind
	// conventions): the open tasks and the Updates the stage accepts.
	OpenTasks []workflows.OpenTask `json:"openTasks,omitempty"`
	Accepts   []string             `json:"accepts,omitempty"`
}

// ResolveInput names an operator's tenancy as written.
type ResolveInput struct {
	Organisation string `json:"organisation"`
	Department   string `json:"department"`
}

// Resolved is the tenancy's place in the plan, and its case that closed
// before this one (nil: none, or not looked up).
type Resolved struct {
	PlanID       string        `json:"planId"`
	Organisation string        `json:"organisation"` // plan id
	Owner        string        `json:"owner"`        // the organisation's administrator partner
	Area         string        `json:"area"`
	Previous     *PreviousCase `json:"previous,omitempty"`
}

// ListRecord is one list the tenancy was on.
type ListRecord struct {
	ListID     string    `json:"listId"`
	ListDate   plan.Date `json:"listDate"`
	Arrears    Money     `json:"arrears"`
	DueDate    plan.Date `json:"dueDate"`
	Reminders  int       `json:"reminders"`
	ReceivedAt time.Time `json:"receivedAt"`
}

// Outreach is the housing-social worker's task.
type Outreach struct {
	Due       plan.Date `json:"due"`
	Attempts  []Attempt `json:"attempts,omitempty"`
	ContactOn plan.Date `json:"contactOn,omitempty"` // first contact
}

// Attempt is one recorded outreach.
type Attempt struct {
	Outcome string    `json:"outcome"`
	On      plan.Date `json:"on"`
	At      time.Time `json:"at"`
	Note    string    `json:"note,omitempty"`
}

// Counselling is the budget counselling course (rådgivningsforløb).
type Counselling struct {
	StartedOn plan.Date `json:"startedOn"`
}

// PaymentPlan is the afdragsordning.
type PaymentPlan struct {
	AgreedOn    plan.Date    `json:"agreedOn"`
	AgreedAt    time.Time    `json:"agreedAt"`
	Base        Money        `json:"base"` // the arrears the plan pays off
	Instalments []Instalment `json:"instalments"`
}

// Instalment is one agreed payment. CheckOn is when it is judged: the
// day a påkrav could be sent for it.
type Instalment struct {
	Due     plan.Date `json:"due"`
	Amount  Money     `json:"amount"`
	CheckOn plan.Date `json:"checkOn"`
	Status  string    `json:"status"`
}

// Payment is a payment an operator recorded.
type Payment struct {
	On     plan.Date `json:"on"`
	Amount Money     `json:"amount"`
	At     time.Time `json:"at"`
}

// Legal is the legal clock of an escalated case. On the hverdag clock
// every date has its reason in Danish beside it (the …Reason fields:
// generated text with dates only, unlike Reason, the operator's free
// text).
type Legal struct {
	Reason    string    `json:"reason,omitempty"` // free text: state only, never the read model
	StartedAt time.Time `json:"startedAt"`
	StartedOn plan.Date `json:"startedOn"`
	Amount    Money     `json:"amount"` // what must be paid to avert it
	// Clock is ClockWeekdays (absent) or ClockHverdage.
	Clock                int          `json:"clock,omitempty"`
	DueDate              plan.Date    `json:"dueDate"` // the unpaid due date the clock runs from
	LastDayToPay         plan.Date    `json:"lastDayToPay,omitempty"`
	LastDayToPayReason   string       `json:"lastDayToPayReason,omitempty"`
	DemandEarliest       plan.Date    `json:"demandEarliest"`
	DemandEarliestReason string       `json:"demandEarliestReason,omitempty"`
	DemandSentOn         plan.Date    `json:"demandSentOn,omitempty"`
	DemandMethod         legal.Method `json:"demandMethod,omitempty"`
	// DemandReceivedOn is the recorded receipt, or the plan's assumption
	// for the method; the tenant's 14 days count from it.
	DemandReceivedOn          plan.Date `json:"demandReceivedOn,omitempty"`
	DemandReceivedReason      string    `json:"demandReceivedReason,omitempty"`
	Deadline                  plan.Date `json:"deadline,omitempty"` // last day to pay after the påkrav
	DeadlineReason            string    `json:"deadlineReason,omitempty"`
	DeadlinePassed            bool      `json:"deadlinePassed,omitempty"`
	TerminationEarliest       plan.Date `json:"terminationEarliest,omitempty"`
	TerminationEarliestReason string    `json:"terminationEarliestReason,omitempty"`
	TerminatedOn              plan.Date `json:"terminatedOn,omitempty"`
	KommuneNotifiedOn         plan.Date `json:"kommuneNotifiedOn,omitempty"`
	// KommuneNoticeFailedOn is the day the § 92 notice was given up on (its
	// send failed for NoticeRetryWindow, or it could not be composed), and
	// KommuneNoticeFailure says why in Danish (generated text, no personal
	// data). The case then waits for an operator to send it again
	// (UpdateRetryNotice), which clears both.
	KommuneNoticeFailedOn plan.Date `json:"kommuneNoticeFailedOn,omitempty"`
	KommuneNoticeFailure  string    `json:"kommuneNoticeFailure,omitempty"`
	CourtRequestedOn      plan.Date `json:"courtRequestedOn,omitempty"`
}

// Transition is one change of stage.
type Transition struct {
	From  Stage     `json:"from"` // "" for the opening
	To    Stage     `json:"to"`
	At    time.Time `json:"at"`
	Cause string    `json:"cause,omitempty"` // free text: state only, never the read model
}

// Step is one thing that happened, timestamped: list received, operator
// step, timer, notification.
type Step struct {
	At   time.Time `json:"at"`
	Step string    `json:"step"`
	On   plan.Date `json:"on,omitempty"`
	// By is the person whose Update (or opening of the case) took the
	// step (changeDecisionsBy); nil for the process's own steps (lists,
	// timers, notices) and in cases recorded before.
	By *workflows.Actor `json:"by,omitempty"`
}

// Update arguments. A zero date means today (Europe/Copenhagen).

// OutreachArg records an outreach attempt.
type OutreachArg struct {
	workflows.By
	Outcome string    `json:"outcome" label:"Resultat"` // contact_made | not_reached
	On      plan.Date `json:"on,omitempty" label:"Dato" help:"tom = i dag"`
	Note    string    `json:"note,omitempty" label:"Note" form:"textarea"`
}

// PaymentPlanArg records an agreed payment plan.
type PaymentPlanArg struct {
	workflows.By
	AgreedOn    plan.Date        `json:"agreedOn,omitempty" label:"Aftalt den" help:"tom = i dag"`
	Instalments []InstalmentSpec `json:"instalments" label:"Rater"`
}

// InstalmentSpec is one instalment as agreed.
type InstalmentSpec struct {
	Due    plan.Date `json:"due" label:"Forfalder"`
	Amount Money     `json:"amount" label:"Beløb (kr.)"`
}

// PaymentArg records a payment.
type PaymentArg struct {
	workflows.By
	On     plan.Date `json:"on,omitempty" label:"Betalt den" help:"tom = i dag"`
	Amount Money     `json:"amount" label:"Beløb (kr.)"`
}

// EscalateArg starts the legal clock by an operator's decision. DueDate
// defaults to the case's oldest unpaid due date.
type EscalateArg struct {
	workflows.By
	Reason  string    `json:"reason" label:"Begrundelse" form:"textarea"`
	DueDate plan.Date `json:"dueDate,omitempty" label:"Ubetalt forfaldsdato" help:"tom = sagens ældste forfaldsdato"`
}

// DateArg records a dated legal step.
type DateArg struct {
	workflows.By
	On plan.Date `json:"on,omitempty" label:"Dato" help:"tom = i dag"`
}

// DemandArg records the påkrav: the day and the way it was sent, and the
// day the tenant received it when a delivery receipt says so. (Cases of
// the weekday clock sent {"on"} only; it decodes as a DemandArg.)
type DemandArg struct {
	workflows.By
	On         plan.Date    `json:"on,omitempty" label:"Sendt den" help:"tom = i dag"`
	Method     legal.Method `json:"method" label:"Sendt som"` // digital_post | quickbrev | letter
	ReceivedOn plan.Date    `json:"receivedOn,omitempty" label:"Modtaget den" help:"fra en kvittering; tom = antaget efter forsendelsesmåden (planens antagelser)"`
}

// OutcomeArg closes an escalated case.
type OutcomeArg struct {
	workflows.By
	Outcome string    `json:"outcome" label:"Udfald"` // averted | evicted
	On      plan.Date `json:"on,omitempty" label:"Dato" help:"tom = i dag"`
}

// RetryNoticeArg sends a failed § 92 notice again.
type RetryNoticeArg struct {
	workflows.By
	// Note is the operator's remark, e.g. what was fixed (optional).
	Note string `json:"note,omitempty" label:"Bemærkning" help:"fx hvad der er rettet, før underretningen sendes igen" form:"textarea"`
}

// ResolveArg closes a case whose arrears are cleared.
type ResolveArg struct {
	workflows.By
	On     plan.Date `json:"on,omitempty" label:"Dato" help:"tom = i dag"`
	Reason string    `json:"reason,omitempty" label:"Bemærkning" form:"textarea"`
}
