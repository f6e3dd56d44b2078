package crisis

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/workflows"
)

// MaxMeetingAhead bounds how far ahead a crisis meeting may be set.
const MaxMeetingAhead = 14 * 24 * time.Hour

// MaxCancelReason bounds the cancel Update's reason as the run layer bounds
// a cancellation's reason (runs.MaxReason; the adapter's tests keep the two
// equal).
const MaxCancelReason = 1000

// updateNames are the Updates in the order the operator page shows them.
var updateNames = []string{UpdateConfirmMeeting, UpdateMoveMeeting, UpdateSSP, UpdateResidentInfo,
	UpdateApproveInfo, UpdateClose, UpdateEvaluation, UpdateCancel}

// refusal says, in Danish, why the current stage does not take the Update
// name now ("" when it does). Validators and the state's Accepts both use
// it, so the page never offers what the workflow would refuse.
func (w *run) refusal(name string) string {
	s := &w.s
	reason := ""
	switch name {
	case UpdateConfirmMeeting:
		if s.Stage != StageConvening {
			reason = "mødet er allerede indkaldt, eller aktiveringen er afsluttet"
		}
	case UpdateMoveMeeting:
		if s.Stage != StageScheduled {
			reason = "der er intet kommende møde at flytte"
		}
	case UpdateSSP:
		if s.Stage != StageFollowUp {
			reason = "SSP-aktiveringen registreres efter mødet"
		}
	case UpdateResidentInfo:
		switch {
		case s.Stage != StageFollowUp:
			reason = "beboerinformationen aftales på mødet og registreres derefter"
		case s.InfoApproved:
			reason = "beboerinformationen er allerede godkendt og sendt"
		}
	case UpdateApproveInfo:
		switch {
		case s.Stage != StageFollowUp:
			reason = "beboerinformationen godkendes efter mødet"
		case s.InfoApproved:
			reason = "beboerinformationen er allerede godkendt og sendt"
		case s.ResidentInfo == nil || !s.ResidentInfo.Needed:
			reason = "der er ingen aftalt tekst til beboerne at godkende"
		}
	case UpdateClose:
		switch {
		case s.Stage != StageFollowUp:
			reason = "aktiveringen kan først afsluttes efter mødet"
		case s.SSP == nil:
			reason = "SSP-aktiveringen er ikke registreret"
		case s.ResidentInfo == nil:
			reason = "beboerinformationen er ikke registreret"
		case s.ResidentInfo.Needed && s.InfoSentTo == 0:
			reason = "beboerinformationen er ikke godkendt og sendt"
		}
	case UpdateEvaluation:
		if s.Stage != StageEvaluation {
			reason = "der er ingen evaluering i gang"
		}
	case UpdateCancel:
		if s.Stage != StageConvening && s.Stage != StageScheduled && s.Stage != StageFollowUp {
			reason = "aktiveringen er afsluttet og kan ikke annulleres"
		}
	default:
		reason = "ukendt handling"
	}
	if reason == "" {
		return ""
	}
	return fmt.Sprintf("%s (fase: %s)", reason, StageTitles[s.Stage])
}

func (w *run) refuse(name string) error {
	if r := w.refusal(name); r != "" {
		return errors.New(r)
	}
	return nil
}

