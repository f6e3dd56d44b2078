package datarequest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"helhed/danish"
)

// MaxTextLength is the longest text answer accepted, in characters.
const MaxTextLength = 5000

// parseValue checks one raw answer against its type and returns the
// canonical form (integers and decimals with a point, dates yyyy-mm-dd,
// the choice as defined) or a Danish message saying what is wrong. The
// value is already trimmed and non-empty.
func parseValue(typ FieldType, choices []string, raw string) (string, string) {
	switch typ {
	case Integer:
		n, err := danish.ParseInt(raw)
		switch {
		case errors.Is(err, danish.ErrRange):
			return "", fmt.Sprintf("»%s« er for stort et tal.", clip(raw))
		case err != nil:
			return "", fmt.Sprintf("»%s« er ikke et helt tal. Skriv fx 12 eller 1.250.", clip(raw))
		}
		return strconv.FormatInt(n, 10), ""
	case Decimal:
		f, err := danish.ParseNumber(raw)
		if err != nil {
			return "", fmt.Sprintf("»%s« er ikke et tal. Skriv fx 12,5.", clip(raw))
		}
		return formatNumber(f), ""
	case Percentage:
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(raw), "%"))
		f, err := danish.ParseNumber(s)
		if err != nil {
			return "", fmt.Sprintf("»%s« er ikke en procentsats. Skriv et tal mellem 0 og 100, fx 5,7.", clip(raw))
		}
		if f < 0 || f > 100 {
			return "", fmt.Sprintf("%s er uden for 0–100. En procentsats skal være mellem 0 og 100.", danish.FormatNumber(f, -1))
		}
		return formatNumber(f), ""
	case Amount:
		ore, err := danish.ParseAmount(raw)
		switch {
		case errors.Is(err, danish.ErrOreDecimals):
			return "", fmt.Sprintf("»%s« har mere end to decimaler. Skriv beløbet i kroner og øre, fx 12.345,50.", clip(raw))
		case err != nil:
			return "", fmt.Sprintf("»%s« er ikke et beløb. Skriv beløbet i kroner, fx 12.345,50.", clip(raw))
		case ore < 0:
			return "", fmt.Sprintf("Beløbet %s kr. er negativt. Skriv forbruget som et beløb på 0 kr. eller mere.", danish.FormatAmount(ore))
		}
		return formatNumber(float64(ore) / 100), ""
	case DateField:
		d, err := danish.ParseDate(raw)
		if err != nil {
			return "", fmt.Sprintf("»%s« er ikke en dato. Skriv fx 31-12-2026 eller 2026-12-31.", clip(raw))
		}
		return d.String(), ""
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

// parseField is parseValue for a form field, with the field named where
// its type alone does not say what is wrong: a count with decimals. It
// refuses exactly what parseValue refuses (the submit handler runs it).
func parseField(f Field, raw string) (string, string) {
	v, msg := parseValue(f.Type, f.Choices, raw)
	if msg != "" && f.Type == Integer {
		if n, err := danish.ParseNumber(raw); err == nil && n != math.Trunc(n) {
			return "", fmt.Sprintf("%s skal være et helt tal (fx %s), ikke %s.", f.Label, danish.FormatNumber(math.Trunc(n), 0), clip(raw))
		}
	}
	return v, msg
}

// Bounds is the range a number field's answers keep: its type's (a count,
// a decimal and an amount at least 0, a percentage 0–100), with the
// field's own Min and Max (Field) taking the place of the type's for a
// count and a decimal, and narrowing it for a percentage and an amount.
// ok is false for a type that is not a number.
func Bounds(f Field) (lo, hi *float64, ok bool) {
	zero, hundred := 0.0, 100.0
	switch f.Type {
	case Integer, Decimal:
		lo = &zero
		if f.Min != nil {
			lo = f.Min
		}
		return lo, f.Max, true
	case Amount, Percentage:
		lo = &zero
		if f.Min != nil && *f.Min > 0 {
			lo = f.Min
		}
		if f.Type == Percentage {
			hi = &hundred
		}
		if f.Max != nil && (hi == nil || *f.Max < *hi) {
			hi = f.Max
		}
		return lo, hi, true
	}
	return nil, nil, false
}

// rangeErrors refuses a form's answers (canonical, as accepted returns
// them) outside their field's Bounds, naming the field. It only refuses,
// so it runs in screen, not in the submit handler: an answer accepted in
// a recorded history replays as it ran.
func rangeErrors(in *Input, values map[string]string) []FieldError {
	var errs []FieldError
	for _, s := range Slots(in.Fields, in.Areas) {
		v, ok := values[s.Key]
		if !ok {
			continue
		}
		if msg := outOfRange(s.Field, v); msg != "" {
			errs = append(errs, FieldError{Field: s.Key, Message: msg})
		}
	}
	return errs
}

// outOfRange says why canonical value v of field f is outside its
// Bounds, or "".
func outOfRange(f Field, v string) string {
	lo, hi, ok := Bounds(f)
	if !ok {
		return ""
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return ""
	}
	show := func(x float64) string { return danish.FormatNumber(x, -1) }
	switch {
	case lo != nil && n < *lo && *lo == 0:
		return fmt.Sprintf("%s skal være 0 eller mere, ikke %s.", f.Label, show(n))
	case lo != nil && n < *lo:
		return fmt.Sprintf("%s skal være mindst %s, ikke %s.", f.Label, show(*lo), show(n))
	case hi != nil && n > *hi:
		return fmt.Sprintf("%s må højst være %s, ikke %s.", f.Label, show(*hi), show(n))
	}
	return ""
}

// formatNumber is the canonical form of a number answer: a decimal point,
// no grouping, as few digits as it needs ("1234.5").
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// clip shortens a quoted value in a message and masks what looks like a
// CPR number in it.
func clip(s string) string {
	s = danish.RedactCPR(s)
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
