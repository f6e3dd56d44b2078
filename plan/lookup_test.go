package plan

import (
	"slices"
	"testing"
	"time"
)

func TestLookups(t *testing.T) {
	p := mustLoad(t, randersID)
	if a, ok := p.Area(va); !ok || a.Name != "Vangdalen" {
		t.Errorf("Area(vangdalen) = %+v, %v", a, ok)
	}
	if _, ok := p.Area("sjaellandsgadekvarteret"); ok {
		t.Error("Area found a monitored area that is not in the plan")
	}
	if a, ok := p.Activity("brandkadet"); !ok || a.Parent != "unge-fritids-foreningsliv" || a.FocusArea != "kriminalitetsforebyggelse" {
		t.Errorf("Activity(brandkadet) = %+v, %v", a, ok)
	}
	if x, ok := p.Partner("noerrevangsskolen"); !ok || x.Kind != KindSchool {
		t.Errorf("Partner(noerrevangsskolen) = %+v, %v", x, ok)
	}
	if i, ok := p.Indicator("fravaer-skole"); !ok || i.Better != BetterLower {
		t.Errorf("Indicator(fravaer-skole) = %+v, %v", i, ok)
	}
	if f, ok := p.FocusArea("beskaeftigelse"); !ok || f.Name != "Beskæftigelse" {
		t.Errorf("FocusArea(beskaeftigelse) = %+v, %v", f, ok)
	}
	var subs []string
	for _, s := range p.SubActivities("familiekurser") {
		subs = append(subs, s.ID)
	}
	if want := []string{"familiedage", "sundhedssamtaler", "trivselsforloeb"}; !slices.Equal(subs, want) {
		t.Errorf("SubActivities(familiekurser) = %v", subs)
	}
}

func TestAreaForDepartment(t *testing.T) {
	p := mustLoad(t, randersID)
	tests := []struct {
		org, dept string
		want      string // "" = not found
	}{
		{"ms", "27", gj},
		{"Møllevænget og Storgården", "27", gj},
		{"  MØLLEVÆNGET   &  STORGÅRDEN ", "027", gj},
		{"Møllevenget & Storgaarden", "24", gb},
		{"rb1940", "27", gb}, // the same number in another organisation
		{"Randers Boligforening af 1940", "6", en},
		{"ms", "6", hs},
		{"Lejerbo", "104", gj},
		{"lejrbo", "104", gj},
		{"Kronjyllands Boligforening", "14", gb},
		{"RB1940", "29", va},
		{"ms", "29", ""},
		{"RandersBolig", "24", ""}, // the administrator is not an organisation: 24 is ambiguous
		{"ukendt", "1", ""},
		{"ms", "", ""},
	}
	for _, tc := range tests {
		a, ok := p.AreaForDepartment(tc.org, tc.dept)
		if ok != (tc.want != "") || a.ID != tc.want {
			t.Errorf("AreaForDepartment(%q, %q) = %q, %v; want %q", tc.org, tc.dept, a.ID, ok, tc.want)
		}
	}
}

