package eviction

import (
	"fmt"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/eviction/legal"
)

// zone is Europe/Copenhagen: every date of the legal clock is a Danish
// civil date. The zone data is embedded (plan imports time/tzdata), so
// workflow code reading it is deterministic.
var zone = func() *time.Location {
	loc, err := time.LoadLocation(plan.DefaultTimeZone)
	if err != nil {
		panic(fmt.Sprintf("eviction: time zone %s: %v", plan.DefaultTimeZone, err))
	}
	return loc
}()

// Change ids of workflow.GetVersion where the hverdag clock (package
// legal) replaced the weekday clock: one for the legal clock of an
// escalation, one for the check days of a payment plan's instalments.
const (
	changeLegalClock      = "hverdag-clock-legal"
	changeInstalmentCheck = "hverdag-clock-instalment-check"
)

// The weekday clock, kept for cases whose legal clock started on it
// (ClockWeekdays): weekdays are Monday to Friday (package workdays), the
// påkrav may be sent on the third weekday after the due date, and the
// deadline is 14 days after sending, moved to the next weekday.
const (
	weekdayDemandAfter  = 3
	weekdayDeadlineDays = 14
)

func weekdayDemandEarliest(due plan.Date) plan.Date { return workdays.Add(due, weekdayDemandAfter) }

func weekdayDeadline(sent plan.Date) plan.Date {
	return workdays.OnOrAfter(sent.AddDays(weekdayDeadlineDays))
}

// instalmentCheckOn is an instalment's check day on the given clock: the
// first day a påkrav could be sent for it.
func instalmentCheckOn(clock int, due plan.Date) plan.Date {
	if clock == ClockHverdage {
		return legal.DemandEarliest(due).Date
	}
	return weekdayDemandEarliest(due)
}

// startLegal starts a legal clock of the given kind for the unpaid due
// date due.
func startLegal(clock int, due plan.Date) *Legal {
	l := &Legal{Clock: clock, DueDate: due}
	if clock != ClockHverdage {
		l.DemandEarliest = weekdayDemandEarliest(due)
		return l
	}
	last, earliest := legal.LastDayToPay(due), legal.DemandEarliest(due)
	l.LastDayToPay, l.LastDayToPayReason = last.Date, last.Reason
	l.DemandEarliest, l.DemandEarliestReason = earliest.Date, earliest.Reason
	return l
}

// recordDemand sets the dates a påkrav sets running on the hverdag clock.
func (l *Legal) recordDemand(sent plan.Date, method legal.Method, received plan.Date, rules plan.DemandReceipt) {
	d := legal.AfterDemand(sent, method, received, rules)
	l.DemandSentOn, l.DemandMethod = sent, method
	l.DemandReceivedOn, l.DemandReceivedReason = d.Received.Date, d.Received.Reason
	l.Deadline, l.DeadlineReason = d.Deadline.Date, d.Deadline.Reason
	l.TerminationEarliest, l.TerminationEarliestReason = d.TerminationEarliest.Date, d.TerminationEarliest.Reason
}

// demandFrom is the first day the case takes a påkrav, with its reason.
// A case on the weekday clock shows its own date, but a påkrav is never
// taken before the hverdag clock allows: one sent a day early voids the
// ophævelse.
func (l *Legal) demandFrom() legal.Dated {
	by := legal.DemandEarliest(l.DueDate)
	if l.Clock == ClockHverdage || !l.DemandEarliest.After(by.Date) {
		return by
	}
	return legal.Dated{Date: l.DemandEarliest, Reason: fmt.Sprintf("tidligst %s: %d. hverdag (mandag–fredag) efter forfaldsdagen %s, som sagen blev eskaleret med",
		danish.LongDate(l.DemandEarliest), weekdayDemandAfter, danish.LongDate(l.DueDate))}
}

// terminationFrom is the first date an ophævelse may carry, with its
// reason. On the weekday clock it is the day after the deadline counted
// from sending; when the påkrav was registered with its way of sending or
// its receipt, the hverdag clock's date (with the default receipt
// assumptions) when that is later.
func (l *Legal) terminationFrom() legal.Dated {
	if l.Clock == ClockHverdage {
		return legal.Dated{Date: l.TerminationEarliest, Reason: l.TerminationEarliestReason}
	}
	from := legal.TerminationEarliest(l.Deadline)
	if l.DemandMethod != "" || !l.DemandReceivedOn.IsZero() {
		if by := legal.AfterDemand(l.DemandSentOn, l.DemandMethod, l.DemandReceivedOn, plan.DefaultDemandReceipt).TerminationEarliest; by.Date.After(from.Date) {
			return by
		}
	}
	return from
}

// OutreachDue is when the housing-social worker should have reached the
// tenant, counted from from.
func OutreachDue(from plan.Date) plan.Date { return workdays.Add(from, OutreachWeekdays) }

// startOf is midnight at the start of d in Copenhagen.
func startOf(d plan.Date) time.Time { return d.In(zone) }

// DateOf is the Copenhagen civil date of t: the date every rule of the
// legal clock, and "today" for operator input, is counted in.
func DateOf(t time.Time) plan.Date { return plan.DateOf(t.In(zone)) }
