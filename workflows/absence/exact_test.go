package absence_test

import (
	"strings"
	"testing"

	"helhed/workflows/absence"
)

// exactSetup is a setup with two areas and a discretion threshold of 5.
func exactSetup() absence.Setup {
	return absence.Setup{PlanID: "p", Quarter: "2026-Q3", Threshold: 5, Areas: []absence.Area{
		{ID: "nord", Name: "Nord", Names: []string{"nord"}, Baseline: 5.7, HasBaseline: true},
		{ID: "syd", Name: "Syd", Names: []string{"syd"}},
	}}
}

// TestThresholdsAreExact checks the flags at the exact boundaries: 4,6 of
// 46 days is exactly 10 % (9.999999999999998 in float64) and flagged;
// 5,1 of 34 is exactly 15 % and notifies the kommune; a hundredth less is
// below.
func TestThresholdsAreExact(t *testing.T) {
	cases := []struct {
		name                 string
		line                 string // id;area;days;absent;unlawful as the school wrote it
		flagged              bool
		level                int
		warnings, kommune    int
		wantPercentFloatNear float64
	}{
		{"exactly 10 %, decimal comma", "A;nord;46;4,6;4,6", true, 10, 1, 0, 10},
		{"exactly 10 %, decimal point", "A;nord;46;4.6;4.6", true, 10, 1, 0, 10},
		{"a hundredth under 10 %", "A;nord;46;4,59;4,59", false, 0, 0, 0, 0},
		{"exactly 15 %", "A;nord;34;5,1;5,1", true, 15, 1, 1, 15},
		{"a hundredth under 15 %", "A;nord;34;5,09;5,09", true, 10, 1, 0, 14.97},
		{"exactly 15 % of 60", "A;nord;60;12;9", true, 15, 1, 1, 15},
		{"0 days unlawful", "A;nord;60;3;0", false, 0, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pupils, problems := absence.Check("skole", table(c.line), exactSetup().Areas)
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			o := absence.Compute(exactSetup(), pupils, absence.Carry{})
			if got := len(o.Flags) == 1; got != c.flagged {
				t.Fatalf("flagged = %v, want %v (%+v)", got, c.flagged, o.Flags)
			}
			if o.Total.Flags10 != c.warnings || o.Total.Flags15 != c.kommune {
				t.Errorf("flags10, flags15 = %d, %d; want %d, %d", o.Total.Flags10, o.Total.Flags15, c.warnings, c.kommune)
			}
			if c.flagged {
				if f := o.Flags[0]; f.Level != c.level || f.Percent-c.wantPercentFloatNear > 0.01 || c.wantPercentFloatNear-f.Percent > 0.01 {
					t.Errorf("flag %+v, want level %d at %v %%", f, c.level, c.wantPercentFloatNear)
				}
			}
			if !o.Exact {
				t.Error("Outcome.Exact not set")
			}
		})
	}
}

// TestNewCoursesCountThePupilsAtTheThreshold: nine pupils at or above
// 10 % for the first time, one of them exactly at it, are nine new
// courses (the float64 count was 8).
func TestNewCoursesCountThePupilsAtTheThreshold(t *testing.T) {
	var lines []string
	for _, l := range []string{"P1;nord;46;4,6;4,6", "P2;nord;34;5,1;5,1", "P3;nord;60;6;6", "P4;nord;60;9;9", "P5;nord;40;4;4",
		"P6;syd;40;6;6", "P7;syd;50;5;5", "P8;syd;50;10;10", "P9;syd;20;2;2", "P10;syd;46;4,59;4,59", "P11;syd;60;1;0"} {
		lines = append(lines, l)
	}
	pupils, problems := absence.Check("skole", table(lines...), exactSetup().Areas)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	o := absence.Compute(exactSetup(), pupils, absence.Carry{Found: true, Flagged: []string{"skole/P9"}, CoursesYTD: 3})
	if o.NewCourses != 8 || o.CoursesYTD != 11 || o.Total.Flags10 != 9 {
		t.Errorf("new courses %d, year to date %d, flagged %d; want 8, 11, 9 (P9 continues a course)", o.NewCourses, o.CoursesYTD, o.Total.Flags10)
	}
	o = absence.Compute(exactSetup(), pupils, absence.Carry{Found: true})
	if o.NewCourses != 9 || o.CoursesYTD != 9 {
		t.Errorf("new courses %d, year to date %d; want 9, 9", o.NewCourses, o.CoursesYTD)
	}
}

// TestAreaPercentIsExact: the area's sums are exact hundredths, and its
// percentages the nearest float64 to the exact fraction.
func TestAreaPercentIsExact(t *testing.T) {
	// 16 days: 6,25 % absent of 256 days.
	pupils, problems := absence.Check("skole", table("A;nord;128;8;0", "B;nord;128;8;0,1", "C;syd;10;0,05;0,05"), exactSetup().Areas)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	o := absence.Compute(exactSetup(), pupils, absence.Carry{})
	nord := o.Areas[0]
	if nord.Days != (absence.Days{School: 25600, Absent: 1600, Unlawful: 10}) || nord.Percent != 6.25 {
		t.Errorf("nord = %+v", nord)
	}
	if p := nord.Days.Percent(nord.Days.Absent); p.FloatString(4) != "6.2500" {
		t.Errorf("exact percent %v", p)
	}
	if syd := o.Areas[1]; syd.Days.Absent != 5 || syd.Percent != 0.5 {
		t.Errorf("syd = %+v", syd)
	}
}

// TestDayCountsInHundredths: more than two decimals is refused, naming the
// line.
func TestDayCountsInHundredths(t *testing.T) {
	_, problems := absence.Check("skole", table("A;nord;46;4,625;4,6", "B;nord;46;4,62;4,6"), exactSetup().Areas)
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "linje 2: ") || !strings.Contains(problems[0], "højst to decimaler") {
		t.Errorf("problems %q", problems)
	}
}
