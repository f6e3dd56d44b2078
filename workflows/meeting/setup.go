package meeting

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"helhed/danish"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// Member is a body's member as the round addresses it: a partner's role
// address, never a person.
type Member struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Body is the board or the steering group as the round needs it.
type Body struct {
	Name            string   `json:"name"`
	Members         []Member `json:"members"`
	FixedAgenda     []string `json:"fixedAgenda"`
	StartTime       string   `json:"startTime"` // hh:mm
	DurationMinutes int      `json:"durationMinutes"`
	Organizer       string   `json:"organizer"` // the secretariat's address
	// Place is where the body meets (the plan's, optional): the
	// invitations' LOCATION.
	Place string `json:"place,omitempty"`
}

// Duration is how long the body's meetings last: the plan's duration, or
// two hours.
func (b Body) Duration() time.Duration {
	if b.DurationMinutes <= 0 {
		return 2 * time.Hour
	}
	return time.Duration(b.DurationMinutes) * time.Minute
}

// TargetRef is one milestone target of the round's plan year and the form
// field that asks for its actual.
type TargetRef struct {
	Key          string `json:"key"` // field key in the member requests
	Activity     string `json:"activity"`
	ActivityName string `json:"activityName"`
	Metric       string `json:"metric"`
	Description  string `json:"description,omitempty"`
	Area         string `json:"area,omitempty"` // "" = the activity's areas together
	Unit         string `json:"unit"`
	// UnitName is the unit's Danish name from the plan (empty in setups
	// recorded before units had names: UnitText falls back to Unit).
	UnitName    string   `json:"unitName,omitempty"`
	Per         string   `json:"per"`
	Target      string   `json:"target"` // Danish, e.g. "mindst 12 youths pr. år"
	Bound       string   `json:"bound"`
	Min         float64  `json:"min"`
	Max         float64  `json:"max"`
	Responsible []string `json:"responsible"` // member ids asked for it
}

// IndicatorRef is one indicator the monitoring unit is asked for.
type IndicatorRef struct {
	Key       string      `json:"key"`
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Unit      string      `json:"unit"`
	PerArea   bool        `json:"perArea"`
	Baselines []AreaValue `json:"baselines,omitempty"`
}

// AreaValue is a value for one area.
type AreaValue struct {
	Area  string  `json:"area"`
	Value float64 `json:"value"`
}

// Area is an area id and name.
type Area struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Request is one data request the round sends, without its due date
// (the workflow sets it from the timeline).
type Request struct {
	Kind  string            `json:"kind"` // RequestProgress or RequestIndicators
	Input datarequest.Input `json:"input"`
}

// Request kinds.
const (
	RequestProgress   = "progress"
	RequestIndicators = "indicators"
)

// Setup is the plan as this round reads it, snapshotted by the Prepare
// activity so that the workflow never reads the plan itself (a plan file
// edited later must not change a running round's replay).
type Setup struct {
	PlanID     string         `json:"planId"`
	PlanName   string         `json:"planName"`
	TimeZone   string         `json:"timeZone"`
	Period     plan.Period    `json:"period"`
	OffsetDays int            `json:"offsetDays"`
	Meeting    string         `json:"meeting"` // autumn, spring, summer
	Year       string         `json:"year"`
	Steering   Body           `json:"steering"`
	Board      Body           `json:"board"`
	Areas      []Area         `json:"areas"`
	Targets    []TargetRef    `json:"targets"`
	Indicators []IndicatorRef `json:"indicators"`
	Requests   []Request      `json:"requests"`
	// Budget and Staff are the year's budget lines and staff-hour
	// commitments (followup.go); empty for a round prepared before they
	// existed.
	Budget []BudgetRef `json:"budget,omitempty"`
	Staff  []StaffRef  `json:"staff,omitempty"`
	// BoardMeetings are the plan's board meetings, for the move-board
	// guards; empty for a round prepared before they were kept.
	BoardMeetings []BoardMeeting `json:"boardMeetings,omitempty"`
}

