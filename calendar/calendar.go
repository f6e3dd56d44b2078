// Package calendar derives the plan calendar: every dated milestone the
// secretariat follows (meetings, data deadlines, absence rounds, the
// statistics pull, the annual report, team meetings, eviction deadlines),
// from the plan and from what the read model says has changed (moved
// meetings, open requests, case deadlines). It is pure: adapters/calendar
// reads the read model into Live and serves the result as an iCalendar
// feed and an operator page.
//
// Every milestone has a UID that stays the same when its date moves, so
// a subscribed calendar moves the entry rather than adding one. Nothing
// personal is in a milestone: partners are organisations and named,
// eviction cases are counted (and small counts suppressed), never listed.
package calendar

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/schedules"
	"helhed/suppress"
	"helhed/workdays"
	"helhed/workflows/absence"
	"helhed/workflows/crisis"
	"helhed/workflows/eviction"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// Kinds of milestone (Milestone.Kind).
const (
	KindBoard         = "bestyrelse"
	KindSteeringGroup = "styregruppe"
	KindConference    = "konference"
	KindDataDeadline  = "datafrist"
	KindRequests      = "dataanmodninger"
	KindAbsence       = "fravaer"
	KindStatistics    = "statistik"
	KindAnnualReport  = "aarsrapport"
	KindTeamMeeting   = "teammoede"
	KindCrisis        = "beredskab"
	KindEviction      = "udsaettelse"
)

// Milestone is one calendar entry. An all-day entry covers the days from
// Start up to (not including) End, both midnight in the plan's zone.
type Milestone struct {
	UID         string
	Kind        string
	Start, End  time.Time
	AllDay      bool
	Summary     string // Danish
	Description string // Danish
}

// Day is the milestone's first day in loc.
func (m Milestone) Day(loc *time.Location) plan.Date { return plan.DateOf(m.Start.In(loc)) }

// Round is a meeting round as the read model has it: its key (the board
// date it was started for, or "summer-<date>") and when its meetings now
// start (Board is zero for the summer round).
type Round struct {
	Key      string
	Steering time.Time
	Board    time.Time
}

// DueRequests are the data requests due on one day from one partner.
type DueRequests struct {
	Due      plan.Date
	Partner  string // partner id
	Open     int
	Answered int
}

// CaseDeadline counts open eviction cases whose next deadline is Due, by
// what the deadline is (eviction stage).
type CaseDeadline struct {
	Due   plan.Date
	Stage string
	Cases int
}

// Live is what has happened since the plan was written, from the read
// model.
type Live struct {
	Rounds   []Round
	Requests []DueRequests
	Cases    []CaseDeadline
}