// handlers registers the query and every Update with its validator.
func (w *run) handlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return w.state(), nil }); err != nil {
		return err
	}
	type reg struct {
		name      string
		handler   any
		validator any
	}
	regs := []reg{
		{UpdateConfirmMeeting, w.confirmMeeting, func(ctx workflow.Context, m MeetingTime) error {
			if err := w.refuse(UpdateConfirmMeeting); err != nil {
				return err
			}
			return checkMeeting(workflow.Now(ctx), m)
		}},
		{UpdateMoveMeeting, w.moveMeeting, func(ctx workflow.Context, m MeetingTime) error {
			if err := w.refuse(UpdateMoveMeeting); err != nil {
				return err
			}
			if err := checkMeeting(workflow.Now(ctx), m); err != nil {
				return err
			}
			if m.At.Equal(w.s.Meeting.At) && m.Place == w.s.Meeting.Place {
				return fielderr.Invalid("at", "mødet ligger allerede der")
			}
			return nil
		}},
		{UpdateSSP, w.recordSSP, func(_ workflow.Context, d SSPDecision) error {
			if err := w.refuse(UpdateSSP); err != nil {
				return err
			}
			return checkText("note", d.Note, false)
		}},
		{UpdateResidentInfo, w.recordResidentInfo, func(_ workflow.Context, i ResidentInfo) error {
			if err := w.refuse(UpdateResidentInfo); err != nil {
				return err
			}
			if !i.Needed {
				if strings.TrimSpace(i.Message) != "" {
					return fielderr.Invalid("message", "en tekst giver kun mening, når beboerne skal informeres (needed=true)")
				}
				return nil
			}
			return checkText("message", i.Message, true)
		}},
		{UpdateApproveInfo, w.approveResidentInfo, func(_ workflow.Context, a Approval) error {
			if err := w.refuse(UpdateApproveInfo); err != nil {
				return err
			}
			if a.ApprovedBy != "" && !w.isRole(a.ApprovedBy) {
				return fielderr.Invalid("approvedBy", fmt.Sprintf("%q er ikke en rolle i krisegruppen", a.ApprovedBy))
			}
			return nil
		}},
		{UpdateClose, w.close, func(_ workflow.Context, c Closing) error {
			if err := w.refuse(UpdateClose); err != nil {
				return err
			}
			return checkText("note", c.Note, false)
		}},
		{UpdateEvaluation, w.evaluate, func(_ workflow.Context, e Evaluation) error {
			if err := w.refuse(UpdateEvaluation); err != nil {
				return err
			}
			return checkText("summary", e.Summary, true)
		}},
		{UpdateCancel, w.cancel, func(_ workflow.Context, c Cancellation) error {
			if err := w.refuse(UpdateCancel); err != nil {
				return err
			}
			if strings.TrimSpace(c.Reason) == "" {
				return fielderr.Invalid("reason", "angiv en begrundelse")
			}
			if len(c.Reason) > MaxCancelReason {
				return fielderr.Invalid("reason", fmt.Sprintf("højst %d tegn", MaxCancelReason))
			}
			return nil
		}},
	}
	for _, r := range regs {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, r.name, r.handler,
			workflow.UpdateHandlerOptions{Validator: r.validator}); err != nil {
			return fmt.Errorf("register update %s: %w", r.name, err)
		}
	}
	return nil
}

func checkMeeting(now time.Time, m MeetingTime) error {
	switch {
	case m.At.IsZero():
		return fielderr.Invalid("at", "angiv mødetidspunktet")
	case !m.At.After(now):
		return fielderr.Invalid("at", "mødetidspunktet er passeret")
	case m.At.Sub(now) > MaxMeetingAhead:
		return fielderr.Invalid("at", "et krisemøde skal holdes inden for 14 dage")
	case strings.TrimSpace(m.Place) == "":
		return fielderr.Invalid("place", "angiv mødestedet")
	case len(m.Place) > 200:
		return fielderr.Invalid("place", "højst 200 tegn")
	case m.DurationMinutes != 0 && (m.DurationMinutes < 15 || m.DurationMinutes > 480):
		return fielderr.Invalid("durationMinutes", "mellem 15 og 480 minutter")
	}
	return nil
}

// checkText is the Update validators' free-text check (see textProblem).
func checkText(field, s string, required bool) error {
	if msg := textProblem(s, required); msg != "" {
		return fielderr.Invalid(field, msg)
	}
	return nil
}

// textProblem says in Danish what is wrong with a free text ("" when
// nothing): it bounds the length and keeps CPR numbers out. It returns the
// bare message so the start validator and the Update validators each wrap
// it in their own field error.
func textProblem(s string, required bool) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "skal udfyldes"
	case len(s) > MaxText:
		return fmt.Sprintf("højst %d tegn", MaxText)
	case danish.LooksLikeCPR(s):
		return "må ikke indeholde CPR-numre"
	}
	return ""
}

