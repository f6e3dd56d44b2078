package eviction

import (
	"fmt"
	"time"

	"helhed/plan"
	"helhed/workdays"
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

// DemandEarliest is the first day a påkrav may be sent for rent due on
// due: the third weekday after it (weekends and Danish holidays skipped).
func DemandEarliest(due plan.Date) plan.Date { return workdays.Add(due, DemandAfterWeekdays) }

// PaymentDeadline is the last day to pay after a påkrav sent on sent:
// fourteen days later, moved to the next weekday when that day is a
// weekend or a Danish holiday.
func PaymentDeadline(sent plan.Date) plan.Date {
	return workdays.OnOrAfter(sent.AddDays(DemandDays))
}

// OutreachDue is when the housing-social worker should have reached the
// tenant, counted from from.
func OutreachDue(from plan.Date) plan.Date { return workdays.Add(from, OutreachWeekdays) }

// startOf is midnight at the start of d in Copenhagen.
func startOf(d plan.Date) time.Time { return d.In(zone) }

// DateOf is the Copenhagen civil date of t: the date every rule of the
// legal clock, and "today" for operator input, is counted in.
func DateOf(t time.Time) plan.Date { return plan.DateOf(t.In(zone)) }