// Derive lists every milestone of p, with the live facts applied, sorted
// by start and UID.
func Derive(p *plan.Plan, live Live) ([]Milestone, error) {
	d := deriver{p: p, loc: p.Location()}
	d.meetings(live.Rounds)
	d.requests(live.Requests)
	d.cases(live.Cases)
	for _, src := range []func() error{d.absence, d.statistics, d.reports, d.teamMeetings, d.crisis} {
		if err := src(); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(d.out, func(i, j int) bool {
		if !d.out[i].Start.Equal(d.out[j].Start) {
			return d.out[i].Start.Before(d.out[j].Start)
		}
		return d.out[i].UID < d.out[j].UID
	})
	return d.out, nil
}

// Between returns the milestones starting on the days from first through
// last.
func Between(ms []Milestone, loc *time.Location, first, last plan.Date) []Milestone {
	var out []Milestone
	for _, m := range ms {
		if d := m.Day(loc); !d.Before(first) && !d.After(last) {
			out = append(out, m)
		}
	}
	return out
}

type deriver struct {
	p   *plan.Plan
	loc *time.Location
	out []Milestone
}

func (d *deriver) uid(kind, key string) string { return d.p.ID + "/" + kind + "/" + key + "@helhed" }

func (d *deriver) timed(kind, key string, start, end time.Time, summary, desc string) {
	d.out = append(d.out, Milestone{UID: d.uid(kind, key), Kind: kind, Start: start, End: end, Summary: summary, Description: desc})
}

func (d *deriver) allDay(kind, key string, day plan.Date, summary, desc string) {
	d.out = append(d.out, Milestone{UID: d.uid(kind, key), Kind: kind, Start: d.p.Midnight(day), End: d.p.Midnight(day.AddDays(1)),
		AllDay: true, Summary: summary, Description: desc})
}

// meetings are the board's, the steering group's and the conferences,
// at the dates their rounds now have.
func (d *deriver) meetings(rounds []Round) {
	gov := d.p.Governance
	live := map[string]Round{}
	for _, r := range rounds {
		live[r.Key] = r
	}
	bodyEnd := func(body plan.Body, start time.Time) time.Time {
		return start.Add(time.Duration(max(body.DurationMinutes, 60)) * time.Minute)
	}
	seen := map[string]bool{}
	round := func(key string, sg plan.Meeting, board *plan.Meeting) {
		seen[key] = true
		steerStart, _ := d.p.MeetingTimes(sg)
		var boardStart time.Time
		if board != nil {
			boardStart, _ = d.p.MeetingTimes(*board)
		}
		movedNote := ""
		if r, ok := live[key]; ok {
			if !r.Steering.IsZero() && !r.Steering.Equal(steerStart) {
				steerStart, movedNote = r.Steering, " Mødet er flyttet fra planens dato."
			}
			if board != nil && !r.Board.IsZero() && !r.Board.Equal(boardStart) {
				boardStart = r.Board
			}
		}
		steerDay := plan.DateOf(steerStart.In(d.loc))
		d.timed(KindSteeringGroup, key, steerStart, bodyEnd(gov.SteeringGroup.Body, steerStart),
			"Styregruppemøde: "+nameOr(gov.SteeringGroup.Name, "styregruppen"),
			"Styregruppens møde i mødeforløbet "+key+"."+movedNote+location(gov.SteeringGroup.Place))
		due := workdays.Add(steerDay, -meeting.DueWeekdays)
		d.allDay(KindDataDeadline, key, due, "Frist for data til styregruppemødet "+danish.Date(steerDay),
			"Styregruppens medlemmer og overvågningsenheden skal have svaret på mødeforløbets dataanmodninger.")
		if board != nil {
			boardDay := plan.DateOf(boardStart.In(d.loc))
			note := ""
			if boardDay != board.Date {
				note = " Mødet er flyttet fra planens dato " + danish.Date(board.Date) + "."
			}
			d.timed(KindBoard, key, boardStart, bodyEnd(gov.Board.Body, boardStart),
				"Bestyrelsesmøde: "+nameOr(gov.Board.Name, "bestyrelsen"),
				"Bestyrelsens "+meetingKind(board.Kind)+" i planåret "+board.Year+"."+note+location(gov.Board.Place))
		}
	}
	for _, m := range d.p.SteeringGroupMeetings() {
		if m.Kind == plan.MeetingSummer {
			round("summer-"+m.Date.String(), m, nil)
			continue
		}
		board := plan.Meeting{Body: plan.BodyBoard, Kind: m.Kind, Year: m.Year, Date: m.ForBoard}
		round(m.ForBoard.String(), m, &board)
	}
	// Rounds started on a date the plan does not have (an operator's
	// deviation) are in the calendar too.
	for _, r := range rounds {
		if seen[r.Key] || r.Steering.IsZero() {
			continue
		}
		steerDay := plan.DateOf(r.Steering.In(d.loc))
		sg := plan.Meeting{Body: plan.BodySteeringGroup, Kind: plan.MeetingSummer, Date: steerDay}
		if r.Board.IsZero() {
			round(r.Key, sg, nil)
			continue
		}
		boardDay := plan.DateOf(r.Board.In(d.loc))
		year, _ := d.p.YearOf(boardDay)
		round(r.Key, sg, &plan.Meeting{Body: plan.BodyBoard, Kind: "ekstra", Year: year.Label, Date: boardDay})
	}
	for _, m := range d.p.BoardMeetings() {
		if m.Kind != plan.MeetingStrategic {
			continue
		}
		start, _ := d.p.MeetingTimes(m)
		d.timed(KindBoard, "strategisk-"+m.Date.String(), start, bodyEnd(gov.Board.Body, start),
			"Bestyrelsens strategiske møde", "Bestyrelsens strategiske møde i planåret "+m.Year+"."+location(gov.Board.Place))
	}
	for _, m := range d.p.Conferences() {
		d.allDay(KindConference, m.Year, m.Date, nameOr(gov.Conference.Name, "Boligsocial konference"),
			"Den årlige konference, planåret "+m.Year+".")
	}
}

// requests are the data requests' deadlines: one entry per day, with the
// number of requests due and the partners (organisations) they are with.
func (d *deriver) requests(rs []DueRequests) {
	byDay := map[plan.Date][]DueRequests{}
	for _, r := range rs {
		byDay[r.Due] = append(byDay[r.Due], r)
	}
	for day, list := range byDay {
		sort.Slice(list, func(i, j int) bool { return d.partnerName(list[i].Partner) < d.partnerName(list[j].Partner) })
		total, open := 0, 0
		var lines []string
		for _, r := range list {
			total += r.Open + r.Answered
			open += r.Open
			lines = append(lines, fmt.Sprintf("%s: %s, heraf %s besvaret", d.partnerName(r.Partner), count(r.Open+r.Answered, "anmodning", "anmodninger"), strconv.Itoa(r.Answered)))
		}
		d.allDay(KindRequests, day.String(), day, fmt.Sprintf("Datafrist: %s (%s åbne)", count(total, "dataanmodning", "dataanmodninger"), strconv.Itoa(open)),
			"Dataanmodninger med frist i dag:\n"+strings.Join(lines, "\n"))
	}
}

func (d *deriver) partnerName(id string) string {
	if pt, ok := d.p.Partner(id); ok {
		return pt.Name
	}
	return id
}

// stageDeadline names what an eviction case's next deadline is.
var stageDeadline = map[string]string{
	string(eviction.StageOutreach):    "opsøgende kontakt",
	string(eviction.StagePaymentPlan): "afdrag på betalingsaftale",
	string(eviction.StageEscalated):   "påkrav eller betalingsfrist (lejeloven)",
}

// cases are the eviction cases' deadlines, counted per day and never more:
// counts under the plan's discretion threshold are shown suppressed.
func (d *deriver) cases(cs []CaseDeadline) {
	rule := suppress.Rule{Threshold: d.p.DiscretionThreshold}
	if rule.Threshold == 0 {
		rule.Threshold = plan.DefaultDiscretionThreshold
	}
	byDay := map[plan.Date][]CaseDeadline{}
	for _, c := range cs {
		if c.Cases > 0 {
			byDay[c.Due] = append(byDay[c.Due], c)
		}
	}
	for day, list := range byDay {
		sort.Slice(list, func(i, j int) bool { return list[i].Stage < list[j].Stage })
		total := 0
		var lines []string
		for _, c := range list {
			total += c.Cases
			what := stageDeadline[c.Stage]
			if what == "" {
				what = c.Stage
			}
			lines = append(lines, what+": "+rule.Show(rule.Count(float64(c.Cases))))
		}
		// The parts are published with their total: suppressed as a table,
		// so that no hidden part can be worked out by subtraction.
		if rule.Hide(float64(total)) || len(list) > 1 && anyHidden(rule, list) {
			lines = nil
		}
		summary := rule.Show(rule.Count(float64(total))) + " udsættelsessager med frist"
		desc := "Sager i udsættelsesforebyggelsen, hvis næste frist er i dag. Kun antal, aldrig lejere. " + rule.Note()
		if len(lines) > 0 {
			desc = strings.Join(lines, "\n") + "\n\n" + desc
		}
		d.allDay(KindEviction, day.String(), day, summary, desc)
	}
}

func anyHidden(rule suppress.Rule, list []CaseDeadline) bool {
	for _, c := range list {
		if rule.Hide(float64(c.Cases)) {
			return true
		}
	}
	return false
}

// occurrences decodes the inputs of a schedule source's occurrences.
func occurrences[T any](p *plan.Plan, src schedules.Source, each func(o schedules.Occurrence, in T)) error {
	specs, err := src(p)
	if err != nil {
		return err
	}
	for _, s := range specs {
		for _, o := range s.Occurrences {
			var in T
			if err := json.Unmarshal(o.Input, &in); err != nil {
				return fmt.Errorf("calendar: occurrence %s: %w", o.WorkflowID, err)
			}
			each(o, in)
		}
	}
	return nil
}

// absence is each quarter's round: its start, the schools' due date and
// the close, as the round computes them from its start.
func (d *deriver) absence() error {
	return occurrences(d.p, absence.ScheduleSpecs, func(o schedules.Occurrence, in absence.Input) {
		start := plan.DateOf(o.At.In(d.loc))
		due := workdays.Add(start, absence.DueWeekdays)
		closeDay := workdays.Add(due, absence.CutoffWeekdays)
		q := in.Quarter
		label := q
		if qq, err := parseQuarter(q); err == nil {
			label = danish.Quarter(qq.Year, qq.Q)
		}
		d.allDay(KindAbsence, q+"/start", start, "Fraværsopfølgning begynder: "+label, "Skolerne bliver bedt om kvartalets fraværsdata.")
		d.allDay(KindAbsence, q+"/frist", due, "Frist for skolernes fraværsdata: "+label, "Skolernes fraværsfiler skal være indsendt.")
		closeAt := time.Date(closeDay.Year, closeDay.Month, closeDay.Day, absence.CutoffHour, 0, 0, 0, d.loc)
		d.timed(KindAbsence, q+"/lukning", closeAt, closeAt.Add(30*time.Minute), "Fraværsrunden lukker: "+label,
			"Runden lukker med de filer, den har, og fraværsnotatet udarbejdes.")
	})
}

func parseQuarter(s string) (absence.Quarter, error) {
	var q absence.Quarter
	_, err := fmt.Sscanf(strings.ToUpper(s), "%d-Q%d", &q.Year, &q.Q)
	return q, err
}

func (d *deriver) statistics() error {
	return occurrences(d.p, statistics.Schedules, func(o schedules.Occurrence, in statistics.Input) {
		d.allDay(KindStatistics, in.PlanYear, plan.DateOf(o.At.In(d.loc)), "Statistikudtræk for planåret "+in.PlanYear,
			"Det årlige udtræk fra Danmarks Statistik og overvågningsenhedens tal til listerne pr. 1. december.")
	})
}

func (d *deriver) reports() error {
	return occurrences(d.p, report.Schedules, func(o schedules.Occurrence, in report.Input) {
		d.allDay(KindAnnualReport, in.PlanYear, plan.DateOf(o.At.In(d.loc)), "Årsrapport for planåret "+in.PlanYear+" udarbejdes",
			"Årsrapporten samles og sendes til godkendelse på bestyrelsens møde.")
	})
}

func (d *deriver) teamMeetings() error {
	return occurrences(d.p, absence.TeamMeetingSchedules, func(o schedules.Occurrence, in absence.TeamMeetingInput) {
		t, ok := d.p.TeamMeeting(in.Team)
		day, err := plan.ParseDate(in.Date)
		if !ok || err != nil {
			return
		}
		h, m := t.StartClock()
		start := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, d.loc)
		d.timed(KindTeamMeeting, in.Team+"/"+in.Date, start, start.Add(time.Duration(max(t.DurationMinutes, 30))*time.Minute),
			"Teammøde: "+t.Name, fmt.Sprintf("Fast teammøde hver %d. dag efter helhedsplanen.%s", t.EveryDays, location(t.Place)))
	})
}

func (d *deriver) crisis() error {
	return occurrences(d.p, crisis.StatusMeetingSchedules, func(o schedules.Occurrence, in crisis.StatusMeetingInput) {
		d.timed(KindCrisis, strings.TrimPrefix(o.WorkflowID, crisis.StatusMeetingID("")), o.At, o.At.Add(time.Hour),
			"Beredskabets statusmøde", "Årligt statusmøde i beredskabets styregruppe, planåret "+in.Year+".")
	})
}

func meetingKind(kind string) string {
	switch kind {
	case plan.MeetingAutumn:
		return "efterårsmøde"
	case plan.MeetingSpring:
		return "forårsmøde"
	}
	return "ekstra møde"
}

func nameOr(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

func location(place string) string {
	if place == "" {
		return ""
	}
	return " Sted: " + place + "."
}

// count writes "1 anmodning" or "3 anmodninger".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
