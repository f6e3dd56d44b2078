// Package meeting is the meeting round (kind "meeting-round"): one per board
// meeting, plus the steering group's summer meeting. From the board date it
// derives the steering-group meeting and every deadline, asks the
// steering-group members and the monitoring unit for data (child data
// requests), compiles the progress report and agenda, sends .ics
// invitations, records the steering group's recommendations into the board
// pack and the board's decisions, and feeds milestone actuals to the read
// model. Moving the board date (Update move-board) shifts what is ahead.
package meeting

import (
	"fmt"
	"strings"
	"time"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/workflows"
)

// Names of the kind, workflow, Updates and query.
const (
	Kind                        = "meeting-round"
	WorkflowName                = "MeetingRound"
	UpdateMoveBoard             = "move-board"
	UpdateRecordRecommendations = "record-recommendations"
	UpdateRecordDecisions       = "record-decisions"
	QueryState                  = "state"
)

// Input starts a round: either BoardDate (the autumn or spring board
// meeting; the steering group meets before it) or SummerDate (the steering
// group's summer meeting, no board pack).
type Input struct {
	Plan       string `json:"plan" label:"Plan" help:"Planens id, fx randers-2021-25"`
	BoardDate  string `json:"boardDate,omitempty" label:"Bestyrelsesmøde" help:"Datoen for bestyrelsens møde (åååå-mm-dd); styregruppens møde og alle frister regnes ud fra den"`
	SummerDate string `json:"summerDate,omitempty" label:"Styregruppens sommermøde" help:"Kun for sommermødet: datoen for styregruppens møde (åååå-mm-dd)"`
	// DeviationReason lets a round run on a date that is not one of the
	// plan's meetings.
	DeviationReason string `json:"deviationReason,omitempty" label:"Begrundelse for at afvige fra planen" help:"Kun når datoen ikke er et af planens møder: hvorfor mødet holdes en anden dag"`
}

// Summer reports whether this is the steering group's summer round.
func (in Input) Summer() bool { return in.SummerDate != "" }

// Key is the round's business key: the board date, or "summer-<date>".
// It stays the same when the board date moves.
func (in Input) Key() string {
	if in.Summer() {
		return "summer-" + in.SummerDate
	}
	return in.BoardDate
}

// WorkflowID is "meeting-round/<plan>/<key>".
func WorkflowID(in Input) string { return Kind + "/" + in.Plan + "/" + in.Key() }