// ChangeDecisionsBy is the GetVersion change under which every Update's
// handler records a Decision (which, when, who) in State.Decisions; runs
// recorded before have none.
const ChangeDecisionsBy = "decisions-by"

// decided records the Update update, sent by by, as a decision
// (ChangeDecisionsBy). Handlers call it first, before anything yields.
func (w *run) decided(ctx workflow.Context, update string, by workflows.By) {
	if workflow.GetVersion(ctx, ChangeDecisionsBy, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	w.s.Decisions = append(w.s.Decisions, workflows.Decision{Update: update, At: workflow.Now(ctx), By: by.Actor})
}

func (w *run) isRole(id string) bool {
	for _, m := range w.group.Members {
		if m.Role == id {
			return true
		}
	}
	return false
}

// ready waits for the group read at start, which messages need; an Update
// can arrive before that first activity returns.
func (w *run) ready(ctx workflow.Context) (workflow.Context, error) {
	err := workflow.Await(ctx, func() bool { return len(w.group.Members) > 0 })
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 10 * time.Minute},
	}), err
}

func (w *run) confirmMeeting(ctx workflow.Context, m MeetingTime) (Meeting, error) {
	w.decided(ctx, UpdateConfirmMeeting, m.By)
	if m.DurationMinutes == 0 {
		m.DurationMinutes = 60
	}
	w.s.Meeting = &Meeting{At: m.At, Place: m.Place, DurationMinutes: m.DurationMinutes}
	w.setStage(ctx, StageScheduled, &m.At)
	return w.invite(ctx)
}

func (w *run) moveMeeting(ctx workflow.Context, m MeetingTime) (Meeting, error) {
	w.decided(ctx, UpdateMoveMeeting, m.By)
	if m.DurationMinutes == 0 {
		m.DurationMinutes = w.s.Meeting.DurationMinutes
	}
	w.s.Meeting = &Meeting{At: m.At, Place: m.Place, DurationMinutes: m.DurationMinutes, Sequence: w.s.Meeting.Sequence + 1}
	w.setStage(ctx, StageScheduled, &m.At)
	return w.invite(ctx)
}

// invite sends the (re)invitation for the current meeting version.
func (w *run) invite(ctx workflow.Context) (Meeting, error) {
	meeting := *w.s.Meeting
	actx, err := w.ready(ctx)
	if err != nil {
		return meeting, err
	}
	organizer := w.member(w.group.Convenor).Email
	return meeting, sendMail(actx, invitationMail(w.id, w.in, w.group, meeting, organizer, workflow.Now(ctx), w.loc))
}

func (w *run) recordSSP(ctx workflow.Context, d SSPDecision) error {
	w.decided(ctx, UpdateSSP, d.By)
	w.s.SSP = &d
	return nil
}

func (w *run) recordResidentInfo(ctx workflow.Context, i ResidentInfo) error {
	w.decided(ctx, UpdateResidentInfo, i.By)
	w.s.ResidentInfo = &i
	return nil
}

// SentInfo answers the approval: how many addresses got the information.
type SentInfo struct {
	SentTo int `json:"sentTo"`
}

func (w *run) approveResidentInfo(ctx workflow.Context, a Approval) (SentInfo, error) {
	w.decided(ctx, UpdateApproveInfo, a.By)
	w.s.InfoApproved = true
	actx, err := w.ready(ctx)
	if err != nil {
		return SentInfo{}, err
	}
	if err := sendMail(actx, residentInfoMail(w.id, w.in, w.group, *w.s.ResidentInfo)); err != nil {
		return SentInfo{}, err
	}
	w.s.InfoSentTo = len(w.group.Residents)
	return SentInfo{SentTo: w.s.InfoSentTo}, nil
}

