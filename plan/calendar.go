package plan

import (
	"fmt"
	"sort"
	"time"
)

// Location returns the plan's time zone. Parse resolves it once; for a Plan
// built by hand it is resolved on each call (not cached, so that a shared
// Plan is never written to) and falls back to UTC if the name is bad, which
// Parse would have rejected.
func (p *Plan) Location() *time.Location {
	if p.loc != nil {
		return p.loc
	}
	name := p.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DateOf returns the civil date of t in the plan's time zone.
func (p *Plan) DateOf(t time.Time) Date { return DateOf(t.In(p.Location())) }

// Midnight returns the start of d in the plan's time zone.
func (p *Plan) Midnight(d Date) time.Time { return d.In(p.Location()) }

// PlanYears returns the plan's years (1 July – 30 June for a plan starting on
// 1 July), in order.
func (p *Plan) PlanYears() []PlanYear { return planYears(p.Period) }

// YearOf returns the plan year containing d; false if d is outside the plan.
func (p *Plan) YearOf(d Date) (PlanYear, bool) {
	for _, y := range p.PlanYears() {
		if y.Period.Contains(d) {
			return y, true
		}
	}
	return PlanYear{}, false
}

// PlanYear returns the plan year with the given label ("2021-22").
func (p *Plan) PlanYear(label string) (PlanYear, bool) {
	for _, y := range p.PlanYears() {
		if y.Label == label {
			return y, true
		}
	}
	return PlanYear{}, false
}

// Governing bodies and meeting kinds, as used in Meeting.
const (
	BodyBoard         = "board"
	BodySteeringGroup = "steering-group"
	BodyConference    = "conference"

	MeetingAutumn     = "autumn"
	MeetingSpring     = "spring"
	MeetingStrategic  = "strategic"
	MeetingSummer     = "summer"
	MeetingConference = "conference"
)

// Meeting is one dated meeting of a governing body.
type Meeting struct {
	Body string // BodyBoard, BodySteeringGroup or BodyConference
	Kind string // MeetingAutumn, MeetingSpring, MeetingStrategic, MeetingSummer, MeetingConference
	Year string // plan year label
	Date Date
	// ForBoard is, for a steering-group meeting derived from a board
	// meeting, the date of that board meeting; zero otherwise.
	ForBoard Date
}

// String formats m for logs, e.g. "board autumn 2021-11-24".
func (m Meeting) String() string { return fmt.Sprintf("%s %s %s", m.Body, m.Kind, m.Date) }

// BoardMeetings returns every board meeting (autumn, spring and strategic)
// sorted by date.
func (p *Plan) BoardMeetings() []Meeting {
	var ms []Meeting
	for _, y := range p.Governance.Board.Meetings {
		if !y.Autumn.IsZero() {
			ms = append(ms, Meeting{Body: BodyBoard, Kind: MeetingAutumn, Year: y.Year, Date: y.Autumn})
		}
		if !y.Spring.IsZero() {
			ms = append(ms, Meeting{Body: BodyBoard, Kind: MeetingSpring, Year: y.Year, Date: y.Spring})
		}
		for _, d := range y.Strategic {
			ms = append(ms, Meeting{Body: BodyBoard, Kind: MeetingStrategic, Year: y.Year, Date: d})
		}
	}
	sortMeetings(ms)
	return ms
}

// SteeringGroupMeetings returns the steering group's meetings sorted by date:
// one OffsetDays before each autumn and spring board meeting (so that its
// recommendations reach the board), plus the summer meetings.
func (p *Plan) SteeringGroupMeetings() []Meeting {
	sg := p.Governance.SteeringGroup
	var ms []Meeting
	for _, b := range p.BoardMeetings() {
		if b.Kind != MeetingAutumn && b.Kind != MeetingSpring {
			continue
		}
		ms = append(ms, Meeting{Body: BodySteeringGroup, Kind: b.Kind, Year: b.Year, Date: b.Date.AddDays(-sg.OffsetDays), ForBoard: b.Date})
	}
	for _, s := range sg.Summer {
		ms = append(ms, Meeting{Body: BodySteeringGroup, Kind: MeetingSummer, Year: s.Year, Date: s.Date})
	}
	sortMeetings(ms)
	return ms
}

// Conferences returns the annual conference dates sorted.
func (p *Plan) Conferences() []Meeting {
	var ms []Meeting
	for _, c := range p.Governance.Conference.Dates {
		ms = append(ms, Meeting{Body: BodyConference, Kind: MeetingConference, Year: c.Year, Date: c.Date})
	}
	sortMeetings(ms)
	return ms
}

// MeetingTimes returns when m starts and ends in the plan's time zone, from
// its body's start_time and duration_minutes. A conference has no time of
// day in the plan and gets the whole day.
func (p *Plan) MeetingTimes(m Meeting) (start, end time.Time) {
	var body Body
	switch m.Body {
	case BodyBoard:
		body = p.Governance.Board.Body
	case BodySteeringGroup:
		body = p.Governance.SteeringGroup.Body
	default:
		start = p.Midnight(m.Date)
		return start, p.Midnight(m.Date.AddDays(1))
	}
	h, mm, ok := parseClock(body.StartTime)
	if !ok {
		start = p.Midnight(m.Date)
		return start, p.Midnight(m.Date.AddDays(1))
	}
	start = time.Date(m.Date.Year, m.Date.Month, m.Date.Day, h, mm, 0, 0, p.Location())
	return start, start.Add(time.Duration(body.DurationMinutes) * time.Minute)
}

// parseClock parses "hh:mm" (24-hour).
func parseClock(s string) (h, m int, ok bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

func sortMeetings(ms []Meeting) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Date.Before(ms[j].Date) })
}
