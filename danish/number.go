package danish

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Errors of the number parsers. ParseAmount's are Danish sentences a user
// may read; callers of the others word their own message.
var (
	// ErrNotNumber: the text is not a number in any notation read here.
	ErrNotNumber = errors.New("ikke et tal")
	// ErrRange: a whole number too large for int64.
	ErrRange = errors.New("tallet er for stort")
	// ErrNotAmount: the text is not an amount written the Danish way.
	ErrNotAmount = errors.New("skriv beløb på dansk, fx 12.345,50")
	// ErrOreDecimals: an amount with more than two decimals.
	ErrOreDecimals = errors.New("mere end to decimaler (øre)")
	// ErrHundredths: a number read in hundredths with more than two decimals.
	ErrHundredths = errors.New("højst to decimaler")
)

// ParseNumber reads a number as people type it into a form or a
// spreadsheet: Danish "12,5", "1.234,5", "1.250" (a dot before three digits
// groups thousands) and "1 234", or the international "12.5" and
// "1,234.5" where that is unambiguous (a dot that is not before exactly
// three digits is a decimal point; commas that group by three are thousands).
// Signs may be written "-5", "+5", "5-" or "(5)". Groups must have three
// digits ("1.23,5" is an error); exponents, NaN and Inf are not numbers.
func ParseNumber(s string) (float64, error) {
	t, neg, ok := unsign(s)
	if !ok {
		return 0, ErrNotNumber
	}
	return toFloat(t, neg, typedMark(t))
}

// ParseDecimal reads a number whose decimal mark is known, as machine
// exports write it: with decimalComma "1.234,5" (Statbank lang=da),
// otherwise "1,234.5" (lang=en, and helhed's own canonical "1234.5"). The
// other character may only group thousands.
func ParseDecimal(s string, decimalComma bool) (float64, error) {
	t, neg, ok := unsign(s)
	if !ok {
		return 0, ErrNotNumber
	}
	mark := byte('.')
	if decimalComma {
		mark = ','
	}
	return toFloat(t, neg, mark)
}

// ParseInt reads a whole number the Danish way: "1.250", "1 250", "-3".
// Dots may only group thousands; a decimal comma is an error. A number too
// large for int64 is ErrRange.
func ParseInt(s string) (int64, error) {
	t, neg, ok := unsign(s)
	if !ok {
		return 0, ErrNotNumber
	}
	whole, frac, ok := digits(t, ',')
	if !ok || frac != "" || strings.IndexByte(t, ',') >= 0 || whole == "" {
		return 0, ErrNotNumber
	}
	if neg {
		whole = "-" + whole
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrRange
	}
	return n, nil
}

// ParseHundredths reads a number whose decimal mark is known (as
// ParseDecimal) exactly, in hundredths: "4,6" is 460, "12.25" 1225. More
// than two decimals is ErrHundredths, a number too large ErrRange, and
// anything else that is not a number ErrNotNumber.
func ParseHundredths(s string, decimalComma bool) (int64, error) {
	t, neg, ok := unsign(s)
	if !ok {
		return 0, ErrNotNumber
	}
	mark := byte('.')
	if decimalComma {
		mark = ','
	}
	whole, frac, ok := digits(t, mark)
	if !ok {
		return 0, ErrNotNumber
	}
	if len(strings.TrimRight(frac, "0")) > 2 {
		return 0, ErrHundredths
	}
	if whole == "" {
		whole = "0"
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n > math.MaxInt64/100-1 {
		return 0, ErrRange
	}
	n = 100*n + int64(atoi((frac + "00")[:2]))
	if neg {
		n = -n
	}
	return n, nil
}

// ParseAmount reads a sum of money in kroner and returns it in øre (1/100
// krone), exact: Danish thousands dots and decimal comma ("12.345,50"),
// spaces as thousands separators ("12 345,50"), an optional "kr."/"kr"/
// "DKK" before or after, and a sign in front, behind ("1.234,00-", as
// accounting exports write debits) or as parentheses. A lone dot followed by
// one or two digits is a decimal point ("1234.5"); otherwise dots group
// thousands ("2.500" is 2.500 kr.). The international "12,345.50" is an
// error, and so are more than two decimals. Errors are ErrNotAmount and
// ErrOreDecimals, Danish.
func ParseAmount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	for _, cur := range []string{"kr.", "kr", "dkk"} {
		if strings.HasSuffix(lower, cur) {
			t = t[:len(t)-len(cur)]
			break
		}
		if strings.HasPrefix(lower, cur) {
			t = t[len(cur):]
			break
		}
	}
	t, neg, ok := unsign(t)
	if !ok {
		return 0, ErrNotAmount
	}
	mark := typedMark(t)
	if mark == '.' && strings.IndexByte(t, ',') >= 0 {
		return 0, ErrNotAmount // 12,345.50: commas grouping thousands
	}
	whole, frac, ok := digits(t, mark)
	if !ok || whole == "" {
		return 0, ErrNotAmount
	}
	if len(frac) > 2 {
		return 0, ErrOreDecimals
	}
	kr, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || kr > math.MaxInt64/100-1 {
		return 0, ErrNotAmount
	}
	ore := kr * 100
	if frac != "" {
		ore += int64(atoi((frac + "0")[:2]))
	}
	if neg {
		ore = -ore
	}
	return ore, nil
}

