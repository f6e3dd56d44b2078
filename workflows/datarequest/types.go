// Package datarequest is the partner data request (kind "data-request"): a
// durable task with a due date, reminders, escalation and a form or CSV
// upload in the partner portal. Other workflows start it as a child and get
// the accepted data back; operators start it ad hoc. The side effects (the
// activities, the read model, the portal) are in helhed/adapters/datarequest.
//
// This file is the contract other capabilities build on: keep its names
// stable.
package datarequest

import (
	"fmt"
	"time"

	"helhed/workflows"
)

// Kind is the run kind in the operator API and the HelhedKind search attribute.
const Kind = "data-request"

// WorkflowName is the registered workflow type name.
const WorkflowName = "DataRequest"

// Update, query and signal names.
const (
	UpdateSubmit   = "submit"   // partner: Submission → SubmitResult
	UpdateExtend   = "extend"   // operator: Extension
	UpdateReassign = "reassign" // operator: Reassignment
	UpdateCancel   = "cancel"   // operator: Cancellation
	QueryState     = "state"    // → State
)

// FieldType is the type of a form field or a table column.
type FieldType string

// Field types.
const (
	Integer    FieldType = "integer"
	Decimal    FieldType = "decimal"
	Percentage FieldType = "percentage" // 0–100
	Text       FieldType = "text"
	Choice     FieldType = "choice"
	DateField  FieldType = "date" // yyyy-mm-dd (dd-mm-yyyy accepted in forms)

	// Amount is a sum of money in kroner, not negative: "12.345,50",
	// "12.345 kr." (danish.ParseAmount); the canonical form is kroner with
	// a decimal point ("12345.5").
	Amount FieldType = "amount"
)

