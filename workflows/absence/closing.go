package absence

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/mail"
	"helhed/searchattr"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

// ChangeCloseStopsFiles is the GetVersion change under which a round that
// starts finishing (the operator's close-round, the cut-off, or every
// school settled) first stops taking files: it withdraws every open
// request at once, telling the school why, asks no school again, and waits
// for the files its requests took before the withdrawal reached them.
// Before it, the requests were cancelled one by one while a school could
// still be asked for a new file, and a file that came in meanwhile could
// be marked accepted after the note was made without it.
const ChangeCloseStopsFiles = "close-stops-files"

// ClosingMessage tells a school that the round takes no more files: the
// reason its request is withdrawn with (the cancellation e-mail carries
// it) and the opening of the notice about a file refused while closing.
const ClosingMessage = "Runden er ved at blive afsluttet — filer modtages ikke længere."

// StageClosing is the stage while the round withdraws its requests and
// waits for files already taken.
const StageClosing = "closing"

// closingWait bounds how long a closing round waits for the follow-up of
// a file its request took before the withdrawal arrived.
const closingWait = 10 * time.Minute

// stopFiles withdraws every open request at once with ClosingMessage and
// waits until each school's follow-up has ended (a file taken just before
// the withdrawal is checked as usual, but not asked for again).
func (r *round) stopFiles(ctx workflow.Context) {
	r.closing = true
	r.st.Stage = StageClosing
	_ = workflow.UpsertTypedSearchAttributes(ctx, searchattr.Stage.ValueSet(StageClosing))
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	type withdrawal struct {
		requestID string
		f         workflow.Future
	}
	var ws []withdrawal
	for _, s := range r.st.Schools {
		if s.Status != SchoolOpen || s.RequestID == "" {
			continue
		}
		u := datarequest.RequestUpdate{UpdateID: WorkflowID(r.st.Input) + "/cancel/" + s.RequestID, RequestID: s.RequestID,
			Cancellation: &datarequest.Cancellation{Reason: ClosingMessage}}
		ws = append(ws, withdrawal{s.RequestID, workflow.ExecuteActivity(actx, datarequest.ActivityCancel, u)})
	}
	for _, w := range ws {
		// A request that answered first refuses: its file is checked below.
		if err := w.f.Get(ctx, nil); err != nil && !datarequest.IsClosed(err) {
			workflow.GetLogger(ctx).Info("data request not withdrawn", "request", w.requestID, "err", err)
		}
	}
	if _, err := workflow.AwaitWithTimeout(ctx, closingWait, func() bool { return r.following == 0 }); err != nil {
		workflow.GetLogger(ctx).Warn("waiting for the schools' files", "err", err)
	}
}

// tellRejectedWhileClosing mails a school whose file came in as the round
// started finishing and was refused: it is not asked for a new one.
func (r *round) tellRejectedWhileClosing(ctx workflow.Context, sc School, problems []string) {
	if sc.Email == "" {
		return
	}
	msg := mail.Message{
		Key:     workflows.MailKey(ctx, "absence/"+r.setup.PlanID+"/"+r.setup.Quarter+"/"+sc.ID+"/refused-closing"),
		To:      []string{sc.Email},
		Subject: "Fraværsdata for " + r.quarterText(ctx) + ": filen blev afvist",
		Text:    RefusedWhileClosingText(r.quarterText(ctx), problems),
	}
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	if err := workflow.ExecuteActivity(actx, workflows.ActivitySendMail, msg).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("refusal not mailed", "school", sc.ID, "err", err)
	}
}

// ChangeQuarterText is the GetVersion change under which the round's
// e-mails name the quarter in Danish, "3. kvartal 2026 (juli–september)",
// not by its key "2026-Q3" (which ids and keys keep).
const ChangeQuarterText = "quarter-text"

// quarterText is the round's quarter as its e-mails write it: in Danish
// from ChangeQuarterText on, the key before.
func (r *round) quarterText(ctx workflow.Context) string {
	q, err := ParseQuarter(r.setup.Quarter)
	if err != nil || workflow.GetVersion(ctx, ChangeQuarterText, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return r.setup.Quarter
	}
	return danish.Quarter(q.Year, q.Q)
}

// RefusedWhileClosingText is the notice to a school whose file was refused
// as the round started finishing; quarter is the quarter as the e-mail
// writes it.
func RefusedWhileClosingText(quarter string, problems []string) string {
	return fmt.Sprintf("%s\n\nJeres fil med fraværsdata for %s kom ind, mens runden blev afsluttet, og den blev afvist:\n- %s\n\n"+
		"I bliver ikke bedt om en ny fil i denne runde, og intet af filen er registreret. Skolen nævnes i kvartalsnotatet som skole uden gyldige data.\n",
		ClosingMessage, quarter, strings.Join(problems, "\n- "))
}
