package datarequest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/workdays"
)

// Corrections. A request started under ChangeCorrectableAnswers that has
// no parent workflow (started by the secretariat through the run layer or
// the API) stays open once answered: the partner may send a new answer
// until the deadline (the end of the due date), and the secretariat may
// correct the answer with a reason (UpdateCorrect) until the request
// closes, CorrectionWeekdays after the due date or when the secretariat
// closes it (the cancel Update on an answered request keeps the answer).
// Every new answer is a new version; the versions it replaced stay in the
// history (the Updates' arguments) and in State.Versions, and the result,
// the read model and the receipt carry the latest.
//
// A request started by another workflow (a meeting round, an absence
// quarter, a statistics pull) completes at its first accepted answer as
// before: its parent takes the result then (milestone actuals, the
// school's file check) and would not see a later version. Such answers are
// kept right by the validator (ranges, CPR, the table's rules) instead.

// UpdateCorrect is the secretariat's correction of an answered request:
// Correction → SubmitResult.
const UpdateCorrect = "correct"

// ChangeCorrectableAnswers is the GetVersion change under which a request
// without a parent stays open for corrections once answered; runs started
// before it complete at the first answer.
const ChangeCorrectableAnswers = "correctable-answers"

// CorrectionWeekdays is how many weekdays after the due date an answered
// request without a parent stays open for the secretariat's corrections.
const CorrectionWeekdays = 10

// EventClose is the schedule's event that closes an answered request.
const EventClose = "close"

// NoticeCorrected tells the partner that the secretariat corrected their
// answer, and why.
const NoticeCorrected = "corrected"

// Correction is the secretariat's new answer, with the reason the partner
// is told: Values for a form, Rows (in canonical form, as ReadCSV returns
// them) for a table.
type Correction struct {
	Reason string              `json:"reason"`
	Values map[string]string   `json:"values,omitempty"`
	Rows   []map[string]string `json:"rows,omitempty"`
}

func (c Correction) submission() Submission {
	return Submission{Values: c.Values, Rows: c.Rows, SubmittedBy: "operator"}
}

// AnswerVersion is one version of a request's answer.
type AnswerVersion struct {
	Version     int       `json:"version"` // 1 = the first answer
	At          time.Time `json:"at"`
	SubmittedBy string    `json:"submittedBy,omitempty"` // "portal" or "operator"
	Reason      string    `json:"reason,omitempty"`      // the secretariat's, for a correction
	Values      int       `json:"values,omitempty"`      // how many values it held
	Rows        int       `json:"rows,omitempty"`        // how many table rows it held
}

// corrections is the workflow's state of an answer that can be corrected.
type corrections struct {
	on       bool // ChangeCorrectableAnswers, and no parent
	closed   bool // answered and closed: the workflow completes
	versions []AnswerVersion
}

// correctable decides, once at the start, whether the run keeps its
// answer open for corrections.
func correctable(ctx workflow.Context) bool {
	v := workflow.GetVersion(ctx, ChangeCorrectableAnswers, workflow.DefaultVersion, 1)
	return v == 1 && workflow.GetInfo(ctx).ParentWorkflowExecution == nil
}

// running is whether the workflow goes on: open, or answered and still
// open for corrections.
func (r *request) running() bool {
	return r.status == StatusOpen || r.closable()
}

// closable is whether the request is answered and still takes corrections.
func (r *request) closable() bool {
	return r.fix.on && r.status == StatusAnswered && !r.fix.closed
}

// closesAt is when an answered request closes by itself.
func (r *request) closesAt() time.Time {
	return Deadline(workdays.Add(r.due, CorrectionWeekdays), r.loc)
}

// close ends the corrections: the main loop then completes with the
// latest answer.
func (r *request) close() {
	r.fix.closed = true
	r.version++
	r.unsaved = true
}

// newVersion records an accepted answer as the next version.
func (r *request) newVersion(at time.Time, by, reason string, a Answer) {
	r.fix.versions = append(r.fix.versions, AnswerVersion{Version: len(r.fix.versions) + 1, At: at, SubmittedBy: by, Reason: reason,
		Values: len(a.Values), Rows: len(a.Rows)})
}

// receiptNumber numbers a receipt: 0 for the first answer (its key as
// before), the version for a new one.
func (r *request) receiptNumber() int {
	if n := len(r.fix.versions); n > 1 {
		return n
	}
	return 0
}

// checkSubmittable is the submit's rule: an open request takes an answer;
// an answered one still open for corrections takes a new one from the
// partner until the deadline.
func (r *request) checkSubmittable(ctx workflow.Context) error {
	if !r.closable() {
		return r.checkOpen()
	}
	if workflow.Now(ctx).Before(Deadline(r.due, r.loc)) {
		return nil
	}
	return notOpen(fmt.Sprintf("Fristen for at rette svaret var %s. Kontakt sekretariatet, hvis svaret skal rettes; sekretariatet kan rette det med en begrundelse.",
		danish.LongDate(r.due)))
}

// describe adds the corrections to a state.
func (r *request) describe(s *State) {
	if !r.fix.on || r.status != StatusAnswered {
		return
	}
	s.AnswerVersion = len(r.fix.versions)
	s.Versions = r.fix.versions
	if r.closable() && r.loc != nil {
		s.ResubmitUntil, s.ClosesAt = Deadline(r.due, r.loc), r.closesAt()
		s.Accepts = []string{UpdateCorrect, UpdateCancel}
	}
}

// checkCorrectable is the correct Update's rule on the state.
func (r *request) checkCorrectable() error {
	switch {
	case r.closable():
		return nil
	case r.status == StatusOpen:
		return notOpen("Opgaven er ikke besvaret endnu. Indsend svaret (submit) i stedet for at rette det.")
	case r.status == StatusCancelled:
		return notOpen(CancelledText(r.reason))
	}
	return notOpen("Svaret kan ikke længere rettes: opgaven er afsluttet, og svaret er givet videre.")
}

func (r *request) validateCorrect(ctx workflow.Context, c Correction) error {
	if err := r.checkCorrectable(); err != nil {
		return err
	}
	if len(strings.TrimSpace(c.Reason)) < 3 {
		return fielderr.Invalid("reason", "Skriv en begrundelse for rettelsen; partneren får den at vide.")
	}
	// Check is pure: it reads maps but sorts what it reports.
	_, err := Check(&r.in, c.submission()) //workflowcheck:ignore
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return reject(ve)
		}
		return err
	}
	return nil
}

func (r *request) correct(ctx workflow.Context, c Correction) (SubmitResult, error) {
	if err := r.ready(ctx, r.checkCorrectable); err != nil {
		return SubmitResult{}, err
	}
	answer, err := accepted(&r.in, c.submission()) //workflowcheck:ignore
	if err != nil {
		return SubmitResult{}, err
	}
	now := workflow.Now(ctx)
	// Whether the partner answered on time, and when, stays theirs.
	r.answer = answer
	if r.in.Table != nil {
		r.encoding = "" // the rows are the secretariat's, not a file's
	}
	r.newVersion(now, "operator", c.Reason, answer)
	n := r.notice(NoticeCorrected, len(r.fix.versions))
	n.Reason, n.AnsweredAt, n.AnswerVersion, n.Rows = c.Reason, now, len(r.fix.versions), len(answer.Rows)
	r.record(ctx, n)
	return SubmitResult{RequestID: r.in.RequestID, AnsweredAt: now, OnTime: r.onTime,
		Values: len(answer.Values), Rows: len(answer.Rows)}, nil
}