// Field is one value asked for.
type Field struct {
	Key      string    `json:"key"`   // stable ASCII id, unique in the request
	Label    string    `json:"label"` // Danish
	Help     string    `json:"help,omitempty"`
	Type     FieldType `json:"type"`
	Unit     string    `json:"unit,omitempty"`
	Required bool      `json:"required,omitempty"`
	Choices  []string  `json:"choices,omitempty"` // for Choice
	// PerArea asks for one value per area of Input.Areas; the answers are
	// keyed "<key>@<area id>".
	PerArea bool `json:"perArea,omitempty"`
	// Min and Max bound a number field's answer (integer, decimal,
	// percentage, amount) beyond its type's range (values.go: a count and
	// a decimal at least 0 unless Min says otherwise, a percentage 0–100).
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

// Column is one column of a table request.
type Column struct {
	Key      string    `json:"key"` // the CSV header expected (case-insensitive)
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	Choices  []string  `json:"choices,omitempty"`
}

// Table asks for a CSV upload with named columns.
type Table struct {
	Columns []Column `json:"columns"`
	MaxRows int      `json:"maxRows,omitempty"` // default 100,000
	// Rules are what the rows must keep beyond each cell's type: checked
	// where a file is read and by the submit validator (checkRows), so a
	// file that breaks one is refused on the form, naming its lines.
	Rules []Rule `json:"rules,omitempty"`
}

// RuleKind says what a table rule checks.
type RuleKind string

// Rule kinds.
const (
	// OneOf: the column's value is one of Allowed (case and runs of
	// spaces aside: FoldValue).
	OneOf RuleKind = "oneOf"
	// Unique: no value twice in the column (as written, after the cell's
	// own canonical form).
	Unique RuleKind = "unique"
	// AtLeast: the column's number is at least Min.
	AtLeast RuleKind = "atLeast"
	// NotAbove: the column's number is at most the number in column
	// Other of the same row.
	NotAbove RuleKind = "notAbove"
)

// Rule is one rule of a table's rows. An empty cell is left to the
// column's Required.
type Rule struct {
	Kind    RuleKind  `json:"kind"`
	Column  string    `json:"column"`            // a column key
	Other   string    `json:"other,omitempty"`   // NotAbove: the column key compared with
	Min     float64   `json:"min,omitempty"`     // AtLeast
	Allowed []Allowed `json:"allowed,omitempty"` // OneOf
}

// Allowed is one value a OneOf rule takes: Name as the partner is shown
// it, and Also, other spellings taken for it (an id, aliases).
type Allowed struct {
	Name string   `json:"name"`
	Also []string `json:"also,omitempty"`
}

// ReminderPolicy sets when reminders and the escalation go out, counted in
// Danish weekdays (package workdays) relative to the due date.
type ReminderPolicy struct {
	BeforeDue     []int `json:"beforeDue"`     // weekdays before due, default [3]
	OnDue         bool  `json:"onDue"`         // default true
	AfterDue      []int `json:"afterDue"`      // weekdays after due, default [2]
	EscalateAfter int   `json:"escalateAfter"` // weekdays after due, default 5; to the secretariat
}

// DefaultReminders is the policy when Input.Reminders is nil.
func DefaultReminders() ReminderPolicy {
	return ReminderPolicy{BeforeDue: []int{3}, OnDue: true, AfterDue: []int{2}, EscalateAfter: 5}
}

// Input starts a request. Exactly one of Fields and Table is set.
type Input struct {
	// RequestID is the business key, e.g. "meeting-2026-05-06/skole-x";
	// the workflow ID is WorkflowID(RequestID). No personal data.
	RequestID    string          `json:"requestId"`
	Partner      string          `json:"partner"`           // plan partner id
	Contact      string          `json:"contact,omitempty"` // e-mail; default the partner's plan contact
	Title        string          `json:"title"`             // Danish
	Instructions string          `json:"instructions"`      // Danish
	Period       string          `json:"period,omitempty"`  // what it covers, e.g. "2026 Q1" or "2025-26"
	Areas        []string        `json:"areas,omitempty"`   // plan area ids for PerArea fields
	Due          string          `json:"due"`               // yyyy-mm-dd, Europe/Copenhagen end of day
	Fields       []Field         `json:"fields,omitempty"`
	Table        *Table          `json:"table,omitempty"`
	Reminders    *ReminderPolicy `json:"reminders,omitempty"`
	// Origin names who started it ("meeting-round/…", "operator"), for
	// the secretariat's overview.
	Origin string `json:"origin,omitempty"`
	// SentOn is the day a request registered after the fact went out by
	// other means (an e-mail before helhed took over, yyyy-mm-dd); such a
	// request may be due in the past, so a partner who has not answered is
	// late from the start. Empty for a request helhed sends.
	SentOn string `json:"sentOn,omitempty" label:"Sendt (uden for helhed)" help:"Kun for en anmodning, der allerede er sendt på anden vis: datoen den blev sendt (åååå-mm-dd); fristen må da være passeret"`
	// Attempt numbers a request that asks again after an answer its
	// parent rejected (2 = the second of MaxAttempts); 0 for a first one.
	Attempt     int `json:"attempt,omitempty"`
	MaxAttempts int `json:"maxAttempts,omitempty"`
}

// WorkflowID derives the workflow ID from the business key.
func WorkflowID(requestID string) string { return Kind + "/" + requestID }

// Submission is what a partner sends: form values by field key (and
// "<key>@<area>" for per-area fields), or a table.
//
// A table file is read where it arrives (ReadCSV in the portal and the
// API): decoded from its bytes, parsed and checked once, and sent as Rows
// with the Encoding it was read in, so no file bytes travel through JSON
// and the workflow parses nothing. CSV (text) is still taken from callers
// that send the Update themselves, and is in histories from before.
type Submission struct {
	Values map[string]string `json:"values,omitempty"`
	CSV    string            `json:"csv,omitempty"`
	// Rows are a table's rows in canonical form by column key, as
	// ReadCSV returns them.
	Rows []map[string]string `json:"rows,omitempty"`
	// Encoding is the danish.Encoding* the file was read in; shown back to
	// the partner.
	Encoding string `json:"encoding,omitempty"`
	// SubmittedBy is "portal" or "operator"; never a person's name.
	SubmittedBy string `json:"submittedBy,omitempty"`
}

// FieldError is a validation message for one field, CSV line or column.
type FieldError struct {
	Field   string `json:"field"`            // field key, "<key>@<area>", "csv", or "" for the whole request
	Line    int    `json:"line,omitempty"`   // CSV line (1 = header)
	Column  string `json:"column,omitempty"` // CSV column key, for a cell's error
	Message string `json:"message"`          // Danish, for the partner
}

// ValidationError is returned by the submit validator; the portal shows
// each message beside its field.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	if len(e.Errors) == 0 {
		return "ugyldig indsendelse"
	}
	first := e.Errors[0]
	msg := first.Message
	switch {
	case first.Line > 0 && first.Column != "":
		msg = fmt.Sprintf("linje %d, kolonne %s: %s", first.Line, first.Column, msg)
	case first.Line > 0:
		msg = fmt.Sprintf("linje %d: %s", first.Line, msg)
	case first.Field != "":
		msg = first.Field + ": " + msg
	}
	if len(e.Errors) > 1 {
		msg += " (og flere fejl)"
	}
	return msg
}