// Check validates the input against the plan with the guards of
// guards.go; today is the operator's date (the API checks that a new round
// is not in the past and leaves the partners their deadline; a schedule's
// backfill is not held to that).
func (in Input) Check(p *plan.Plan, today plan.Date, checkPast bool) *fielderr.Error {
	bad := func(field, format string, args ...any) *fielderr.Error {
		return &fielderr.Error{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case in.Plan == "":
		return bad("plan", "skal udfyldes (planens id, %s)", p.ID)
	case in.Plan != p.ID:
		return bad("plan", "denne proces kører planen %s, ikke %q", p.ID, in.Plan)
	case (in.BoardDate == "") == (in.SummerDate == ""):
		return bad("boardDate", "angiv enten boardDate eller summerDate (præcis én af dem)")
	}
	field, raw := "boardDate", in.BoardDate
	if in.Summer() {
		field, raw = "summerDate", in.SummerDate
	}
	d, err := plan.ParseDate(raw)
	if err != nil {
		return bad(field, "%q er ikke en dato; skriv åååå-mm-dd", raw)
	}
	if !p.Period.Contains(d) {
		return bad(field, "%s ligger uden for planperioden %s–%s", danish.Date(d), danish.Date(p.Period.Start), danish.Date(p.Period.End))
	}
	if fe := checkWeekday(field, d); fe != nil {
		return fe
	}
	board := boardMeetings(p)
	derive := func(d plan.Date) Timeline { return Derive(d, p.Governance.SteeringGroup.OffsetDays) }
	planned := roundDates(board)
	if in.Summer() {
		derive, planned = DeriveSummer, summerMeetings(p)
	} else if fe := checkStrategic(field, board, d); fe != nil {
		return fe
	}
	if checkPast {
		if d.Before(today) {
			return bad(field, "%s er passeret", danish.Date(d))
		}
		ok := func(tl Timeline) bool { return deadlineProblem(tl, collection{}, today) == "" }
		if problem := deadlineProblem(derive(d), collection{}, today); problem != "" {
			return tooEarly(field, d, problem, firstWorkable(d, p.Period, board, derive, ok))
		}
	}
	return checkPlanned(field, d, planned, "deviationReason", in.DeviationReason)
}

// MoveBoard is the move-board Update's argument.
// Reason is the move's reason: it goes into the notice to the members,
// and a date that is not one of the plan's board meetings requires it.
type MoveBoard struct {
	BoardDate string `json:"boardDate" label:"Ny dato for bestyrelsesmødet" help:"åååå-mm-dd"`
	Reason    string `json:"reason,omitempty" label:"Begrundelse" help:"Står i meddelelsen om det flyttede møde; skal udfyldes, når datoen ikke er et af planens bestyrelsesmøder"`
}

// Record is the argument of record-recommendations and record-decisions:
// one item per line.
type Record struct {
	Text string `json:"text" label:"Tekst" help:"Ét punkt pr. linje" form:"textarea"`
}

// Items splits the text into its non-empty lines.
func (r Record) Items() []string {
	var out []string
	for _, l := range strings.Split(r.Text, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-*•")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Stages (HelhedStage).
const (
	StageWaiting         = "waiting"         // before the round opens
	StageCollecting      = "collecting"      // data requests open
	StageReported        = "reported"        // report and agenda sent
	StageRecommendations = "recommendations" // steering group met; awaiting its recommendations
	StageBoardPack       = "board-pack"      // pack sent; awaiting the board meeting
	StageDecisions       = "decisions"       // board met; awaiting its decisions
	StageClosed          = "closed"
)

// StageTitles are the Danish stage names.
var StageTitles = map[string]string{
	StageWaiting:         "Venter på at runden åbner",
	StageCollecting:      "Indsamler data",
	StageReported:        "Fremdriftsrapport og dagsorden udsendt",
	StageRecommendations: "Afventer styregruppens indstillinger",
	StageBoardPack:       "Bestyrelsens mødemateriale udsendt",
	StageDecisions:       "Afventer bestyrelsens beslutninger",
	StageClosed:          "Afsluttet",
}

// RequestStatus is one data request of the round.
type RequestStatus struct {
	RequestID string    `json:"requestId"`
	Partner   string    `json:"partner"`
	Kind      string    `json:"kind"` // RequestProgress, RequestIndicators or RequestBudget
	Due       string    `json:"due"`
	Status    string    `json:"status"` // open, answered, cancelled, failed
	OnTime    bool      `json:"onTime,omitempty"`
	Answered  time.Time `json:"answeredAt,omitzero"`
}

// Move is a recorded move of the board date.
type Move struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// StepDone records when a step ran.
type StepDone struct {
	Step string    `json:"step"`
	At   time.Time `json:"at"`
}

// State is the query result and, at the end, the workflow's result.
type State struct {
	Input           Input           `json:"input"`
	Meeting         string          `json:"meeting"` // autumn, spring, summer
	Year            string          `json:"year"`    // plan year label
	Stage           string          `json:"stage"`
	Timeline        Timeline        `json:"timeline"`
	Done            []StepDone      `json:"done"`
	Requests        []RequestStatus `json:"requests"`
	Recommendations []string        `json:"recommendations,omitempty"`
	Decisions       []string        `json:"decisions,omitempty"`
	Moves           []Move          `json:"moves,omitempty"`
	Documents       []string        `json:"documents,omitempty"`
	// SteeringSeq and BoardSeq are the invitations' iCalendar SEQUENCE.
	SteeringSeq int `json:"steeringSeq"`
	BoardSeq    int `json:"boardSeq"`
	// OpenTasks and Accepts are read by the run layer's pages.
	OpenTasks []workflows.OpenTask `json:"openTasks"`
	Accepts   []string             `json:"accepts"`
	// Record is the round's read-model entry as last written, and Figures
	// the members' milestone figures written so far: the reconcile
	// (adapters/meeting) rebuilds the read model from them.
	Record  *RoundRecord `json:"record,omitempty"`
	Figures []Figure     `json:"figures,omitempty"`
	// Budget and Hours are, likewise, the secretariat's budget figures and
	// the members' staff hours written so far (followup.go).
	Budget []BudgetFigure `json:"budget,omitempty"`
	Hours  []HoursFigure  `json:"hours,omitempty"`
	// EarlyReport is set once report-now asked for the report before its
	// day (reportnow.go).
	EarlyReport *EarlyReport `json:"earlyReport,omitempty"`
}
