package arrears

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"helhed/danish"
)

// Money is an amount in øre (1/100 krone). Integer øre keep sums and
// comparisons of instalments exact, which float kroner would not.
type Money int64

// Kroner is kr whole kroner as Money.
func Kroner(kr int64) Money { return Money(kr * 100) }

// String is the Danish form with the currency, e.g. "12.345,50 kr.".
func (m Money) String() string { return danish.FormatAmount(int64(m)) + " kr." }

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
// Danish or plain notation ("12.345,50", "12345.50"); see
// danish.ParseAmount.
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
	ore, err := danish.ParseAmount(s)
	if err != nil {
		return err
	}
	*m = Money(ore)
	return nil
}
