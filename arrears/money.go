package arrears

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in øre (1/100 krone). Integer øre keep sums and
// comparisons of instalments exact, which float kroner would not.
type Money int64

// Kroner is kr whole kroner as Money.
func Kroner(kr int64) Money { return Money(kr * 100) }

// Danish formats m as Danish numbers are written: 12.345,50.
func (m Money) Danish() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d", sign, b.String(), v%100)
}

// String is the Danish form with the currency, e.g. "12.345,50 kr.".
func (m Money) String() string { return m.Danish() + " kr." }

// MarshalJSON writes kroner as a JSON number with two decimals (12345.50).
func (m Money) MarshalJSON() ([]byte, error) {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Appendf(nil, "%s%d.%02d", sign, v/100, v%100), nil
}

// UnmarshalJSON reads kroner from a JSON number (12345.5) or a string in
// Danish or plain notation ("12.345,50", "12345.50").
func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return errors.New("beløbet er ikke et tal")
		}
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

var errNotAmount = errors.New("skriv beløb på dansk, fx 12.345,50")

// ParseAmount reads an amount as exports write it: Danish thousands dots and
// decimal comma ("12.345,50"), spaces as thousands separators, an optional
// "kr."/"DKK" suffix, and a sign in front, behind ("1.234,00-", as
// accounting exports write debits) or as parentheses. A lone dot followed by
// one or two digits is read as a decimal point ("1234.5"); otherwise dots
// must separate groups of three digits.
func ParseAmount(s string) (Money, error) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	for _, suffix := range []string{"kr.", "kr", "dkk"} {
		if strings.HasSuffix(lower, suffix) {
			t = strings.TrimSpace(t[:len(t)-len(suffix)])
			break
		}
	}
	t = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(t)
	neg := false
	switch {
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		neg, t = true, t[1:len(t)-1]
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasSuffix(t, "-"):
		neg, t = true, t[:len(t)-1]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	if t == "" {
		return 0, errNotAmount
	}
	whole, frac := t, ""
	if i := strings.IndexByte(t, ','); i >= 0 {
		whole, frac = t[:i], t[i+1:]
		if strings.ContainsAny(frac, ",.") {
			return 0, errNotAmount
		}
	} else if i := strings.LastIndexByte(t, '.'); i >= 0 && strings.Count(t, ".") == 1 && len(t)-i-1 <= 2 {
		whole, frac = t[:i], t[i+1:]
	}
	if strings.Contains(whole, ".") {
		groups := strings.Split(whole, ".")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, errNotAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errNotAmount
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, errNotAmount
	}
	if len(frac) > 2 {
		return 0, errors.New("mere end to decimaler (øre)")
	}
	kr, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || kr > math.MaxInt64/100-1 {
		return 0, errNotAmount
	}
	ore := int64(0)
	if frac != "" {
		ore, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	v := kr*100 + ore
	if neg {
		v = -v
	}
	return Money(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