// BuildSetup reads what the round needs from the plan.
func BuildSetup(p *plan.Plan, in Input) (Setup, error) {
	if fe := in.Check(p, plan.Date{}, false); fe != nil {
		return Setup{}, fe
	}
	s := Setup{PlanID: p.ID, PlanName: p.Name, TimeZone: p.Location().String(), Period: p.Period,
		OffsetDays: p.Governance.SteeringGroup.OffsetDays, BoardMeetings: boardMeetings(p)}
	var tl Timeline
	if in.Summer() {
		d, _ := plan.ParseDate(in.SummerDate)
		s.Meeting, tl = plan.MeetingSummer, DeriveSummer(d)
	} else {
		d, _ := plan.ParseDate(in.BoardDate)
		s.Meeting, tl = boardMeetingKind(p, d), Derive(d, s.OffsetDays)
	}
	y, ok := p.YearOf(tl.Steering)
	if !ok {
		return Setup{}, fmt.Errorf("steering-group date %s is outside the plan period %s", tl.Steering, p.Period)
	}
	s.Year = y.Label
	var err error
	if s.Steering, err = body(p, p.Governance.SteeringGroup.Body); err != nil {
		return Setup{}, err
	}
	if s.Board, err = body(p, p.Governance.Board.Body); err != nil {
		return Setup{}, err
	}
	for _, a := range p.Areas {
		s.Areas = append(s.Areas, Area{ID: a.ID, Name: a.Name})
	}
	s.Targets = targets(p, s.Year, s.Steering.Members)
	s.Indicators = indicators(p)
	s.Budget = budgetRefs(p, s.Year)
	s.Staff = staffRefs(p, s.Year, s.Steering.Members)
	s.Requests = requests(p, in, s, tl.Steering)
	return s, nil
}

// boardMeetingKind names a board date after the plan's meeting on it, or
// by half-year for a date the plan does not list.
func boardMeetingKind(p *plan.Plan, d plan.Date) string {
	for _, m := range p.BoardMeetings() {
		if m.Date == d && (m.Kind == plan.MeetingAutumn || m.Kind == plan.MeetingSpring) {
			return m.Kind
		}
	}
	if d.Month >= time.July {
		return plan.MeetingAutumn
	}
	return plan.MeetingSpring
}

func body(p *plan.Plan, b plan.Body) (Body, error) {
	out := Body{Name: b.Name, FixedAgenda: b.FixedAgenda, StartTime: b.StartTime, DurationMinutes: b.DurationMinutes, Place: b.Place}
	if sec, ok := p.Partner(b.Secretariat); ok {
		out.Organizer = sec.Email
	}
	for _, id := range b.Members {
		pt, ok := p.Partner(id)
		if !ok {
			return Body{}, fmt.Errorf("%s: member %q is not a plan partner", b.Name, id)
		}
		out.Members = append(out.Members, Member{ID: pt.ID, Name: pt.Name, Email: pt.Email})
	}
	return out, nil
}

// targets lists the year's activity targets that a steering-group member
// is responsible for, each with a field key.
func targets(p *plan.Plan, year string, members []Member) []TargetRef {
	isMember := map[string]bool{}
	for _, m := range members {
		isMember[m.ID] = true
	}
	var out []TargetRef
	for _, a := range p.Activities {
		var resp []string
		for _, r := range a.Responsible {
			if isMember[r] {
				resp = append(resp, r)
			}
		}
		if len(resp) == 0 {
			continue
		}
		for _, t := range a.Targets {
			if t.Year != year {
				continue
			}
			ft := plan.FlatTarget{}
			for _, f := range p.Targets() {
				if f.Activity == a.ID && f.Year == t.Year && f.Metric == t.Metric && f.Area == t.Area {
					ft = f
					break
				}
			}
			out = append(out, TargetRef{
				Key: fmt.Sprintf("t%02d", len(out)+1), Activity: a.ID, ActivityName: a.Name,
				Metric: t.Metric, Description: t.Description, Area: t.Area, Unit: t.Unit, UnitName: p.UnitName(t.Unit), Per: ft.Per,
				Target: TargetText(p, ft), Bound: ft.Bound, Min: ft.Min, Max: ft.Max, Responsible: resp,
			})
		}
	}
	return out
}

