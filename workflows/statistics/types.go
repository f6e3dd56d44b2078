// Package statistics is the annual statistics pull (kind
// "statistics-pull"): kommune baselines from Danmarks Statistik's Statbank,
// the monitoring unit's ordered area key figures through a child data
// request (CSV), validation, diskretionering, every plan indicator per area
// against its baseline and direction of better, and almenboligloven § 61 a
// as the ministry computes it for the 1 December list: the four criteria
// per area with the margin to each threshold and the trend, and whether
// the area would be on the list of udsatte boligområder (and of
// parallelsamfund) if it were published today. The result goes to the Redis read model (helhed:stats:*),
// which the annual report and the metrics read.
//
// This package holds the workflow and the pure rules; the Statbank calls,
// the read model, the collector and the reconciler are in
// helhed/adapters/statistics.
package statistics

import (
	"time"

	"helhed/suppress"
	"helhed/workflows/datarequest"
)

// Kind is the run kind and HelhedKind search attribute.
const Kind = "statistics-pull"

// WorkflowName is the registered workflow type.
const WorkflowName = "StatisticsPull"

// QueryState returns the pull's State.
const QueryState = "state"

// DefaultDueWeekdays is how many weekdays the monitoring unit gets.
const DefaultDueWeekdays = 15

// Input starts a pull.
type Input struct {
	// PlanYear is the plan year the pull covers ("2024-25"). Empty (the
	// yearly schedule) means the plan year that ended last.
	PlanYear string `json:"planYear,omitempty"`
	// DueWeekdays is the monitoring unit's deadline in weekdays from the
	// start (default 15).
	DueWeekdays int `json:"dueWeekdays,omitempty"`
}

// WorkflowID derives the ID from the plan year.
func WorkflowID(in Input) string { return Kind + "/" + in.PlanYear }

// Activity names: the methods of the adapter's Activities
// (helhed/adapters/statistics), which the workflow calls by name.
const (
	activityPrepare        = "Prepare"
	activityFetchBaselines = "FetchBaselines"
	activityEvaluate       = "Evaluate"
	activityPublish        = "Publish"
)

// PrepareInput carries the workflow's clock into Prepare.
type PrepareInput struct {
	Input Input     `json:"input"`
	Now   time.Time `json:"now"`
}

// PrepareResult is the resolved pull and the data request to send.
type PrepareResult struct {
	Prepared Prepared          `json:"prepared"`
	Request  datarequest.Input `json:"request"`
}

// EvaluateInput is what Evaluate needs.
type EvaluateInput struct {
	Prepared  Prepared            `json:"prepared"`
	Baselines Baselines           `json:"baselines"`
	Answer    *datarequest.Result `json:"answer,omitempty"`
	// RequestError says why the data request gave no answer.
	RequestError string    `json:"requestError,omitempty"`
	Now          time.Time `json:"now"`
}

// Prepared is what the pull works with once the plan year is resolved.
type Prepared struct {
	PlanID   string `json:"planId"`
	PlanYear string `json:"planYear"`
	// DataYear is the register year the key figures describe (the
	// calendar year the plan year starts in); Years are the two years the
	// § 61 a averages use: DataYear-1 and DataYear.
	DataYear  int      `json:"dataYear"`
	Years     []int    `json:"years"`
	Areas     []string `json:"areas"`
	Threshold int      `json:"threshold"`
	// RequestID is the child data request's business key.
	RequestID string `json:"requestId"`
	Due       string `json:"due"`
}

// BaselineFigure is one value from a public Statbank table.
type BaselineFigure struct {
	Key    string  `json:"key"`  // e.g. "andel-kun-grundskole-30-59"
	Area   string  `json:"area"` // DST area code: "730", "000", "082"
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"` // "personer", "pct", "kr"
	Period string  `json:"period"`
	// Year is the calendar year of Period.
	Year  int    `json:"year,omitempty"`
	Table string `json:"table"`
}

// Missing is a figure that could not be used, and why (Danish).
type Missing struct {
	What   string `json:"what"`           // figure or table
	Area   string `json:"area,omitempty"` // plan area id or DST area code
	Code   string `json:"code,omitempty"` // dst.Kind of the error, if any
	Reason string `json:"reason"`
}

// Baselines are the Statbank figures and what could not be fetched.
type Baselines struct {
	Figures []BaselineFigure `json:"figures"`
	Missing []Missing        `json:"missing,omitempty"`
}