func TestMeetings(t *testing.T) {
	p := mustLoad(t, randersID)
	board := p.BoardMeetings()
	if !slices.IsSortedFunc(board, func(a, b Meeting) int { return a.Date.Compare(b.Date) }) {
		t.Error("board meetings not sorted")
	}
	first := board[0]
	if first.Kind != MeetingStrategic || first.Date != (Date{2021, 9, 8}) || first.Year != "2021-22" {
		t.Errorf("first board meeting = %+v", first)
	}
	sg := p.SteeringGroupMeetings()
	if sg[0].Date != (Date{2021, 11, 3}) || sg[0].ForBoard != (Date{2021, 11, 24}) || sg[0].Kind != MeetingAutumn {
		t.Errorf("first steering group meeting = %+v", sg[0])
	}
	if s := sg[2]; s.Kind != MeetingSummer || s.Date != (Date{2022, 6, 22}) || !s.ForBoard.IsZero() {
		t.Errorf("third steering group meeting = %+v, want the 2022 summer meeting", s)
	}

	// Meeting times follow Copenhagen's offset: CET in November, CEST in May.
	start, end := p.MeetingTimes(Meeting{Body: BodyBoard, Date: Date{2021, 11, 24}})
	if got := start.UTC(); got != time.Date(2021, 11, 24, 13, 0, 0, 0, time.UTC) || end.Sub(start) != 2*time.Hour {
		t.Errorf("autumn board meeting %v – %v", start, end)
	}
	start, _ = p.MeetingTimes(Meeting{Body: BodySteeringGroup, Date: Date{2022, 4, 27}})
	if got := start.UTC(); got != time.Date(2022, 4, 27, 11, 0, 0, 0, time.UTC) {
		t.Errorf("spring steering group meeting starts %v", got)
	}
	start, end = p.MeetingTimes(p.Conferences()[0])
	if start != p.Midnight(Date{2022, 1, 27}) || end.Sub(start) != 24*time.Hour {
		t.Errorf("conference %v – %v", start, end)
	}
}

func TestTargetBounds(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		target   Target
		bound    string
		headline float64
		reached  map[float64]bool
	}{
		{Target{Value: f(12)}, BoundExactly, 12, map[float64]bool{11: false, 12: true, 13: true}},
		{Target{Value: f(50), Approx: true}, BoundAbout, 50, map[float64]bool{49: false, 50: true}},
		{Target{Min: f(10)}, BoundAtLeast, 10, map[float64]bool{9: false, 10: true}},
		{Target{Max: f(3)}, BoundAtMost, 3, map[float64]bool{3: true, 4: false}},
		{Target{Min: f(15), Max: f(20)}, BoundBetween, 15, map[float64]bool{14: false, 15: true, 20: true, 21: false}},
	}
	for _, tc := range tests {
		if b := tc.target.Bound(); b != tc.bound {
			t.Errorf("Bound() = %q, want %q", b, tc.bound)
		}
		if h := tc.target.Headline(); h != tc.headline {
			t.Errorf("%s: Headline() = %v", tc.bound, h)
		}
		for actual, want := range tc.reached {
			if got := tc.target.Reached(actual); got != want {
				t.Errorf("%s: Reached(%v) = %v", tc.bound, actual, got)
			}
		}
	}
}

func TestFlatTargets(t *testing.T) {
	p := mustLoad(t, randersID)
	perYear := map[string]int{}
	var indicatorRows int
	for _, r := range p.Targets() {
		perYear[r.Year]++
		if r.Indicator != "" {
			indicatorRows++
			if r.Activity != "" {
				t.Errorf("row with both activity and indicator: %+v", r)
			}
		}
		if r.Unit == "" || r.Metric == "" || r.Per == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
	// Every year has the same targets except NPU's one-off training in 2021-22.
	if perYear["2021-22"] != perYear["2022-23"]+1 || perYear["2022-23"] != perYear["2024-25"] {
		t.Errorf("targets per year = %v", perYear)
	}
	if indicatorRows != 4*4 {
		t.Errorf("%d indicator target rows, want 16", indicatorRows)
	}
	var gbGrants bool
	for _, r := range p.Targets() {
		if r.Indicator == "voksenlaere-kompetenceloeft" && r.Area == gb && r.Year == "2023-24" && r.Value == 8 && r.Bound == BoundAtLeast {
			gbGrants = true
		}
	}
	if !gbGrants {
		t.Error("no row for ≥ 8 grants a year in Glarbjergvej-området")
	}
}

func TestUnitName(t *testing.T) {
	p := mustLoad(t, randersID)
	for unit, want := range map[string]string{"courses": "forløb", "youths": "unge", "percent": "%", "pr. 1.000 indbyggere": "pr. 1.000 indbyggere"} {
		if got := p.UnitName(unit); got != want {
			t.Errorf("UnitName(%q) = %q, want %q", unit, got, want)
		}
	}
}
