package plan

import (
	"fmt"
	"strings"
	"time"
)

// This file holds what the plan asks the board and the steering group to
// follow beside the milestones and indicators (issue 12): the economy
// against Landsbyggefonden's tilsagn, the staff hours the partners agreed
// to deliver, the standing team meetings, and the areas watched beside the
// plan's own.

// Economy is the plan's budget: per activity and plan year the planned
// amount and the part of it Landsbyggefonden's tilsagn (grant) covers. All
// amounts are whole kroner.
type Economy struct {
	// Source names the document the figures come from (the tilsagn letter,
	// the approved budget).
	Source string `yaml:"source,omitempty"`
	Note   string `yaml:"note,omitempty"`
	// Tilsagn is Landsbyggefonden's grant for the whole plan period; when
	// given, the budget lines' tilsagn must add up to it.
	Tilsagn int64        `yaml:"tilsagn,omitempty"`
	Budget  []BudgetLine `yaml:"budget,omitempty"`
}

// BudgetLine is one activity's budget. The amounts are listed one per plan
// year, in the plan's order, so that a plan moved to other years (an
// example continuation, a test plan) keeps its budget without relabelling.
type BudgetLine struct {
	Activity string `yaml:"activity"`
	// Planned is the activity's budget per plan year, in kroner.
	Planned []int64 `yaml:"planned"`
	// Tilsagn is the part of Planned that Landsbyggefonden's tilsagn
	// covers, per plan year; the rest is co-financing.
	Tilsagn []int64 `yaml:"tilsagn"`
	Note    string  `yaml:"note,omitempty"`
}

// BudgetYear is one activity's budget in one plan year.
type BudgetYear struct {
	Activity string
	Year     string // plan year label
	Planned  int64  // kr
	Tilsagn  int64  // kr
}

// Budget returns the budget lines of the plan year with the given label, in
// file order; nil for a year the plan has not.
func (p *Plan) Budget(year string) []BudgetYear {
	y, ok := p.PlanYear(year)
	if !ok {
		return nil
	}
	var out []BudgetYear
	for _, b := range p.Economy.Budget {
		if y.Index < len(b.Planned) && y.Index < len(b.Tilsagn) {
			out = append(out, BudgetYear{Activity: b.Activity, Year: y.Label, Planned: b.Planned[y.Index], Tilsagn: b.Tilsagn[y.Index]})
		}
	}
	return out
}

// WeeksPerYear turns weekly staff hours into a year's: the plan's own
// conversion ("312 medarbejdertimer pr. år ... gennemsnitligt 6 timer om
// ugen").
const WeeksPerYear = 52

// StaffLine is one staff-hour commitment of the plan's tables
// ("Medarbejderressourcer"): a focus area's or an activity's Resource.
type StaffLine struct {
	// Key is "<owner>/<n>", n counting the owner's resources from 1.
	Key string
	// Owner is the activity id, or the focus area id for a focus area's
	// own hours (the boligsocial staff hours).
	Owner     string
	OwnerName string
	FocusArea string
	Resource
}

// StaffLines lists the plan's staff-hour commitments: the focus areas'
// first, then the activities', in file order.
func (p *Plan) StaffLines() []StaffLine {
	var out []StaffLine
	for _, f := range p.FocusAreas {
		for i, r := range f.Resources {
			out = append(out, StaffLine{Key: fmt.Sprintf("%s/%d", f.ID, i+1), Owner: f.ID, OwnerName: f.Name, FocusArea: f.ID, Resource: r})
		}
	}
	for _, a := range p.Activities {
		for i, r := range a.Resources {
			out = append(out, StaffLine{Key: fmt.Sprintf("%s/%d", a.ID, i+1), Owner: a.ID, OwnerName: a.Name, FocusArea: a.FocusArea, Resource: r})
		}
	}
	return out
}

// HoursIn is what the line commits in plan year y: weekly hours times
// WeeksPerYear, yearly hours as they are, and hours "per total" (a
// one-off, such as the start-up hours "kun i 2021") in the plan's first
// year only.
func (l StaffLine) HoursIn(y PlanYear) float64 {
	switch l.Per {
	case "week":
		return l.Hours * WeeksPerYear
	case "year":
		return l.Hours
	case "total":
		if y.Index == 0 {
			return l.Hours
		}
	}
	return 0
}

// Weekdays a team may meet on, as written in the plan.
var teamWeekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday"}

// TeamMeeting is a team's standing meetings at a fixed cadence, e.g. the
// absence team that "forpligter sig til at mødes hver 14. dag".
type TeamMeeting struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Activity is the activity the team carries out.
	Activity string `yaml:"activity"`
	// Members are the partner ids whose staff make up the team; Convenor
	// (one of them) calls the meetings.
	Members  []string `yaml:"members"`
	Convenor string   `yaml:"convenor"`
	// EveryDays is the cadence: the first meeting is on the first Weekday
	// of the plan period, then one every EveryDays days; a meeting on a
	// public holiday moves to the next working day.
	EveryDays       int    `yaml:"every_days"`
	Weekday         string `yaml:"weekday"`    // monday … friday
	StartTime       string `yaml:"start_time"` // hh:mm, local
	DurationMinutes int    `yaml:"duration_minutes"`
	// Place is where the team meets (optional): the invitations' LOCATION.
	Place string `yaml:"place,omitempty"`
	// Source quotes where the plan document asks for the meetings.
	Source string `yaml:"source,omitempty"`
	Note   string `yaml:"note,omitempty"`
}

// Day is the meetings' weekday; ok is false if the plan's weekday is not
// monday … friday, which Parse rejects.
func (t TeamMeeting) Day() (day time.Weekday, ok bool) {
	for i, w := range teamWeekdays {
		if w == strings.ToLower(strings.TrimSpace(t.Weekday)) {
			return time.Monday + time.Weekday(i), true
		}
	}
	return 0, false
}

// StartClock is the meetings' start as hour and minute (0, 0 if the
// plan's start_time is not hh:mm, which Parse rejects).
func (t TeamMeeting) StartClock() (hour, minute int) {
	h, m, _ := parseClock(t.StartTime)
	return h, m
}

// TeamMeeting returns the team with the given id.
func (p *Plan) TeamMeeting(id string) (TeamMeeting, bool) {
	for _, t := range p.TeamMeetings {
		if t.ID == id {
			return t, true
		}
	}
	return TeamMeeting{}, false
}

// MonitoredArea is an area watched beside the plan's own work: an area the
// state monitors as at risk of the udsatte-boligområder list, or one the
// plan follows without activities of its own (Sjællandsgadekvarteret).
type MonitoredArea struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Area is the plan area id when the monitored area is one of the
	// plan's; empty for an area outside the plan.
	Area string `yaml:"area,omitempty"`
	// MonitoredBy says who watches it (Danish), e.g. "Staten (TBST)".
	MonitoredBy string `yaml:"monitored_by"`
	// Reason says why, in the plan document's words.
	Reason string `yaml:"reason,omitempty"`
	Source string `yaml:"source,omitempty"`
	// Indicators are what is watched; at least one.
	Indicators []MonitoredIndicator `yaml:"indicators"`
	Note       string               `yaml:"note,omitempty"`
}

// MonitoredIndicator is one measure watched in a monitored area.
type MonitoredIndicator struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	Unit string `yaml:"unit"`
	// Threshold is the level that matters (a § 61 a criterion's limit, the
	// 750 residents of the state's risk monitoring), when there is one.
	Threshold *float64 `yaml:"threshold,omitempty"`
	Note      string   `yaml:"note,omitempty"`
}
