// Package workdays counts Danish weekdays: days that are neither weekend nor
// a Danish public holiday (rickar/cal's dk list, which includes
// Grundlovsdag and Store bededag until its abolition in 2024; not 24 or 31
// December, which are no helligdage). Deadlines and reminders count with
// it. The rent acts' hverdag, in which Saturdays count, is the påkrav
// clock's (helhed/workflows/eviction/legal), built on Holiday. Its
// functions are pure, so workflows may call them.
//
// workflowcheck flags rickar/cal because (*cal.Calendar).IsHoliday may evict
// entries from its result cache by ranging over a map. That cache is only
// used when Calendar.Cacheable is set, which this package never does, and an
// eviction would change no answer anyway. The two calls into the calendar
// carry the //workflowcheck:ignore directives, in this package only, so
// every workflow calls workdays directly and stays checked itself.
package workdays

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/dk"

	"helhed/plan"
)

var calendar = func() *cal.BusinessCalendar {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(dk.Holidays...)
	// No result cache: it is what makes the calendar look non-deterministic
	// to workflowcheck, and unlike the lookups it is not safe for the
	// concurrent workflows of one worker.
	c.Cacheable = false
	return c
}()

func noon(d plan.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// IsWeekday reports whether d is a working day.
func IsWeekday(d plan.Date) bool {
	return calendar.IsWorkday(noon(d)) //workflowcheck:ignore pure: see the package doc
}

// Holiday names the public holiday on d, if any.
func Holiday(d plan.Date) (string, bool) {
	actual, observed, h := calendar.IsHoliday(noon(d)) //workflowcheck:ignore pure: see the package doc
	if (actual || observed) && h != nil {
		return h.Name, true
	}
	return "", false
}

// Add moves n weekdays from d: Add(d, 3) is the third weekday after d,
// Add(d, -2) the second before it. Add(d, 0) is d itself.
func Add(d plan.Date, n int) plan.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if IsWeekday(d) {
			n--
		}
	}
	return d
}

// OnOrAfter is d if it is a weekday, else the next weekday. A deadline that
// falls on a weekend or holiday moves here.
func OnOrAfter(d plan.Date) plan.Date {
	for !IsWeekday(d) {
		d = d.AddDays(1)
	}
	return d
}

// OnOrBefore is d if it is a weekday, else the weekday before it. A meeting
// derived from another date moves here.
func OnOrBefore(d plan.Date) plan.Date {
	for !IsWeekday(d) {
		d = d.AddDays(-1)
	}
	return d
}

// Between counts the weekdays after from up to and including to (negative
// when to is before from).
func Between(from, to plan.Date) int {
	if to.Before(from) {
		return -Between(to, from)
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if IsWeekday(d) {
			n++
		}
	}
	return n
}
