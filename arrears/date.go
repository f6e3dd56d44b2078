package arrears

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"helhed/plan"
)

var (
	dmyDate = regexp.MustCompile(`^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$`)
	ymdDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// ParseDate reads a date as exports write it: dd-mm-yyyy (also with . or /)
// or yyyy-mm-dd. A date that does not exist (31-02-2026) is an error rather
// than the day time.Date would normalise it to.
func ParseDate(s string) (plan.Date, error) {
	var y, m, d int
	if g := dmyDate.FindStringSubmatch(s); g != nil {
		d, m, y = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := ymdDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else {
		return plan.Date{}, fmt.Errorf("%s er ikke en dato: skriv dd-mm-åååå eller åååå-mm-dd", Quote(s))
	}
	if !realDate(y, m, d) {
		return plan.Date{}, fmt.Errorf("datoen %s findes ikke", s)
	}
	return plan.Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// realDate reports whether y-m-d exists in the calendar.
func realDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	return t.Day() == d && int(t.Month()) == m
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