// UnitText is the unit as users read it.
func (t TargetRef) UnitText() string {
	if t.UnitName != "" {
		return t.UnitName
	}
	return t.Unit
}

// TargetText describes a target in Danish: "mindst 12 unge pr. år".
func TargetText(p *plan.Plan, t plan.FlatTarget) string {
	var s string
	switch t.Bound {
	case plan.BoundAbout:
		s = "ca. " + danish.FormatNumber(t.Value, -1)
	case plan.BoundAtLeast:
		s = "mindst " + danish.FormatNumber(t.Min, -1)
	case plan.BoundAtMost:
		s = "højst " + danish.FormatNumber(t.Max, -1)
	case plan.BoundBetween:
		s = danish.FormatNumber(t.Min, -1) + "–" + danish.FormatNumber(t.Max, -1)
	default:
		s = danish.FormatNumber(t.Value, -1)
	}
	per := map[string]string{plan.PerYear: "pr. år", plan.PerMonth: "pr. måned", plan.PerAtATime: "ad gangen"}[t.Per]
	return strings.TrimSpace(s + " " + p.UnitName(t.Unit) + " " + per)
}

// Reached says whether actual meets the target (see plan.Target.Reached).
func (t TargetRef) Reached(actual float64) bool {
	switch t.Bound {
	case plan.BoundBetween:
		return actual >= t.Min && actual <= t.Max
	case plan.BoundAtMost:
		return actual <= t.Max
	}
	return actual >= t.Min
}

func indicators(p *plan.Plan) []IndicatorRef {
	var out []IndicatorRef
	for i, ind := range p.Indicators {
		ref := IndicatorRef{Key: fmt.Sprintf("i%02d", i+1), ID: ind.ID, Name: ind.Name, Unit: ind.Unit}
		for _, b := range ind.Baselines {
			if b.Area != "" {
				ref.PerArea = true
				ref.Baselines = append(ref.Baselines, AreaValue{Area: b.Area, Value: b.Value})
			}
		}
		out = append(out, ref)
	}
	return out
}

// MeetingTitle names a body's meeting by its date, as the plan dates it:
// "styregruppens møde den 14. januar 2027" (a body named with more than
// one word: "mødet i <name> den …"). Meetings are not named by season: the
// plan's "spring" board meeting may fall in January.
func MeetingTitle(bodyName string, d plan.Date) string {
	name := bodyName
	if r, size := utf8.DecodeRuneInString(name); size > 0 {
		name = string(unicode.ToLower(r)) + name[size:]
	}
	switch {
	case name == "":
		return "mødet den " + danish.Date(d)
	case strings.ContainsAny(name, " \t"):
		return "mødet i " + name + " den " + danish.Date(d)
	case strings.HasSuffix(name, "s") || strings.HasSuffix(name, "x") || strings.HasSuffix(name, "z"):
		return name + "' møde den " + danish.Date(d)
	}
	return name + "s møde den " + danish.Date(d)
}

// requestTitle is a data request's title for a round whose steering group
// meets on steering.
func requestTitle(kind string, s Setup, steering plan.Date) string {
	what := MeetingTitle(s.Steering.Name, steering)
	switch kind {
	case RequestIndicators:
		return "Indikatordata til " + what
	case RequestBudget:
		return "Økonomiopfølgning til " + what
	}
	return "Fremdriftsdata til " + what
}

