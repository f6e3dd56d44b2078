package schedules

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/plan"
)

// Cycle names: the last part of a schedule ID. The ones without a
// registration here are reserved for the capabilities that add them.
const (
	CycleMeetingRound        = "meeting-round"
	CycleAbsenceFollowUp     = "absence-follow-up"
	CycleStatisticsPull      = "statistics-pull"
	CycleAnnualReport        = "annual-report"
	CycleCrisisStatusMeeting = "crisis-status-meeting"
	CycleTeamMeeting         = "team-meeting"
)

// Prefix starts every helhed schedule ID.
const Prefix = "helhed/"

// ID is the schedule ID of a plan's cycle: "helhed/<plan>/<cycle>".
func ID(planID, cycle string) string { return Prefix + planID + "/" + cycle }

// Spec is one Schedule helhed wants. Set either Occurrences (the usual case:
// dated occurrences started through Launch) or Calendars/Intervals with
// Workflow and Args.
type Spec struct {
	ID    string // ID(plan, cycle)
	Cycle string
	// Title is Danish, for `starter schedules list`.
	Title string

	Occurrences []Occurrence

	Calendars []client.ScheduleCalendarSpec
	Intervals []client.ScheduleIntervalSpec
	Workflow  string
	Args      []any
}

// Occurrence is one dated run of a cycle.
type Occurrence struct {
	// At is when the schedule fires for it (whole minutes).
	At time.Time `json:"at"`
	// NotAfter: a fire time after it no longer starts this occurrence
	// (e.g. the meeting has been held); zero means never stale.
	NotAfter   time.Time       `json:"notAfter,omitzero"`
	Workflow   string          `json:"workflow"`
	WorkflowID string          `json:"workflowId"`
	Input      json.RawMessage `json:"input"`
	Title      string          `json:"title,omitempty"` // Danish
}

// NewOccurrence encodes input as the occurrence's workflow input.
func NewOccurrence(at, notAfter time.Time, workflowName, workflowID, title string, input any) (Occurrence, error) {
	raw, err := json.Marshal(input)
	if err != nil {
		return Occurrence{}, fmt.Errorf("occurrence %s: encode input: %w", workflowID, err)
	}
	return Occurrence{At: at.UTC(), NotAfter: notAfter.UTC(), Workflow: workflowName, WorkflowID: workflowID, Input: raw, Title: title}, nil
}

// Source derives a capability's specs from the plan.
type Source func(p *plan.Plan) ([]Spec, error)

// Desired returns the sources' specs for p, sorted by ID, after checking
// them: IDs under "helhed/<plan>/", unique, and each spec with exactly one
// kind of action.
func Desired(p *plan.Plan, sources []Source) ([]Spec, error) {
	var all []Spec
	for _, src := range sources {
		specs, err := src(p)
		if err != nil {
			return nil, fmt.Errorf("schedules: %w", err)
		}
		all = append(all, specs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	seen := map[string]bool{}
	for _, s := range all {
		if err := s.check(p.ID); err != nil {
			return nil, err
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("schedule %s: defined twice", s.ID)
		}
		seen[s.ID] = true
	}
	return all, nil
}

func (s Spec) check(planID string) error {
	want := Prefix + planID + "/"
	switch {
	case !strings.HasPrefix(s.ID, want):
		return fmt.Errorf("schedule %q: ID must start with %q", s.ID, want)
	case len(s.Occurrences) > 0 && (s.Workflow != "" || len(s.Calendars) > 0 || len(s.Intervals) > 0):
		return fmt.Errorf("schedule %s: set either occurrences or calendars/intervals with a workflow", s.ID)
	case len(s.Occurrences) == 0 && (s.Workflow == "" || len(s.Calendars)+len(s.Intervals) == 0):
		return fmt.Errorf("schedule %s: no occurrences, and no workflow with calendars or intervals", s.ID)
	}
	ids := map[string]bool{}
	for i, o := range s.Occurrences {
		if o.Workflow == "" || o.WorkflowID == "" {
			return fmt.Errorf("schedule %s: occurrence %d lacks workflow or workflow ID", s.ID, i)
		}
		if ids[o.WorkflowID] {
			return fmt.Errorf("schedule %s: workflow ID %s twice", s.ID, o.WorkflowID)
		}
		ids[o.WorkflowID] = true
		if o.At.Second() != 0 || o.At.Nanosecond() != 0 {
			return fmt.Errorf("schedule %s: occurrence %s is not on a whole minute", s.ID, o.WorkflowID)
		}
	}
	return nil
}

// LocalAt is d at hh:mm in loc: the usual fire time of an occurrence.
func LocalAt(d plan.Date, hour, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}