// RoundRat rounds x to the given number of decimals (≥ 0), halves away
// from zero ("half up"): 6,25 → 6,3; 0,05 → 0,1; −0,25 → −0,3. It is the
// one rounding rule of every figure helhed publishes (notes, reports,
// pages, metrics): FormatRat, FormatNumber and Round round with it. Round
// a figure once, from its exact value: a difference is taken before
// rounding, never between rounded figures.
func RoundRat(x *big.Rat, decimals int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(decimals, 0))), nil)
	num := new(big.Int).Mul(new(big.Int).Abs(x.Num()), scale)
	q, r := new(big.Int).QuoRem(num, x.Denom(), new(big.Int))
	if r.Lsh(r, 1).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale)
}

// Decimal is the exact decimal a float64 stands for: the shortest one
// that reads back as v (0.05 is 5/100, not the binary fraction nearest to
// it), as a number typed, parsed or computed exactly and then stored as a
// float64 is meant. NaN and ±Inf have none: nil.
func Decimal(v float64) *big.Rat {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	x, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	return x
}

// Round is v rounded by RoundRat, taking v as the decimal it stands for
// (Decimal): for figures published as numbers (metrics, read-model
// values). NaN and ±Inf are returned as they are.
func Round(v float64, decimals int) float64 {
	x := Decimal(v)
	if x == nil {
		return v
	}
	f, _ := RoundRat(x, decimals).Float64()
	return f
}

// FormatRat writes x the Danish way, rounded by RoundRat to the given
// number of decimals (≥ 0): "1.234,5", "6,3". A value that rounds to
// zero has no sign.
func FormatRat(x *big.Rat, decimals int) string {
	decimals = max(decimals, 0)
	r := RoundRat(x, decimals)
	s := r.FloatString(decimals) // exact: r has at most decimals decimals
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	var b strings.Builder
	if neg && r.Sign() != 0 {
		b.WriteByte('-')
	}
	group(&b, whole)
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatDifference writes a difference (a margin, a change against a
// baseline) as FormatRat does, with "+" before one that is positive once
// rounded: "+0,5", "-0,6", "0,0".
func FormatDifference(x *big.Rat, decimals int) string {
	s := FormatRat(x, decimals)
	if RoundRat(x, decimals).Sign() > 0 {
		return "+" + s
	}
	return s
}

// FormatNumber writes v the Danish way with the given number of decimals:
// thousands dots and a decimal comma, "1.234,5", rounded half up from the
// decimal v stands for (Decimal, RoundRat): 6.25 is "6,3" with one
// decimal. decimals < 0 writes as many as v needs ("0,125", "3"). A value
// that rounds to zero has no sign.
func FormatNumber(v float64, decimals int) string {
	x := Decimal(v)
	if x == nil {
		return strconv.FormatFloat(v, 'f', decimals, 64)
	}
	if decimals < 0 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		_, frac, _ := strings.Cut(s, ".")
		decimals = len(frac)
	}
	return FormatRat(x, decimals)
}

// FormatAmount writes an amount in øre as Danish kroner with two decimals:
// "12.345,50", "-0,05" (no currency; add " kr." where it is wanted).
func FormatAmount(ore int64) string {
	u := uint64(ore)
	var b strings.Builder
	if ore < 0 {
		b.WriteByte('-')
		u = uint64(-(ore + 1)) + 1 // also for math.MinInt64
	}
	group(&b, strconv.FormatUint(u/100, 10))
	b.WriteByte(',')
	b.WriteByte(byte('0' + u%100/10))
	b.WriteByte(byte('0' + u%10))
	return b.String()
}

// group writes a run of digits with a dot before every group of three.
func group(b *strings.Builder, whole string) {
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(whole[i])
	}
}

