package meeting

import (
	"strconv"
	"time"
)

// The round's own activities (adapters/meeting), called by name. The names
// are the adapter's method names; they must not change, or running rounds
// no longer replay.
const (
	// ActivityPrepare takes the Input and returns the Setup (BuildSetup).
	ActivityPrepare = "MeetingPrepare"
	// ActivityCompile takes a CompileInput and returns the Document.
	ActivityCompile = "MeetingCompile"
	// ActivityRecordRound takes the RoundRecord.
	ActivityRecordRound = "MeetingRecordRound"
	// ActivityRecordMilestones takes a MilestoneRecord.
	ActivityRecordMilestones = "MeetingRecordMilestones"
	// ActivityRecordBudget takes a BudgetRecord.
	ActivityRecordBudget = "MeetingRecordBudget"
	// ActivityRecordStaffHours takes an HoursRecord.
	ActivityRecordStaffHours = "MeetingRecordStaffHours"
)

// Document kinds ActivityCompile renders.
const (
	DocAgendaReport = "agenda-report" // steering group: agenda + progress report
	DocBoardPack    = "board-pack"    // board: agenda + recommendations + report summary
	DocMinutes      = "minutes"       // recommendations and decisions recorded
)

// Answer is one answered data request's values.
type Answer struct {
	Partner string            `json:"partner"`
	Kind    string            `json:"kind"`
	OnTime  bool              `json:"onTime"`
	Values  map[string]string `json:"values"`
	// Rows are a table answer's rows (the budget request).
	Rows []map[string]string `json:"rows,omitempty"`
}

// CompileInput is what ActivityCompile renders from.
type CompileInput struct {
	Doc        string    `json:"doc"`
	Setup      Setup     `json:"setup"`
	State      State     `json:"state"`
	Answers    []Answer  `json:"answers,omitempty"`
	CompiledAt time.Time `json:"compiledAt"`
}

// Document is a compiled document: its text for the e-mail and the files
// kept in the document store, meetings/<plan>/<key>/runs/<run>/ (keys: Markdown, then HTML).
type Document struct {
	Markdown string   `json:"markdown"`
	HTML     string   `json:"html"`
	Paths    []string `json:"paths"`
}

// Held is a meeting of the round that has taken place, under the plan's
// date for it (so the annual report can match it with the plan).
type Held struct {
	Body string `json:"body"`
	Kind string `json:"kind"`
	Date string `json:"date"`
}

// RoundRecord is a round's read-model entry (ActivityRecordRound).
type RoundRecord struct {
	Plan     string    `json:"plan"`
	Key      string    `json:"key"`
	Meeting  string    `json:"meeting"`
	Year     string    `json:"year"`
	Stage    string    `json:"stage"`
	Steering time.Time `json:"steering"`
	Board    time.Time `json:"board,omitzero"`
	Asked    int       `json:"asked"`
	Answered int       `json:"answered"`
	Reported bool      `json:"reported"`
	Held     []Held    `json:"held,omitempty"`
}

// AllAreas is the area of a target covering all of an activity's areas
// (as metrics.AllAreas).
const AllAreas = "alle"

// Figure is one member's year-to-date figure for one milestone target, as
// the member reported it in a round.
type Figure struct {
	Activity string    `json:"activity"`
	Area     string    `json:"area"` // AllAreas: the activity's areas together
	Metric   string    `json:"metric"`
	Partner  string    `json:"partner"`
	Value    string    `json:"value"`
	At       time.Time `json:"at"` // when the member answered
}

// Figures reads a member's answer to its progress request: one Figure per
// target the member is responsible for and answered with a number.
func Figures(targets []TargetRef, partner string, values map[string]string, at time.Time) []Figure {
	var out []Figure
	for _, t := range targets {
		v, ok := values[t.Key]
		if !ok || !contains(t.Responsible, partner) {
			continue
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			continue
		}
		area := t.Area
		if area == "" {
			area = AllAreas
		}
		out = append(out, Figure{Activity: t.Activity, Area: area, Metric: t.Metric, Partner: partner, Value: v, At: at})
	}
	return out
}

// MilestoneRecord carries the figures of one answer
// (ActivityRecordMilestones).
type MilestoneRecord struct {
	Plan    string   `json:"plan"`
	Year    string   `json:"year"`
	Figures []Figure `json:"figures"`
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
