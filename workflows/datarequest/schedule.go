package datarequest

import (
	"sort"
	"time"

	"helhed/plan"
	"helhed/workdays"
)

// SendHour is the local hour reminders and escalations go out.
const SendHour = 8

// Event kinds of the schedule.
const (
	EventReminder   = "reminder"
	EventEscalation = "escalation"
)

// Event is one planned reminder or escalation.
type Event struct {
	At   time.Time
	Kind string
	// AfterDue is set for reminders sent once the due date has passed.
	AfterDue bool
}

// Schedule lists the policy's reminders and escalation for a due date, in
// time order, counting Danish weekdays: a reminder N weekdays before the
// due date, one on it (on the last weekday up to it when it falls on a
// weekend or holiday), reminders N weekdays after it, and the escalation
// EscalateAfter weekdays after it (0: none). Each goes out at SendHour
// local time.
func Schedule(due plan.Date, p ReminderPolicy, loc *time.Location) []Event {
	at := func(d plan.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, SendHour, 0, 0, 0, loc) }
	seen := map[plan.Date]bool{}
	var out []Event
	add := func(d plan.Date, kind string, after bool) {
		if kind == EventReminder && seen[d] {
			return // two rules landing on one day send one reminder
		}
		if kind == EventReminder {
			seen[d] = true
		}
		out = append(out, Event{At: at(d), Kind: kind, AfterDue: after})
	}
	for _, n := range p.BeforeDue {
		add(workdays.Add(due, -n), EventReminder, false)
	}
	if p.OnDue {
		add(workdays.OnOrBefore(due), EventReminder, false)
	}
	for _, n := range p.AfterDue {
		add(workdays.Add(due, n), EventReminder, true)
	}
	if p.EscalateAfter > 0 {
		add(workdays.Add(due, p.EscalateAfter), EventEscalation, true)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// policy is the input's reminder policy or the default.
func policy(in *Input) ReminderPolicy {
	if in.Reminders != nil {
		return *in.Reminders
	}
	return DefaultReminders()
}