func (w *run) close(ctx workflow.Context, c Closing) (string, error) {
	w.decided(ctx, UpdateClose, c.By)
	w.s.Closing = &c
	if !c.Evaluate {
		w.setStage(ctx, StageClosed, nil)
		return StageClosed, nil
	}
	due := evaluationDue(workflow.Now(ctx), w.loc)
	w.s.EvaluateBy = &due
	w.setStage(ctx, StageEvaluation, &due)
	actx, err := w.ready(ctx)
	if err != nil {
		return "", err
	}
	return StageEvaluation, sendMail(actx, evaluationTaskMail(w.id, w.in, w.group, w.member(w.group.Convenor), due, w.loc))
}

func (w *run) evaluate(ctx workflow.Context, e Evaluation) error {
	w.decided(ctx, UpdateEvaluation, e.By)
	w.s.Evaluation = &e
	w.setStage(ctx, StageClosed, nil)
	actx, err := w.ready(ctx)
	if err != nil {
		return err
	}
	return sendMail(actx, evaluationMail(w.id, w.in, w.group, e))
}

func (w *run) cancel(ctx workflow.Context, c Cancellation) (string, error) {
	w.decided(ctx, UpdateCancel, c.By)
	was := w.s.Stage
	w.s.CancelReason = strings.TrimSpace(c.Reason)
	w.setStage(ctx, StageCancelled, nil)
	actx, err := w.ready(ctx)
	if err != nil {
		return "", err
	}
	if was == StageScheduled {
		organizer := w.member(w.group.Convenor).Email
		if err := sendMail(actx, cancelInvitationMail(w.id, w.in, w.group, *w.s.Meeting, organizer, w.s.CancelReason, workflow.Now(ctx))); err != nil {
			return "", err
		}
	}
	return StageCancelled, sendMail(actx, cancelledMail(w.id, w.in, w.group, w.s.CancelReason))
}

// state is the query answer, with the tasks and accepted Updates derived
// from the stage.
func (w *run) state() State {
	s := w.s
	s.Tasks = w.tasks()
	s.OpenTasks = []Task{}
	for _, t := range s.Tasks {
		if t.Status == TaskOpen {
			s.OpenTasks = append(s.OpenTasks, t)
		}
	}
	s.Accepts = []string{}
	for _, n := range updateNames {
		if w.refusal(n) == "" {
			s.Accepts = append(s.Accepts, n)
		}
	}
	return s
}

func (w *run) tasks() []Task {
	s := &w.s
	status := func(done bool) string {
		if done {
			return TaskDone
		}
		return TaskOpen
	}
	convenor := s.ConveneBy
	ts := []Task{{Name: UpdateConfirmMeeting, Title: "Indkald beredskabets styregruppe og bekræft mødetidspunktet",
		Owner: w.group.Convenor, Status: status(s.Meeting != nil || s.Stage == StageCancelled), Due: &convenor}}
	if !s.MeetingHeld {
		return ts
	}
	ts = append(ts,
		Task{Name: UpdateSSP, Title: "Aktivér SSP-netværket, hvis situationen kræver det", Owner: w.sspRole(), Status: status(s.SSP != nil)},
		Task{Name: UpdateResidentInfo, Title: "Information til beboerne: aftalt tekst, sendt når den er godkendt", Owner: w.group.Convenor,
			Status: status(s.ResidentInfo != nil && (!s.ResidentInfo.Needed || s.InfoSentTo > 0))},
		Task{Name: UpdateClose, Title: "Afslut aktiveringen og beslut, om indsatsen skal evalueres", Owner: w.group.Convenor,
			Status: status(s.Closing != nil)},
	)
	if s.EvaluateBy != nil {
		ts = append(ts, Task{Name: UpdateEvaluation, Title: "Evaluér beredskabsindsatsen", Owner: w.group.Convenor,
			Status: status(s.Evaluation != nil), Due: s.EvaluateBy})
	}
	if s.Stage == StageCancelled {
		for i := range ts {
			if ts[i].Status == TaskOpen {
				ts[i].Status = TaskDone
				ts[i].Note = "annulleret"
			}
		}
	}
	return ts
}
