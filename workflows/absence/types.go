// Package absence is the quarterly absence follow-up (kind
// "absence-follow-up", Fremmøde i skolen): a table data request to each of
// the plan's schools, validated pupil by pupil; absence per area against
// the plan's baseline and the kommune level; per pseudonymous pupil the
// flags unlawful absence ≥ 10 % (parents warned) and ≥ 15 % (kommune
// notified); new individual courses counted against the yearly target; a
// quarterly note to the absence team; and indicator values in the read
// model with small counts suppressed.
package absence

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/workflows"
)

// Names of the kind, workflow, Update and query.
const (
	Kind         = "absence-follow-up"
	WorkflowName = "AbsenceFollowUp"
	UpdateClose  = "close-round"
	QueryState   = "state"
)

// What the round reads from the plan. The plan is data, but these ids are
// the seed plan's; a plan without them gets a round without baseline or
// course target, which the note says.
const (
	IndicatorID   = "fravaer-skole"
	ActivityID    = "fremmoede-i-skolen"
	CoursesMetric = "nye-elevforloeb"
)

// Flag thresholds: unlawful absence in the quarter, percent of school days.
const (
	WarnPercent   = 10.0 // parents to be warned
	NotifyPercent = 15.0 // kommune to be notified
)

// Input starts a round for one calendar quarter.
type Input struct {
	Plan    string `json:"plan" label:"Plan" help:"Planens id, fx randers-2021-25"`
	Quarter string `json:"quarter" label:"Kvartal" help:"Kvartalet, der følges op på, fx 2023-Q4"`
}

// WorkflowID is "absence-follow-up/<plan>/<quarter>".
func WorkflowID(in Input) string { return Kind + "/" + in.Plan + "/" + strings.ToUpper(in.Quarter) }

// Quarter is a calendar quarter.
type Quarter struct {
	Year, Q int
}

var quarterPattern = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)

// ParseQuarter reads "2023-Q4".
func ParseQuarter(s string) (Quarter, error) {
	m := quarterPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Quarter{}, fmt.Errorf("%q er ikke et kvartal; skriv fx 2023-Q4", s)
	}
	y, _ := strconv.Atoi(m[1])
	q, _ := strconv.Atoi(m[2])
	return Quarter{Year: y, Q: q}, nil
}

// QuarterOf is the quarter containing d.
func QuarterOf(d plan.Date) Quarter { return Quarter{Year: d.Year, Q: (int(d.Month)-1)/3 + 1} }

func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// Start is the quarter's first day.
func (q Quarter) Start() plan.Date { return plan.NewDate(q.Year, time.Month(3*q.Q-2), 1) }

// End is the quarter's last day.
func (q Quarter) End() plan.Date { return q.Next().Start().AddDays(-1) }

// Next is the following quarter.
func (q Quarter) Next() Quarter {
	if q.Q == 4 {
		return Quarter{Year: q.Year + 1, Q: 1}
	}
	return Quarter{Year: q.Year, Q: q.Q + 1}
}

// Prev is the preceding quarter.
func (q Quarter) Prev() Quarter {
	if q.Q == 1 {
		return Quarter{Year: q.Year - 1, Q: 4}
	}
	return Quarter{Year: q.Year, Q: q.Q - 1}
}

// Check validates the input against the plan. With checkPast (operators'
// starts) the quarter must have ended by today.
func (in Input) Check(p *plan.Plan, today plan.Date, checkPast bool) *fielderr.Error {
	switch {
	case in.Plan == "":
		return &fielderr.Error{Field: "plan", Message: "skal udfyldes (planens id, " + p.ID + ")"}
	case in.Plan != p.ID:
		return &fielderr.Error{Field: "plan", Message: fmt.Sprintf("denne proces kører planen %s, ikke %q", p.ID, in.Plan)}
	}
	q, err := ParseQuarter(in.Quarter)
	if err != nil {
		return &fielderr.Error{Field: "quarter", Message: err.Error()}
	}
	if q.End().Before(p.Period.Start) || q.Start().After(p.Period.End) {
		return &fielderr.Error{Field: "quarter", Message: fmt.Sprintf("%s ligger uden for planperioden %s–%s", q, danish.Date(p.Period.Start), danish.Date(p.Period.End))}
	}
	if checkPast && !q.End().Before(today) {
		return &fielderr.Error{Field: "quarter", Message: fmt.Sprintf("%s er ikke slut endnu (det slutter %s)", q, danish.Date(q.End()))}
	}
	return nil
}

// Close is the close-round Update's argument: compile now with what has
// come in.
type Close struct {
	Reason string `json:"reason,omitempty" label:"Begrundelse"`
}

// Stages (HelhedStage).
const (
	StageCollecting = "collecting"
	StageClosed     = "closed"
)

// StageTitles are the Danish stage names.
var StageTitles = map[string]string{StageCollecting: "Indsamler fraværsdata fra skolerne",
	StageClosing: "Afsluttes: modtager ikke flere filer", StageClosed: "Afsluttet"}

// SchoolStatus is how a school's data went.
type SchoolStatus struct {
	School    string   `json:"school"`
	Name      string   `json:"name"`
	Status    string   `json:"status"` // open, accepted, rejected, missing
	Attempts  int      `json:"attempts"`
	RequestID string   `json:"requestId"`
	Due       string   `json:"due"`
	Pupils    int      `json:"pupils,omitempty"`
	Errors    []string `json:"errors,omitempty"` // of the last rejected submission
}

// School statuses.
const (
	SchoolOpen     = "open"
	SchoolAccepted = "accepted"
	SchoolRejected = "rejected" // its last submission was refused and no valid one came
	SchoolMissing  = "missing"  // never answered by the cut-off
)

// State is the query result.
type State struct {
	Input     Input                `json:"input"`
	Stage     string               `json:"stage"`
	Due       string               `json:"due"`
	Cutoff    time.Time            `json:"cutoff"`
	Schools   []SchoolStatus       `json:"schools"`
	Accepts   []string             `json:"accepts"`
	OpenTasks []workflows.OpenTask `json:"openTasks"`
}

// Result is the workflow's result. Flagged carries the pseudonymous ids
// flagged this plan year so far, so the next quarter can tell new courses
// from continuing ones (payloads are encrypted; ids are never logged).
type Result struct {
	State
	Outcome Outcome  `json:"outcome"`
	Note    []string `json:"note"` // document paths
	// Entry is the rest of what ActivityRecord wrote to the read model
	// (with Outcome): the reconcile (adapters/absence) rebuilds it from here.
	Entry *Entry `json:"entry,omitempty"`
}

// Record is what the round wrote to the read model; false when the result
// carries no Entry.
func (r Result) Record() (Record, bool) {
	if r.Entry == nil {
		return Record{}, false
	}
	return Record{Entry: *r.Entry, Outcome: r.Outcome}, true
}
