package plan

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2021-07-01", want: Date{2021, time.July, 1}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2023-02-29", wantErr: true}, // not a leap year
		{in: "2021-02-30", wantErr: true},
		{in: "2021-7-1", wantErr: true},
		{in: "01-07-2021", wantErr: true},
		{in: "2021-07-01T10:00:00Z", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseDate(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2022, time.March, 27} // DST starts in Copenhagen this night
	if got := d.AddDays(1); got != (Date{2022, time.March, 28}) {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := (Date{2021, time.November, 24}).AddDays(-21); got != (Date{2021, time.November, 3}) {
		t.Errorf("AddDays(-21) = %v", got)
	}
	if got := (Date{2021, time.July, 1}).DaysUntil(Date{2022, time.July, 1}); got != 365 {
		t.Errorf("DaysUntil = %d, want 365", got)
	}
	if !(Date{2021, 7, 1}).Before(Date{2021, 7, 2}) || (Date{2021, 7, 1}).After(Date{2021, 7, 2}) {
		t.Error("Before/After wrong")
	}
	if wd := (Date{2021, time.November, 24}).Weekday(); wd != time.Wednesday {
		t.Errorf("Weekday = %v", wd)
	}
}

func TestDateInLocation(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	d := Date{2022, time.June, 1}
	got := d.In(loc)
	if got.Hour() != 0 || got.Location() != loc || DateOf(got) != d {
		t.Errorf("In = %v", got)
	}
	if got.UTC().Hour() != 22 { // CEST is UTC+2: midnight is 22:00 the day before
		t.Errorf("midnight CEST in UTC = %v", got.UTC())
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2025-06-30")); err != nil {
		t.Fatal(err)
	}
	b, _ := d.MarshalText()
	if string(b) != "2025-06-30" {
		t.Errorf("round trip = %q", b)
	}
	if err := d.UnmarshalText([]byte("2025-13-01")); err == nil {
		t.Error("month 13 accepted")
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() {
		t.Error("zero Date should format as empty")
	}
}

func TestPlanYears(t *testing.T) {
	tests := []struct {
		name   string
		period Period
		want   []string
		last   Period
	}{
		{
			name:   "four plan years",
			period: Period{Date{2021, 7, 1}, Date{2025, 6, 30}},
			want:   []string{"2021-22", "2022-23", "2023-24", "2024-25"},
			last:   Period{Date{2024, 7, 1}, Date{2025, 6, 30}},
		},
		{
			name:   "short last year",
			period: Period{Date{2021, 7, 1}, Date{2022, 12, 31}},
			want:   []string{"2021-22", "2022-23"},
			last:   Period{Date{2022, 7, 1}, Date{2022, 12, 31}},
		},
		{
			name:   "century label",
			period: Period{Date{2099, 7, 1}, Date{2100, 6, 30}},
			want:   []string{"2099-00"},
			last:   Period{Date{2099, 7, 1}, Date{2100, 6, 30}},
		},
		{name: "end before start", period: Period{Date{2022, 7, 1}, Date{2021, 7, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			years := planYears(tc.period)
			if len(years) != len(tc.want) {
				t.Fatalf("got %d years %v, want %v", len(years), years, tc.want)
			}
			for i, y := range years {
				if y.Label != tc.want[i] || y.Index != i {
					t.Errorf("year %d = %+v, want label %s", i, y, tc.want[i])
				}
			}
			if len(years) > 0 && years[len(years)-1].Period != tc.last {
				t.Errorf("last year = %v, want %v", years[len(years)-1].Period, tc.last)
			}
		})
	}
}

func TestYearOf(t *testing.T) {
	p := &Plan{Period: Period{Date{2021, 7, 1}, Date{2025, 6, 30}}}
	tests := []struct {
		d    Date
		want string
		ok   bool
	}{
		{Date{2021, 7, 1}, "2021-22", true},
		{Date{2022, 6, 30}, "2021-22", true},
		{Date{2022, 7, 1}, "2022-23", true},
		{Date{2025, 6, 30}, "2024-25", true},
		{Date{2025, 7, 1}, "", false},
		{Date{2021, 6, 30}, "", false},
	}
	for _, tc := range tests {
		y, ok := p.YearOf(tc.d)
		if ok != tc.ok || y.Label != tc.want {
			t.Errorf("YearOf(%v) = %q, %v; want %q, %v", tc.d, y.Label, ok, tc.want, tc.ok)
		}
	}
	if y, ok := p.PlanYear("2023-24"); !ok || y.Index != 2 {
		t.Errorf("PlanYear(2023-24) = %+v, %v", y, ok)
	}
}
