package danish

import (
	"fmt"
	"strings"
	"time"

	"helhed/plan"
)

var (
	weekdays = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
	months   = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
)

// Weekday is the Danish name of w, in lower case: "fredag".
func Weekday(w time.Weekday) string {
	if w < time.Sunday || w > time.Saturday {
		return ""
	}
	return weekdays[w]
}

// Month is the Danish name of m, in lower case: "december".
func Month(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return months[m-1]
}

// Date writes d as "4. december 2026"; the zero Date is "".
func Date(d plan.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d. %s %d", d.Day, Month(d.Month), d.Year)
}

// LongDate writes d with its weekday: "fredag den 4. december 2026"; the
// zero Date is "".
func LongDate(d plan.Date) string {
	if d.IsZero() {
		return ""
	}
	return Weekday(d.Weekday()) + " den " + Date(d)
}

// ShortDate writes d in digits, as forms and letters do: "04-12-2026"; the
// zero Date is "".
func ShortDate(d plan.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d-%04d", d.Day, int(d.Month), d.Year)
}

// Moment writes the instant t as seen in loc (the plan's zone,
// Europe/Copenhagen; nil keeps t's own): "4. december 2026 kl. 08.00".
func Moment(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%d. %s %d kl. %02d.%02d", t.Day(), Month(t.Month()), t.Year(), t.Hour(), t.Minute())
}

// ParseDate reads a date as people type it and exports write it:
// dd-mm-yyyy, dd.mm.yyyy or dd/mm/yyyy (one or two digits for day and
// month, the same separator twice) or yyyy-mm-dd. A date that does not
// exist (31-02-2026) is an error rather than the day time.Date would
// normalise it to. The errors are Danish; a CPR-like value is never quoted.
func ParseDate(s string) (plan.Date, error) {
	t := strings.TrimSpace(s)
	y, m, d, ok := splitDate(t)
	if !ok {
		return plan.Date{}, fmt.Errorf("%s er ikke en dato: skriv dd-mm-åååå eller åååå-mm-dd", quote(t))
	}
	if !ValidDate(y, time.Month(m), d) {
		return plan.Date{}, fmt.Errorf("datoen %s findes ikke", t)
	}
	return plan.Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// splitDate reads the three numbers of a d-m-yyyy or yyyy-m-d text.
func splitDate(s string) (y, m, d int, ok bool) {
	var parts [3]string
	n, sep, start := 0, byte(0), 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isDigit(s[i]) {
			continue
		}
		if n == 3 {
			return 0, 0, 0, false
		}
		parts[n], n = s[start:i], n+1
		if i == len(s) {
			break
		}
		switch {
		case s[i] != '-' && s[i] != '.' && s[i] != '/':
			return 0, 0, 0, false
		case sep == 0:
			sep = s[i]
		case s[i] != sep:
			return 0, 0, 0, false
		}
		start = i + 1
	}
	if n != 3 {
		return 0, 0, 0, false
	}
	short := func(p string) bool { return len(p) == 1 || len(p) == 2 }
	switch {
	case short(parts[0]) && short(parts[1]) && len(parts[2]) == 4:
		return atoi(parts[2]), atoi(parts[1]), atoi(parts[0]), true
	case sep == '-' && len(parts[0]) == 4 && short(parts[1]) && short(parts[2]):
		return atoi(parts[0]), atoi(parts[1]), atoi(parts[2]), true
	}
	return 0, 0, 0, false
}

// ValidDate reports whether y-m-d exists in the calendar.
func ValidDate(y int, m time.Month, d int) bool {
	if m < time.January || m > time.December || d < 1 {
		return false
	}
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return t.Day() == d && t.Month() == m
}

// atoi reads a short run of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
