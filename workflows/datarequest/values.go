package datarequest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTextLength is the longest text answer accepted, in characters.
const MaxTextLength = 5000

var (
	thousandsDot   = regexp.MustCompile(`^[+-]?\d{1,3}(\.\d{3})+$`)
	thousandsComma = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3}){2,}$`)
	plainNumber    = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)
	plainInteger   = regexp.MustCompile(`^[+-]?\d+$`)
)

// parseValue checks one raw answer against its type and returns the
// canonical form (integers and decimals with a point, dates yyyy-mm-dd,
// the choice as defined) or a Danish message saying what is wrong. The
// value is already trimmed and non-empty.
func parseValue(typ FieldType, choices []string, raw string) (string, string) {
	switch typ {
	case Integer:
		s := stripSpaces(raw)
		if thousandsDot.MatchString(s) {
			s = strings.ReplaceAll(s, ".", "")
		}
		if !plainInteger.MatchString(s) {
			return "", fmt.Sprintf("»%s« er ikke et helt tal. Skriv fx 12 eller 1.250.", clip(raw))
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", fmt.Sprintf("»%s« er for stort et tal.", clip(raw))
		}
		return strconv.FormatInt(n, 10), ""
	case Decimal:
		f, ok := parseNumber(raw)
		if !ok {
			return "", fmt.Sprintf("»%s« er ikke et tal. Skriv fx 12,5.", clip(raw))
		}
		return formatNumber(f), ""
	case Percentage:
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(raw), "%"))
		f, ok := parseNumber(s)
		if !ok {
			return "", fmt.Sprintf("»%s« er ikke en procentsats. Skriv et tal mellem 0 og 100, fx 5,7.", clip(raw))
		}
		if f < 0 || f > 100 {
			return "", fmt.Sprintf("%s er uden for 0–100. En procentsats skal være mellem 0 og 100.", strings.ReplaceAll(formatNumber(f), ".", ","))
		}
		return formatNumber(f), ""
	case DateField:
		d, ok := parseDate(raw)
		if !ok {
			return "", fmt.Sprintf("»%s« er ikke en dato. Skriv fx 31-12-2026 eller 2026-12-31.", clip(raw))
		}
		return d, ""
	case Choice:
		for _, c := range choices {
			if strings.EqualFold(strings.TrimSpace(raw), c) {
				return c, ""
			}
		}
		return "", fmt.Sprintf("»%s« er ikke en af mulighederne: %s.", clip(raw), strings.Join(choices, ", "))
	case Text:
		if utf8.RuneCountInString(raw) > MaxTextLength {
			return "", fmt.Sprintf("Teksten er for lang: højst %d tegn.", MaxTextLength)
		}
		return raw, ""
	}
	return "", "ukendt felttype " + string(typ)
}

// parseNumber reads a number written the Danish way (12,5 and 1.250,75) or
// the international way (12.5). A single point is a decimal point; several
// points, or points before a comma, separate thousands.
func parseNumber(raw string) (float64, bool) {
	s := stripSpaces(raw)
	switch {
	case strings.Contains(s, ".") && strings.Contains(s, ","):
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	case strings.Count(s, ".") > 1 && thousandsDot.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	case thousandsComma.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case strings.Count(s, ",") == 1:
		s = strings.Replace(s, ",", ".", 1)
	}
	if !plainNumber.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// stripSpaces removes spaces (also no-break spaces) used to group digits.
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// parseDate accepts yyyy-mm-dd, dd-mm-yyyy and dd.mm.yyyy (and / for -).
func parseDate(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// clip shortens a quoted value in a message.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