// Extension moves the due date; reminders still ahead move with it.
type Extension struct {
	Due    string `json:"due" form:"date" label:"Ny frist" help:"efter den nuværende frist; partneren får besked"` // yyyy-mm-dd
	Reason string `json:"reason,omitempty" label:"Begrundelse" help:"sendes ikke til partneren"`
}

// Reassignment sends the task to another contact of the partner.
type Reassignment struct {
	Contact string `json:"contact" label:"Ny kontakts e-mailadresse" help:"hos samme partner"`
	Reason  string `json:"reason,omitempty" label:"Begrundelse" help:"sendes ikke til partneren"`
}

// Cancellation ends the request without data.
type Cancellation struct {
	Reason string `json:"reason" label:"Begrundelse" help:"mindst 3 tegn; sendes til partneren" form:"textarea"`
}

// StoppedReason is the reason of a request whose workflow Temporal
// cancelled (not the cancel Update): no reason for a partner.
const StoppedReason = "workflow cancelled"

// CancelledText tells a partner that a request is cancelled, and why
// when a reason was given.
func CancelledText(reason string) string {
	const text = "Opgaven er annulleret og kan ikke længere besvares."
	if reason == "" || reason == StoppedReason {
		return text
	}
	return text + " Begrundelse: " + reason
}

// Status values.
const (
	StatusOpen      = "open"
	StatusAnswered  = "answered"
	StatusCancelled = "cancelled"
)

// SubmitResult is what the submit Update returns once the data is
// accepted.
type SubmitResult struct {
	RequestID  string    `json:"requestId"`
	AnsweredAt time.Time `json:"answeredAt"`
	OnTime     bool      `json:"onTime"`
	Values     int       `json:"values"` // number of values accepted
	Rows       int       `json:"rows"`   // number of table rows accepted
	// Encoding is the danish.Encoding* an uploaded file was read in.
	Encoding string `json:"encoding,omitempty"`
}

// Result is what the workflow returns.
type Result struct {
	RequestID  string              `json:"requestId"`
	Partner    string              `json:"partner"`
	Status     string              `json:"status"` // answered or cancelled
	Values     map[string]string   `json:"values,omitempty"`
	Rows       []map[string]string `json:"rows,omitempty"` // table rows by column key
	AnsweredAt time.Time           `json:"answeredAt,omitempty"`
	Due        string              `json:"due"`
	OnTime     bool                `json:"onTime"`
	Reason     string              `json:"reason,omitempty"` // cancellation reason
	// Final is the state the run closed with (ChangeResultHoldsState): the
	// read model's reconcile reads it here instead of replaying the run for
	// the state query. Nil in runs recorded before.
	Final *State `json:"final,omitempty"`
}