// Find returns the newest figure for key and area.
func (b Baselines) Find(key, area string) (BaselineFigure, bool) {
	var out BaselineFigure
	found := false
	for _, f := range b.Figures {
		if f.Key == key && f.Area == area && (!found || f.Year > out.Year) {
			out, found = f, true
		}
	}
	return out, found
}

// FindYear returns the figure for key and area in year.
func (b Baselines) FindYear(key, area string, year int) (BaselineFigure, bool) {
	for _, f := range b.Figures {
		if f.Key == key && f.Area == area && f.Year == year {
			return f, true
		}
	}
	return BaselineFigure{}, false
}

// Issue is one problem in the monitoring unit's CSV.
type Issue struct {
	Line      int    `json:"line,omitempty"`
	Area      string `json:"area,omitempty"`
	KeyFigure string `json:"keyFigure,omitempty"`
	Year      int    `json:"year,omitempty"`
	Kind      string `json:"kind"`    // see Issue kinds
	Message   string `json:"message"` // Danish
}

// Issue kinds.
const (
	IssueMissingArea  = "missing-area"
	IssueSuppressed   = "suppressed"
	IssueOver100      = "percent-out-of-range"
	IssueOverPop      = "count-over-population"
	IssueBadNumber    = "bad-number"
	IssueDuplicate    = "duplicate"
	IssueOutsideYears = "outside-years"
	IssueNoAnswer     = "no-answer"
)

// Comparison with the baseline.
const (
	StatusBetter     = "bedre"
	StatusWorse      = "dårligere"
	StatusSame       = "uændret"
	StatusNoBaseline = "ingen baseline"
	StatusMissing    = "mangler"
	StatusSuppressed = "diskretioneret"
)

// AllAreas is the area of a figure for the plan's areas together.
const AllAreas = "alle"

// IndicatorValue is one plan indicator in one area for the data year.
type IndicatorValue struct {
	Indicator string        `json:"indicator"`
	Area      string        `json:"area"` // plan area id or AllAreas
	Unit      string        `json:"unit"`
	Better    string        `json:"better"`
	Value     suppress.Cell `json:"value"`
	HasValue  bool          `json:"hasValue"`
	Baseline  *float64      `json:"baseline,omitempty"`
	// Kommune is the plan's comparison baseline (kommune or what the plan
	// names instead).
	Kommune *float64 `json:"kommune,omitempty"`
	Target  *float64 `json:"target,omitempty"`
	Status  string   `json:"status"`
	Missing string   `json:"missing,omitempty"` // Danish reason when no value
}

// Criterion ids (almenboligloven § 61 a, stk. 1, nr. 1-4).
const (
	CritOutsideWork = "uden-for-arbejde-uddannelse" // > 40 % of 18-64, two-year average
	CritConvictions = "domfaeldte"                  // ≥ 3× the national share of 18+, two-year average
	CritEducation   = "kun-grundskole"              // > 60 % of 30-59 with only primary school
	CritIncome      = "indkomst"                    // < 55 % of the region's average gross income
)

// Verdicts: a criterion met, an area on a list "if it were published
// today". Unknown when a figure is missing or suppressed.
const (
	VerdictYes     = "ja"
	VerdictNo      = "nej"
	VerdictUnknown = "ukendt"
)

// Comparisons of a criterion's value with its threshold.
const (
	CompareOver    = ">" // over the threshold
	CompareAtLeast = "≥" // at least the threshold
	CompareUnder   = "<" // under the threshold
)

// CriterionValue is one § 61 a criterion in one area.
type CriterionValue struct {
	Criterion string        `json:"criterion"`
	Area      string        `json:"area"`
	Value     suppress.Cell `json:"value"` // percent (income: percent of the region)
	HasValue  bool          `json:"hasValue"`
	Threshold float64       `json:"threshold"`
	// Comparison is how the value meets the threshold (CompareOver, …).
	Comparison string `json:"comparison,omitempty"`
	// Crossed is true when the area meets the criterion.
	Crossed bool `json:"crossed"`
	// Met is the verdict: ja, nej, or ukendt (Missing says why).
	Met string `json:"met,omitempty"`
	// Margin is the distance to the threshold in percentage points:
	// positive is room left, negative how far past it the area is.
	Margin  float64 `json:"margin"`
	Years   []int   `json:"years,omitempty"`
	Missing string  `json:"missing,omitempty"`
	// Basis says what the value and the threshold are computed from:
	// figures, years and tables (Danish).
	Basis string `json:"basis,omitempty"`
	// Approximation says where Statbank does not have the statute's
	// population, what is used instead and which way that errs (Danish).
	Approximation string `json:"approximation,omitempty"`
	// Previous is the criterion in last year's pull, when that had a
	// value; Trend compares the margins (StatusBetter, StatusWorse,
	// StatusSame).
	Previous *PreviousCriterion `json:"previous,omitempty"`
	Trend    string             `json:"trend,omitempty"`
}

