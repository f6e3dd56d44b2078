package danish

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func TestParseNumber(t *testing.T) {
	good := map[string]float64{
		// Danish
		"12,5": 12.5, "3,5": 3.5, "1.234,5": 1234.5, "12.345,50": 12345.5, "1.234.567,89": 1234567.89,
		"210.000": 210000, "1.250": 1250, "1.234.567": 1234567, "1 234": 1234, " 7 ": 7, "12 345,50": 12345.5,
		"1\u00a0234,5": 1234.5, "1\u202f234": 1234, "0,001": 0.001, ",5": 0.5,
		// a dot that does not group thousands is a decimal point
		"12.5": 12.5, "1234.5": 1234.5, "0.125": 0.125, "12.3456": 12.3456, ".5": 0.5, "1234.567": 1234.567,
		// international grouping
		"1,234.5": 1234.5, "1,234,567": 1234567, "1,234,567.25": 1234567.25,
		// signs
		"-3": -3, "+7,05": 7.05, "1.234,00-": -1234, "(10,00)": -10, "−2,5": -2.5, "- 4": -4,
		"0": 0, "100": 100,
	}
	for in, want := range good {
		if got, err := ParseNumber(in); err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", " ", "-", "()", "abc", "ca. 5", "1,5e3", "1e3", "NaN", "Inf", "+Inf", "0x10",
		"1.23,5", "1.23.456", "12,3,4", "1,2,3", "--5", "5--", "1.234,5,6", "1,234.5.6", "12.5 kr.", "1_000", ".", ",",
		"(-5)", "5 %"} {
		if v, err := ParseNumber(in); !errors.Is(err, ErrNotNumber) {
			t.Errorf("ParseNumber(%q) = %v, %v; want ErrNotNumber", in, v, err)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	comma := map[string]float64{"12,5": 12.5, "1.234,5": 1234.5, "-3": -3, "0,001": 0.001, "1234567,5": 1234567.5, "7": 7, "1.250": 1250}
	for in, want := range comma {
		if got, err := ParseDecimal(in, true); err != nil || got != want {
			t.Errorf("ParseDecimal(%q, comma) = %v, %v; want %v", in, got, err, want)
		}
	}
	point := map[string]float64{"12.5": 12.5, "1,234.5": 1234.5, "-3": -3, "1.125": 1.125, "1250": 1250, "0.001": 0.001}
	for in, want := range point {
		if got, err := ParseDecimal(in, false); err != nil || got != want {
			t.Errorf("ParseDecimal(%q, point) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, c := range []struct {
		in    string
		comma bool
	}{{"abc", true}, {"..", true}, {"12,5", false}, {"1.2.3", false}, {"1,2", false}, {"1e5", true}, {"", false}} {
		if v, err := ParseDecimal(c.in, c.comma); err == nil {
			t.Errorf("ParseDecimal(%q, %v) = %v, want an error", c.in, c.comma, v)
		}
	}
}

func TestParseInt(t *testing.T) {
	good := map[string]int64{"12": 12, "1.250": 1250, "1 250": 1250, "-3": -3, "+4": 4, "1.234.567": 1234567, "0": 0,
		"9.223.372.036.854.775.807": math.MaxInt64}
	for in, want := range good {
		if got, err := ParseInt(in); err != nil || got != want {
			t.Errorf("ParseInt(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fem", "1,5", "1.25", "12.5", "1,250", "5,", "1e3", "1.2345"} {
		if v, err := ParseInt(in); !errors.Is(err, ErrNotNumber) {
			t.Errorf("ParseInt(%q) = %v, %v; want ErrNotNumber", in, v, err)
		}
	}
	if _, err := ParseInt("99999999999999999999"); !errors.Is(err, ErrRange) {
		t.Errorf("overflow: %v", err)
	}
}

func TestParseAmount(t *testing.T) {
	good := map[string]int64{
		"12.345,50": 1234550, "12345,5": 1234550, "1.234.567,00": 123456700, "100": 10000, "5,": 500,
		"1234.5": 123450, "1234.56": 123456, "2.500": 250000, "12 345,50 kr.": 1234550, "-500,00": -50000,
		"1.234,00-": -123400, "(10,00)": -1000, "+7,05": 705, "0,00": 0, "1 DKK": 100, "kr. 1.000": 100000,
		"250 kr": 25000, "3,5": 350, "12\u00a0345,50": 1234550, "1.234,5 Kr.": 123450,
	}
	for in, want := range good {
		if got, err := ParseAmount(in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]error{
		"": ErrNotAmount, "abc": ErrNotAmount, "12,345.50": ErrNotAmount, "1.23.456": ErrNotAmount, "12.34,5": ErrNotAmount,
		"1,2,3": ErrNotAmount, "--5": ErrNotAmount, "1,5e3": ErrNotAmount, "kr.": ErrNotAmount, ",50": ErrNotAmount,
		"1,234": ErrOreDecimals, "12.3456": ErrOreDecimals, "0,125": ErrOreDecimals, "99999999999999999999": ErrNotAmount,
	} {
		if v, err := ParseAmount(in); !errors.Is(err, want) {
			t.Errorf("ParseAmount(%q) = %d, %v; want %v", in, v, err, want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		v        float64
		decimals int
		want     string
	}{
		{1234.5, 1, "1.234,5"}, {1234.6, 0, "1.235"}, {1234567.891, 2, "1.234.567,89"}, {0.125, -1, "0,125"},
		{3, -1, "3"}, {12.5, -1, "12,5"}, {999, 0, "999"}, {1000, 0, "1.000"}, {-1234.5, 1, "-1.234,5"},
		{-0.04, 1, "0,0"}, {math.Copysign(0, -1), -1, "0"}, {-0.05, 2, "-0,05"}, {5.7, 1, "5,7"}, {100, 1, "100,0"},
		{1e6, -1, "1.000.000"}, {0.00001, -1, "0,00001"},
		// half up, from the decimal the float stands for
		{6.25, 1, "6,3"}, {6.35, 1, "6,4"}, {0.05, 1, "0,1"}, {0.15, 1, "0,2"}, {1.005, 2, "1,01"}, {2.5, 0, "3"},
		{0.45, 1, "0,5"}, {-0.25, 1, "-0,3"}, {-0.05, 1, "-0,1"}, {-0.049, 1, "0,0"}, {9.95, 1, "10,0"}, {999.5, 0, "1.000"},
		{6.249999, 1, "6,2"}, {15, 1, "15,0"}, {100 * 4.6 / 46, 1, "10,0"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.v, c.decimals); got != c.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", c.v, c.decimals, got, c.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for ore, want := range map[int64]string{
		123456789: "1.234.567,89", -5: "-0,05", 0: "0,00", 1234550: "12.345,50", 100: "1,00", -123400: "-1.234,00",
		math.MinInt64: "-92.233.720.368.547.758,08", math.MaxInt64: "92.233.720.368.547.758,07",
	} {
		if got := FormatAmount(ore); got != want {
			t.Errorf("FormatAmount(%d) = %q, want %q", ore, got, want)
		}
	}
	// What FormatAmount writes, ParseAmount reads back.
	for _, ore := range []int64{0, 5, -5, 99, 100, 123456, -123456, 1000000000} {
		if got, err := ParseAmount(FormatAmount(ore) + " kr."); err != nil || got != ore {
			t.Errorf("round trip %d: %d, %v", ore, got, err)
		}
	}
}

func TestRoundRat(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		decimals int
		want     string // FormatRat
	}{
		{625, 100, 1, "6,3"}, {5, 100, 1, "0,1"}, {-25, 100, 1, "-0,3"}, {-5, 100, 1, "-0,1"}, {-4, 100, 1, "0,0"},
		{460, 46, 1, "10,0"}, {100 * 510, 3400, 1, "15,0"}, {1, 3, 1, "0,3"}, {2, 3, 1, "0,7"}, {-2, 3, 2, "-0,67"},
		{1, 8, 2, "0,13"}, {-1, 8, 2, "-0,13"}, {123456789, 100, 0, "1.234.568"}, {7, 2, 0, "4"}, {5, 1, 2, "5,00"},
		// a difference to a baseline is rounded once, from the exact values: 6,25 − 5,7 = 0,55 → 0,6
		{625 - 570, 100, 1, "0,6"}, {570 - 625, 100, 1, "-0,6"},
	} {
		x := big.NewRat(c.num, c.den)
		if got := FormatRat(x, c.decimals); got != c.want {
			t.Errorf("FormatRat(%v, %d) = %q, want %q", x, c.decimals, got, c.want)
		}
	}
	for x, want := range map[*big.Rat]string{big.NewRat(5, 10): "+0,5", big.NewRat(-55, 100): "-0,6", big.NewRat(4, 100): "0,0",
		big.NewRat(-4, 100): "0,0", big.NewRat(5, 100): "+0,1"} {
		if got := FormatDifference(x, 1); got != want {
			t.Errorf("FormatDifference(%v, 1) = %q, want %q", x, got, want)
		}
	}
	for v, want := range map[float64]float64{6.25: 6.3, 0.05: 0.1, -0.25: -0.3, 33.333333333333336: 33.3, 14.95: 15} {
		if got := Round(v, 1); got != want {
			t.Errorf("Round(%v, 1) = %v, want %v", v, got, want)
		}
	}
	if got := Round(math.Inf(1), 1); !math.IsInf(got, 1) {
		t.Errorf("Round(+Inf) = %v", got)
	}
}

func TestParseHundredths(t *testing.T) {
	comma := map[string]int64{"4,6": 460, "5,1": 510, "34": 3400, "0,05": 5, "1.234,5": 123450, "-3": -300, ",5": 50, "4,60": 460, "4,600": 460}
	for in, want := range comma {
		if got, err := ParseHundredths(in, true); err != nil || got != want {
			t.Errorf("ParseHundredths(%q, comma) = %v, %v; want %v", in, got, err, want)
		}
	}
	point := map[string]int64{"4.6": 460, "12.25": 1225, "1,234.5": 123450, "46": 4600}
	for in, want := range point {
		if got, err := ParseHundredths(in, false); err != nil || got != want {
			t.Errorf("ParseHundredths(%q, point) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]error{"4,625": ErrHundredths, "0,001": ErrHundredths, "abc": ErrNotNumber, "": ErrNotNumber,
		"1e3": ErrNotNumber, "99999999999999999999": ErrRange} {
		if got, err := ParseHundredths(in, true); !errors.Is(err, want) {
			t.Errorf("ParseHundredths(%q, comma) = %v, %v; want %v", in, got, err, want)
		}
	}
}
