package datarequest

import (
	"errors"
	"fmt"
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