// requests builds the data requests: one per steering-group member (its
// activities' progress and its news) and one to the monitoring unit.
func requests(p *plan.Plan, in Input, s Setup, steering plan.Date) []Request {
	base := "meeting/" + p.ID + "/" + in.Key() + "/"
	origin := WorkflowID(in)
	var out []Request
	for _, m := range s.Steering.Members {
		var fields []datarequest.Field
		for _, t := range s.Targets {
			for _, r := range t.Responsible {
				if r != m.ID {
					continue
				}
				fields = append(fields, datarequest.Field{
					Key: t.Key, Label: t.ActivityName + ": " + s.Measure(t), Type: targetType(t.Unit), Unit: t.UnitText(),
					Help: fmt.Sprintf("Jeres bidrag i planåret %s indtil nu. Mål for året: %s.", s.Year, t.Target),
				})
			}
		}
		staff := s.staffFields(m.ID)
		fields = append(fields, staff...)
		fields = append(fields, datarequest.Field{Key: "status", Label: "Status og nyt fra jer", Type: datarequest.Text,
			Help: "Kort status til punktet »Nyt fra deltagerne«: hvad går godt, hvad driller, hvad skal styregruppen vide?"})
		hours := ""
		if len(staff) > 0 {
			hours = "Angiv også de medarbejdertimer, I har leveret i planåret, mod de aftalte timer i planens tabeller. "
		}
		out = append(out, Request{Kind: RequestProgress, Input: datarequest.Input{
			RequestID: base + m.ID, Partner: m.ID, Period: s.Year, Origin: origin,
			Title: requestTitle(RequestProgress, s, steering),
			Instructions: fmt.Sprintf("Styregruppen følger op på milepælsplanen for planåret %s. Udfyld jeres tal for de aktiviteter, I har ansvaret for, "+
				"og giv en kort status. %sTallene indgår i fremdriftsrapporten til mødet og i bestyrelsens mødemateriale.", s.Year, hours),
			Fields: fields, Reminders: reminderPolicy(),
		}})
	}
	if mu := p.Governance.MonitoringUnit; mu != "" {
		var fields []datarequest.Field
		var areas []string
		for _, a := range s.Areas {
			areas = append(areas, a.ID)
		}
		for _, ind := range s.Indicators {
			fields = append(fields, datarequest.Field{Key: ind.Key, Label: ind.Name, Type: datarequest.Decimal, Unit: ind.Unit, PerArea: ind.PerArea,
				Help: "Seneste opgjorte værdi; lad feltet stå tomt, hvis der ikke er nye tal."})
		}
		fields = append(fields, datarequest.Field{Key: "kilde", Label: "Datagrundlag og opgørelsesperiode", Type: datarequest.Text})
		out = append(out, Request{Kind: RequestIndicators, Input: datarequest.Input{
			RequestID: base + "indikatorer/" + mu, Partner: mu, Period: s.Year, Origin: origin, Areas: areas,
			Title:        requestTitle(RequestIndicators, s, steering),
			Instructions: "Indberet de seneste værdier for planens indikatorer pr. boligområde. De sammenholdes med baseline i fremdriftsrapporten.",
			Fields:       fields, Reminders: reminderPolicy(),
		}})
	}
	if b := budgetRequest(p, in, s, base, requestTitle(RequestBudget, s, steering), origin); b != nil {
		out = append(out, *b)
	}
	return out
}

// targetType is the field type a milestone target's actual is asked in:
// a percentage for a target in percent, otherwise a count (the plans'
// activity targets count persons, youths, families, courses, workshops,
// weeks…), so the form refuses "3,5" forløb and, as every count, a
// negative figure (datarequest.Bounds). The target's own bounds are the
// goal the actual is measured against (TargetRef.Reached), not limits on
// what may be reported: an actual above "højst 5 ad gangen" is a result
// to show, not a typing error.
func targetType(unit string) datarequest.FieldType {
	if unit == "percent" {
		return datarequest.Percentage
	}
	return datarequest.Integer
}

// reminderPolicy: a reminder 3 weekdays before and on the due date, one 2
// weekdays after, and the escalation 3 weekdays after, so the secretariat
// hears of a missing answer before the report closes (ReportWeekdays
// after the due date).
func reminderPolicy() *datarequest.ReminderPolicy {
	return &datarequest.ReminderPolicy{BeforeDue: []int{3}, OnDue: true, AfterDue: []int{2}, EscalateAfter: 3}
}

// Measure says what a target counts, in the plan's words: its
// description (or metric), and the area's name when it is one area's.
func (s Setup) Measure(t TargetRef) string {
	m := cmp.Or(t.Description, t.Metric)
	if t.Area != "" {
		m += " (" + s.AreaName(t.Area) + ")"
	}
	return m
}

// AreaName is the name of area id (id itself for an unknown area).
func (s Setup) AreaName(id string) string {
	for _, a := range s.Areas {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}
