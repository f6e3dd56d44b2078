package plan

import (
	"fmt"
	"time"
)

// dateLayout is the only date format a plan file accepts: a civil date, no
// time and no zone, because meetings and targets are calendar facts that
// must not shift when a server runs in another zone.
const dateLayout = "2006-01-02"

// Date is a civil date (year, month, day) with no time of day and no zone.
// The zero Date means "not set". In YAML it is written as yyyy-mm-dd.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the Date for y-m-d, normalising out-of-range values the way
// time.Date does (e.g. 31 June becomes 1 July).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location. Convert t with
// t.In(loc) first to get the date as seen in another zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a yyyy-mm-dd string. It rejects dates that do not exist
// (2023-02-30) rather than normalising them, since such a date in a plan file
// is a typo.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want yyyy-mm-dd", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (not set).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as yyyy-mm-dd; the zero Date formats as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight at the start of d in loc. A nil loc means UTC.
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// utc is d at midnight UTC; used for calendar arithmetic, where a zone's DST
// jumps must not turn "one day" into 23 or 25 hours.
func (d Date) utc() time.Time { return d.In(time.UTC) }

// AddDays returns d shifted by n days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()).Hours() / 24)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.utc().Compare(e.utc()) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText implements encoding.TextMarshaler (yyyy-mm-dd).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; an empty text gives the
// zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is an inclusive range of civil dates.
type Period struct {
	Start Date `yaml:"start"`
	End   Date `yaml:"end"`
}

// Contains reports whether d lies within p, both ends included.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.Start) && !d.After(p.End)
}

// String formats p as "start..end".
func (p Period) String() string { return p.Start.String() + ".." + p.End.String() }

// PlanYear is one year of a plan. Plan years run 1 July to 30 June, so a plan
// starting 2021-07-01 has the years 2021-22, 2022-23, 2023-24 and 2024-25.
type PlanYear struct {
	Label  string // e.g. "2021-22"
	Index  int    // 0 for the plan's first year
	Period Period
}

// yearLabel formats the label of the plan year starting in year y.
func yearLabel(y int) string { return fmt.Sprintf("%d-%02d", y, (y+1)%100) }

// planYears splits p into plan years of one year each, counted from p.Start;
// the last year ends at p.End even if that is early. For the usual plan
// starting on 1 July this gives 1 July – 30 June years.
func planYears(p Period) []PlanYear {
	if p.Start.IsZero() || p.End.IsZero() || p.End.Before(p.Start) {
		return nil
	}
	var years []PlanYear
	start := p.Start
	for i := 0; !start.After(p.End); i++ {
		next := DateOf(p.Start.utc().AddDate(i+1, 0, 0))
		end := next.AddDays(-1)
		if end.After(p.End) {
			end = p.End
		}
		years = append(years, PlanYear{
			Label:  yearLabel(start.Year),
			Index:  i,
			Period: Period{Start: start, End: end},
		})
		start = next
	}
	return years
}