// unsign removes the spaces that group digits (also no-break and thin
// spaces and tabs) and the sign: "-5", "+5", "5-", "(5)" and the
// typographic minus "−5".
func unsign(s string) (t string, neg, ok bool) {
	t = s
	if hasSpace(t) {
		t = strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\t', '\u00a0', '\u202f', '\u2009':
				return -1
			}
			return r
		}, t)
	}
	switch {
	case len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')':
		t, neg = t[1:len(t)-1], true
	case strings.HasPrefix(t, "-"):
		t, neg = t[1:], true
	case strings.HasPrefix(t, "−"):
		t, neg = t[len("−"):], true
	case strings.HasSuffix(t, "-"):
		t, neg = t[:len(t)-1], true
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	return t, neg, t != ""
}

// hasSpace reports whether s may hold a space unsign removes: a space, a
// tab or the first byte of U+00A0, U+202F or U+2009 (fast, no decoding).
func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', 0xC2, 0xE2:
			return true
		}
	}
	return false
}

// typedMark decides which of '.' and ',' is the decimal mark of a typed
// number (see ParseNumber); the other may only group thousands.
func typedMark(t string) byte {
	commas, dots := strings.Count(t, ","), strings.Count(t, ".")
	switch {
	case commas > 0 && dots > 0:
		if strings.LastIndexByte(t, ',') > strings.LastIndexByte(t, '.') {
			return ','
		}
		return '.'
	case commas > 1:
		return '.' // 1,234,567
	case dots == 1:
		// 1.250 groups thousands; 12.5, 1234.5 and 0.125 have a decimal point.
		if i := strings.IndexByte(t, '.'); i >= 1 && i <= 3 && len(t)-i-1 == 3 && t[0] != '0' {
			return ','
		}
		return '.'
	}
	return ','
}

// digits splits t at the decimal mark into whole and fraction digits; the
// other separator must group the whole part by threes.
func digits(t string, mark byte) (whole, frac string, ok bool) {
	sep := byte('.')
	if mark == '.' {
		sep = ','
	}
	whole = t
	if i := strings.IndexByte(t, mark); i >= 0 {
		whole, frac = t[:i], t[i+1:]
		if !allDigits(frac) {
			return "", "", false
		}
	}
	if strings.IndexByte(whole, sep) >= 0 {
		groups := strings.Split(whole, string(sep))
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", "", false
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || whole+frac == "" {
		return "", "", false
	}
	return whole, frac, true
}

// toFloat converts a number without sign or spaces whose decimal mark is mark.
func toFloat(t string, neg bool, mark byte) (float64, error) {
	whole, frac, ok := digits(t, mark)
	if !ok {
		return 0, ErrNotNumber
	}
	if len(whole)+len(frac) <= 15 {
		// Fewer than 2^52 and a power of ten up to 1e15 are exact in a
		// float64, so the division's one rounding gives what ParseFloat
		// gives (its own exact path), without building a string.
		var m int64
		for _, d := range []string{whole, frac} {
			for i := 0; i < len(d); i++ {
				m = m*10 + int64(d[i]-'0')
			}
		}
		v := float64(m) / pow10[len(frac)]
		if neg {
			v = -v
		}
		return v, nil
	}
	num := t // plain digits
	if len(whole) != len(t) {
		var buf [64]byte
		num = string(append(append(append(buf[:0], whole...), '.'), frac...))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, ErrNotNumber
	}
	if neg {
		v = -v
	}
	return v, nil
}

// pow10 are the powers of ten toFloat divides by, all exact.
var pow10 = [16]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
