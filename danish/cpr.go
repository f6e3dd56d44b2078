package danish

import (
	"strconv"
	"time"
)

// CPRMask replaces a CPR-like value in a redacted text.
const CPRMask = "XXXXXX-XXXX"

// LooksLikeCPR reports whether s contains something that looks like a
// Danish CPR number: ddmmyy-xxxx (hyphen or space) or ten digits in a row,
// where ddmmyy is a real date (in the 1900s or 2000s). A longer run of
// digits is not one. It errs on the side of caution: a phone number written
// as ten digits starting with a date is flagged too. CPR numbers must never
// enter helhed (docs/design.md), so a value holding one is refused and is
// neither echoed, stored nor logged.
func LooksLikeCPR(s string) bool { return len(cprSpans(s)) > 0 }

// RedactCPR replaces every CPR-like value in s by "XXXXXX-XXXX", for a copy
// that must be kept or a message that quotes a value. It works on UTF-8 and
// Windows-1252 bytes alike (the digits are ASCII).
func RedactCPR(s string) string {
	spans := cprSpans(s)
	if len(spans) == 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	prev := 0
	for _, sp := range spans {
		out = append(out, s[prev:sp[0]]...)
		out = append(out, CPRMask...)
		prev = sp[1]
	}
	return string(append(out, s[prev:]...))
}

// cprSpans returns the [start, end) byte ranges of CPR-like values in s.
func cprSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		switch n := j - i; {
		case n == 10 && cprDate(s[i:i+6]):
			spans = append(spans, [2]int{i, j})
		case n == 6 && cprDate(s[i:j]) && j+5 <= len(s) && (s[j] == '-' || s[j] == ' ') &&
			allDigits(s[j+1:j+5]) && (j+5 == len(s) || !isDigit(s[j+5])):
			spans = append(spans, [2]int{i, j + 5})
			j += 5
		}
		i = j
	}
	return spans
}

// cprDate reports whether ddmmyy is a real date in a century a living
// person can be born in (a CPR's 7th digit picks 1900s or 2000s, so 29
// February counts whenever yy is divisible by 4, including 00 = 2000).
func cprDate(ddmmyy string) bool {
	d, m, y := atoi(ddmmyy[0:2]), time.Month(atoi(ddmmyy[2:4])), atoi(ddmmyy[4:6])
	return ValidDate(2000+y, m, d) || ValidDate(1900+y, m, d)
}

// quote quotes a value for a message with every CPR-like part redacted.
func quote(s string) string { return strconv.Quote(RedactCPR(s)) }