// PreviousCriterion is a criterion as last year's pull found it.
type PreviousCriterion struct {
	PlanYear  string  `json:"planYear"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Margin    float64 `json:"margin"`
}

// AreaDesignation is the § 61 a verdict for one area against the list of
// the list date: would the area be on it if it were published today.
type AreaDesignation struct {
	Area string `json:"area"`
	// Residents is the count the 1,000-resident test uses (0: unknown),
	// ResidentsSource where it comes from (Danish).
	Residents       int    `json:"residents,omitempty"`
	ResidentsSource string `json:"residentsSource,omitempty"`
	CriteriaMet     int    `json:"criteriaMet"`
	CriteriaUnknown int    `json:"criteriaUnknown"`
	// Udsat is the verdict on the list of udsatte boligområder (stk. 1
	// and 3): ja, nej or ukendt.
	Udsat string `json:"udsat"`
	// Parallelsamfund is the verdict on the list of parallelsamfund (stk.
	// 2), from the plan's non-western share when it gives one:
	// NonWesternShare percent in NonWesternYear.
	Parallelsamfund string   `json:"parallelsamfund"`
	NonWesternShare *float64 `json:"nonWesternShare,omitempty"`
	NonWesternYear  int      `json:"nonWesternYear,omitempty"`
	// Reasons explain the verdicts; Missing lists what would settle an
	// "ukendt" (Danish).
	Reasons []string `json:"reasons"`
	Missing []string `json:"missing,omitempty"`
	// Summary is the verdict in one line (Danish).
	Summary string `json:"summary"`
}

// EarlyWarning is a pull's § 61 a early warning: per area the four
// criteria and the verdicts, against the list of ListDate (yyyy-mm-dd).
type EarlyWarning struct {
	ListDate     string            `json:"listDate"`
	Criteria     []CriterionValue  `json:"criteria"`
	Designations []AreaDesignation `json:"designations"`
}

// Result is a finished pull, and what the read model holds.
type Result struct {
	PlanID     string           `json:"planId"`
	PlanYear   string           `json:"planYear"`
	DataYear   int              `json:"dataYear"`
	Years      []int            `json:"years"`
	PulledAt   time.Time        `json:"pulledAt"`
	Threshold  int              `json:"threshold"`
	Baselines  Baselines        `json:"baselines"`
	Issues     []Issue          `json:"issues,omitempty"`
	Indicators []IndicatorValue `json:"indicators"`
	Criteria   []CriterionValue `json:"criteria"`
	// ListDate is the 1 December (yyyy-mm-dd) of the list the early
	// warning speaks of; Designations are the verdicts per area.
	ListDate     string            `json:"listDate,omitempty"`
	Designations []AreaDesignation `json:"designations,omitempty"`
	// KeyFigures is the data request's status: "answered" or "cancelled".
	KeyFigures       string `json:"keyFigures"`
	KeyFiguresOnTime bool   `json:"keyFiguresOnTime"`
}

// EarlyWarning returns the result's § 61 a part.
func (r Result) EarlyWarning() *EarlyWarning {
	return &EarlyWarning{ListDate: r.ListDate, Criteria: r.Criteria, Designations: r.Designations}
}

// State is the query answer, and the run's state in the operator API
// (GET /api/v1/runs/{id}): once evaluated, with the early warning.
type State struct {
	PlanYear     string        `json:"planYear"`
	Stage        string        `json:"stage"`
	RequestID    string        `json:"requestId,omitempty"`
	Due          string        `json:"due,omitempty"`
	EarlyWarning *EarlyWarning `json:"earlyWarning,omitempty"`
}

// Stages of a pull.
const (
	StagePreparing  = "preparing"
	StageWaiting    = "waiting-for-key-figures"
	StageEvaluating = "evaluating"
	StageDone       = "done"
)