// State is the query result: the request as it stands.
type State struct {
	Input         Input     `json:"input"`
	Status        string    `json:"status"`
	Due           string    `json:"due"`
	Contact       string    `json:"contact"`
	RemindersSent int       `json:"remindersSent"`
	Escalated     bool      `json:"escalated"`
	NextAction    time.Time `json:"nextAction,omitempty"` // next reminder/escalation
	AnsweredAt    time.Time `json:"answeredAt,omitempty"`
	// Added for the read model and its rebuild from Temporal.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	OnTime    bool      `json:"onTime"`
	Version   int64     `json:"version"` // bumped on every change of state
	// What was accepted, for the confirmation and the answered task: the
	// table's rows and the encoding its file was read in.
	AnsweredRows int    `json:"answeredRows,omitempty"`
	Encoding     string `json:"encoding,omitempty"`
	// Shown is what the answer held, as the answered task shows it
	// (ShownAnswer); Reason a cancelled request's reason.
	Shown  []Shown `json:"shown,omitempty"`
	Reason string  `json:"reason,omitempty"`
	// An answer that can be corrected (correct.go): its version (1 = the
	// first answer), every version so far (the last is the answer), until
	// when the partner may send a new one, and when the request closes.
	AnswerVersion int             `json:"answerVersion,omitempty"`
	Versions      []AnswerVersion `json:"versions,omitempty"`
	ResubmitUntil time.Time       `json:"resubmitUntil,omitzero"`
	ClosesAt      time.Time       `json:"closesAt,omitzero"`
	// For the run layer's pages (runs/kind.go conventions): the partner's
	// open task, and the Updates the request takes now.
	OpenTasks []workflows.OpenTask `json:"openTasks,omitempty"`
	Accepts   []string             `json:"accepts"`
}

// Task is a request as the read model (Redis, helhed:task:*) holds it for
// the portal, the task list and the metrics. It carries no contact
// address and no answers: those stay in the workflow.
type Task struct {
	RequestID     string    `json:"requestId"`
	WorkflowID    string    `json:"workflowId"`
	Partner       string    `json:"partner"`
	Title         string    `json:"title"`
	Instructions  string    `json:"instructions,omitempty"`
	Period        string    `json:"period,omitempty"`
	Areas         []string  `json:"areas,omitempty"`
	Fields        []Field   `json:"fields,omitempty"`
	Table         *Table    `json:"table,omitempty"`
	Due           string    `json:"due"`
	Status        string    `json:"status"`  // StatusOpen, StatusAnswered or StatusCancelled
	Overdue       bool      `json:"overdue"` // open and past the due date; computed when read
	CreatedAt     time.Time `json:"createdAt"`
	AnsweredAt    time.Time `json:"answeredAt,omitzero"`
	OnTime        bool      `json:"onTime"`
	RemindersSent int       `json:"remindersSent"`
	Escalated     bool      `json:"escalated"`
	Origin        string    `json:"origin,omitempty"`
	Version       int64     `json:"version"`
	AnsweredRows  int       `json:"answeredRows,omitempty"`
	Encoding      string    `json:"encoding,omitempty"` // danish.Encoding* of the accepted file
	Shown         []Shown   `json:"shown,omitempty"`    // what the answer held (ShownAnswer)
	Reason        string    `json:"reason,omitempty"`   // a cancelled request's reason
	Attempt       int       `json:"attempt,omitempty"`  // Input.Attempt
	MaxAttempts   int       `json:"maxAttempts,omitempty"`
	AnswerVersion int       `json:"answerVersion,omitempty"` // State.AnswerVersion
	ResubmitUntil time.Time `json:"resubmitUntil,omitzero"`  // the partner may send a new answer until then
}
