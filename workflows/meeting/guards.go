package meeting

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/workdays"
)

// The guards for a round's meeting dates. Starting a round (Input.Check)
// and moving its board meeting (the move-board validator) apply the same
// ones: a Danish weekday inside the plan period; not a strategic board
// meeting (those have no steering-group meeting, so no round); one of the
// plan's meetings or a stated reason to deviate; and dates that leave the
// partners their deadline for data before the progress report closes it.

// BoardMeeting is one of the plan's board meetings, as the guards read it.
type BoardMeeting struct {
	Date plan.Date `json:"date"`
	Kind string    `json:"kind"` // plan.MeetingAutumn, plan.MeetingSpring or plan.MeetingStrategic
}

func boardMeetings(p *plan.Plan) []BoardMeeting {
	var out []BoardMeeting
	for _, m := range p.BoardMeetings() {
		out = append(out, BoardMeeting{Date: m.Date, Kind: m.Kind})
	}
	return out
}

func summerMeetings(p *plan.Plan) []plan.Date {
	var out []plan.Date
	for _, m := range p.SteeringGroupMeetings() {
		if m.Kind == plan.MeetingSummer {
			out = append(out, m.Date)
		}
	}
	return out
}

// roundDates are the plan's board dates that have a round (autumn and
// spring meetings).
func roundDates(ms []BoardMeeting) []plan.Date {
	var out []plan.Date
	for _, m := range ms {
		if m.Kind == plan.MeetingAutumn || m.Kind == plan.MeetingSpring {
			out = append(out, m.Date)
		}
	}
	return out
}

func isStrategic(ms []BoardMeeting, d plan.Date) bool {
	strategic := false
	for _, m := range ms {
		if m.Date == d {
			if m.Kind != plan.MeetingStrategic {
				return false // a fixed meeting on the same day has its round
			}
			strategic = true
		}
	}
	return strategic
}

// checkWeekday refuses a weekend day or a Danish public holiday, naming it.
func checkWeekday(field string, d plan.Date) *fielderr.Error {
	if workdays.IsWeekday(d) {
		return nil
	}
	if name, ok := workdays.Holiday(d); ok {
		return fielderr.New(field, "%s er %s, en helligdag; vælg en hverdag", danish.LongDate(d), strings.ToLower(name))
	}
	return fielderr.New(field, "%s er en %s; vælg en hverdag", danish.LongDate(d), danish.Weekday(d.Weekday()))
}

// checkStrategic refuses a round for a strategic board meeting: the plan
// gives it no steering-group meeting, and a round would invent one.
func checkStrategic(field string, ms []BoardMeeting, d plan.Date) *fielderr.Error {
	if !isStrategic(ms, d) {
		return nil
	}
	return fielderr.New(field, "%s er bestyrelsens strategiske møde; det har intet styregruppemøde og ingen dataindsamling, "+
		"så der køres ikke et mødeforløb for det", danish.Date(d))
}

// checkPlanned requires a date of the plan (planned) or a reason to
// deviate from it, in reasonField.
func checkPlanned(field string, d plan.Date, planned []plan.Date, reasonField, reason string) *fielderr.Error {
	if strings.TrimSpace(reason) != "" {
		return nil
	}
	var nearest plan.Date
	for _, p := range planned {
		if p == d {
			return nil
		}
		if nearest.IsZero() || abs(d.DaysUntil(p)) < abs(d.DaysUntil(nearest)) {
			nearest = p
		}
	}
	msg := fmt.Sprintf("%s er ikke et af planens møder", danish.Date(d))
	if !nearest.IsZero() {
		msg += fmt.Sprintf(" (det nærmeste er %s)", danish.LongDate(nearest))
	}
	return fielderr.New(reasonField, "%s; skriv i %s, hvorfor mødet afviger fra planen, eller vælg planens dato (%s)", msg, reasonField, field)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// collection is what the deadline guard needs to know of the round's
// data requests: whether they have started, and the deadlines of those
// still open (a partner's deadline is never shortened).
type collection struct {
	started bool
	open    []plan.Date
}

// deadlineProblem says why a timeline would close data collection (the
// report) before the partners' deadline or in the past; "" when it does
// not. A round that opens now or late asks for data at least
// CatchUpWeekdays ahead (startRequests).
func deadlineProblem(tl Timeline, c collection, today plan.Date) string {
	if tl.Report.Before(today) {
		return fmt.Sprintf("fremdriftsrapporten skulle så udarbejdes %s, som er passeret", danish.Date(tl.Report))
	}
	latest := tl.Due
	if !c.started && !tl.Open.After(today) {
		if earliest := workdays.Add(today, CatchUpWeekdays); latest.Before(earliest) {
			latest = earliest
		}
	}
	for _, due := range c.open {
		if latest.Before(due) {
			latest = due
		}
	}
	if !tl.Report.After(latest) {
		return fmt.Sprintf("fremdriftsrapporten skulle så udarbejdes %s, men partnernes frist for data er %s", danish.Date(tl.Report), danish.Date(latest))
	}
	return ""
}

// firstWorkable is the first date after d, inside period, that is a
// weekday, not a strategic board meeting, and whose timeline ok accepts;
// zero if there is none.
func firstWorkable(d plan.Date, period plan.Period, ms []BoardMeeting, derive func(plan.Date) Timeline, ok func(Timeline) bool) plan.Date {
	for c := d.AddDays(1); period.Contains(c); c = c.AddDays(1) {
		if workdays.IsWeekday(c) && !isStrategic(ms, c) && ok(derive(c)) {
			return c
		}
	}
	return plan.Date{}
}

// tooEarly is the refusal of a date whose timeline fails the deadline
// guard, naming the first date that works.
func tooEarly(field string, d plan.Date, problem string, first plan.Date) *fielderr.Error {
	if first.IsZero() {
		return fielderr.New(field, "%s er for tidligt: %s; ingen senere dato i planperioden giver partnerne deres frist", danish.Date(d), problem)
	}
	return fielderr.New(field, "%s er for tidligt: %s. Første dato, der virker, er %s", danish.Date(d), problem, danish.LongDate(first))
}

// CapitalizeFirst upper-cases the first letter, for a title or the start
// of a sentence.
func CapitalizeFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// DateText writes a recorded yyyy-mm-dd date in Danish ("4. december
// 2026"); anything else as it is.
func DateText(iso string) string {
	d, err := plan.ParseDate(iso)
	if err != nil {
		return iso
	}
	return danish.Date(d)
}
