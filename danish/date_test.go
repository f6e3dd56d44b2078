package danish

import (
	"strings"
	"testing"
	"time"

	"helhed/plan"
)

func TestFormatDates(t *testing.T) {
	d := plan.NewDate(2026, 12, 4)
	cases := []struct{ name, got, want string }{
		{"Date", Date(d), "4. december 2026"},
		{"Date 1st", Date(plan.NewDate(2026, 12, 1)), "1. december 2026"},
		{"LongDate", LongDate(d), "fredag den 4. december 2026"},
		{"LongDate May", LongDate(plan.NewDate(2021, 11, 3)), "onsdag den 3. november 2021"},
		{"ShortDate", ShortDate(plan.NewDate(2026, 2, 1)), "01-02-2026"},
		{"zero Date", Date(plan.Date{}), ""},
		{"zero LongDate", LongDate(plan.Date{}), ""},
		{"zero ShortDate", ShortDate(plan.Date{}), ""},
		{"Month", Month(time.May), "maj"},
		{"Month out of range", Month(13), ""},
		{"Weekday", Weekday(time.Sunday), "søndag"},
		{"Weekday out of range", Weekday(9), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestMoment(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	cases := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC), "4. december 2026 kl. 08.00"}, // winter time, UTC+1
		{time.Date(2026, 4, 7, 12, 5, 0, 0, time.UTC), "7. april 2026 kl. 14.05"},    // summer time, UTC+2
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "1. januar 2027 kl. 00.30"},
	}
	for _, c := range cases {
		if got := Moment(c.t, cph); got != c.want {
			t.Errorf("Moment(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	if got := Moment(time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), nil); got != "2. januar 2026 kl. 03.04" {
		t.Errorf("nil location: %q", got)
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]plan.Date{
		"01-02-2026": plan.NewDate(2026, 2, 1), "2026-02-01": plan.NewDate(2026, 2, 1), "2026-2-1": plan.NewDate(2026, 2, 1),
		"1.2.2026": plan.NewDate(2026, 2, 1), "01.02.2026": plan.NewDate(2026, 2, 1), "31/12/2025": plan.NewDate(2025, 12, 31),
		"29-02-2024": plan.NewDate(2024, 2, 29), " 4-12-2026 ": plan.NewDate(2026, 12, 4), "29-02-2000": plan.NewDate(2000, 2, 29),
	}
	for in, want := range good {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"31-02-2026": "datoen 31-02-2026 findes ikke", "29-02-2026": "findes ikke", "29-02-1900": "findes ikke",
		"2026-13-01": "findes ikke", "00-01-2026": "findes ikke", "31-04-2026": "findes ikke",
		"01-02-26": `"01-02-26" er ikke en dato: skriv dd-mm-åååå`, "feb 1": "skriv dd-mm-åååå eller åååå-mm-dd",
		"01-02/2026": "er ikke en dato", "2026.02.01": "er ikke en dato", "2026/02/01": "er ikke en dato",
		"": `"" er ikke en dato`, "1-2-3-2026": "er ikke en dato", "001-02-2026": "er ikke en dato",
		"2026-02-01T10:00": "er ikke en dato",
		"010190-1234":      `"XXXXXX-XXXX" er ikke en dato`,
	}
	for in, msg := range bad {
		_, err := ParseDate(in)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseDate(%q): %v, want %q", in, err, msg)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, c := range []struct {
		y    int
		m    time.Month
		d    int
		want bool
	}{
		{2024, 2, 29, true}, {2026, 2, 29, false}, {2026, 12, 31, true}, {2026, 12, 32, false},
		{2026, 0, 1, false}, {2026, 13, 1, false}, {2026, 1, 0, false}, {2100, 2, 29, false},
	} {
		if got := ValidDate(c.y, c.m, c.d); got != c.want {
			t.Errorf("ValidDate(%d, %d, %d) = %v", c.y, c.m, c.d, got)
		}
	}
}

func TestQuarter(t *testing.T) {
	for _, c := range []struct {
		year, q int
		want    string
	}{
		{2026, 1, "1. kvartal 2026 (januar–marts)"},
		{2026, 2, "2. kvartal 2026 (april–juni)"},
		{2026, 3, "3. kvartal 2026 (juli–september)"},
		{2026, 4, "4. kvartal 2026 (oktober–december)"},
		{2026, 5, "kvartal 5 2026"},
	} {
		if got := Quarter(c.year, c.q); got != c.want {
			t.Errorf("Quarter(%d, %d) = %q, want %q", c.year, c.q, got, c.want)
		}
	}
}
