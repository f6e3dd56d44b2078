package plan

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// followUpYAML is a valid economy, team and monitored area for the
// fixture, appended to it.
const followUpYAML = `economy:
  source: Tilsagnsbrev
  tilsagn: 150000
  budget:
    - {activity: fremmoede, planned: [100000, 110000], tilsagn: [50000, 60000]}
    - {activity: kursus, planned: [20000, 20000], tilsagn: [20000, 20000]}
team_meetings:
  - id: fravaersteam
    name: Fraværsteamet
    activity: fremmoede
    members: [sekretariat, skole]
    convenor: sekretariat
    every_days: 14
    weekday: tuesday
    start_time: "13:00"
    duration_minutes: 90
monitored_areas:
  - id: oest
    name: Øst
    monitored_by: Staten
    indicators:
      - {id: beboere, name: Beboere, unit: persons, threshold: 750}
      - {id: ledige, name: Ledige, unit: percent}
  - id: nord-risiko
    name: Nord
    area: nord
    monitored_by: Staten
    indicators:
      - {id: beboere, name: Beboere, unit: persons}
`

func followUpFixture(t *testing.T, edits ...edit) string {
	t.Helper()
	src := fixture(t) + followUpYAML
	for _, e := range edits {
		if n := strings.Count(src, e.old); n != 1 {
			t.Fatalf("fixture edit: %q occurs %d times, want 1", e.old, n)
		}
		src = strings.Replace(src, e.old, e.new, 1)
	}
	return src
}

func TestFollowUpSectionsParse(t *testing.T) {
	p, err := Parse([]byte(followUpFixture(t)), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Budget("2022-23"); len(got) != 2 || got[0] != (BudgetYear{Activity: "fremmoede", Year: "2022-23", Planned: 110000, Tilsagn: 60000}) {
		t.Errorf("Budget(2022-23) = %+v", got)
	}
	if got := p.Budget("2030-31"); got != nil {
		t.Errorf("Budget of a year the plan has not = %+v", got)
	}
	team, ok := p.TeamMeeting("fravaersteam")
	if d, _ := team.Day(); !ok || d != time.Tuesday || team.EveryDays != 14 {
		t.Errorf("team %+v", team)
	}
	if h, m := team.StartClock(); h != 13 || m != 0 {
		t.Errorf("start %d:%d", h, m)
	}
	if len(p.MonitoredAreas) != 2 || *p.MonitoredAreas[0].Indicators[0].Threshold != 750 || p.MonitoredAreas[1].Area != "nord" {
		t.Errorf("monitored areas %+v", p.MonitoredAreas)
	}
}

// TestFollowUpFaults breaks the follow-up sections one way at a time: each
// fault is reported at its YAML path and line.
func TestFollowUpFaults(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
		path  string
		msg   string
		line  string // snippet on the expected line
	}{
		{"budget line for an unknown activity", []edit{{"{activity: kursus,", "{activity: sport,"}},
			"$.economy.budget[1].activity", `unknown activity "sport"`, "{activity: sport,"},
		{"negative planned amount", []edit{{"planned: [100000, 110000]", "planned: [100000, -5]"}},
			"$.economy.budget[0].planned[1]", "planned amount -5 kr (2022-23): must not be negative", "planned: [100000, -5]"},
		{"negative tilsagn", []edit{{"tilsagn: [20000, 20000]", "tilsagn: [-20000, 20000]"}},
			"$.economy.budget[1].tilsagn[0]", "tilsagn amount -20000 kr (2021-22): must not be negative", "tilsagn: [-20000, 20000]"},
		{"an amount missing for a plan year", []edit{{"planned: [20000, 20000]", "planned: [20000]"}},
			"$.economy.budget[1].planned", "1 planned amounts for 2 plan years (2021-22, 2022-23)", "planned: [20000]"},
		{"budget line without tilsagn", []edit{{", tilsagn: [20000, 20000]}", "}"}},
			"$.economy.budget[1].tilsagn", "budget line without tilsagn amounts", "{activity: kursus,"},
		{"tilsagn above the budget", []edit{{"tilsagn: [50000, 60000]", "tilsagn: [50000, 120000]"}},
			"$.economy.budget[0].tilsagn[1]", "tilsagn 120000 kr exceeds the planned 110000 kr (2022-23)", "tilsagn: [50000, 120000]"},
		{"lines not adding up to the tilsagn", []edit{{"tilsagn: 150000", "tilsagn: 160000"}},
			"$.economy.tilsagn", "the budget lines' tilsagn add up to 150000 kr, the economy states 160000 kr", "tilsagn: 160000"},
		{"second line for an activity", []edit{{"{activity: kursus,", "{activity: fremmoede,"}},
			"$.economy.budget[1].activity", `second budget line for activity "fremmoede"`, "  - {activity: fremmoede, planned: [20000"},
		{"budget without source", []edit{{"  source: Tilsagnsbrev\n", ""}},
			"$.economy.source", "economy source", "economy:"},
		{"team meeting every 0 days", []edit{{"every_days: 14", "every_days: 0"}},
			"$.team_meetings[0].every_days", "every_days 0", "every_days: 0"},
		{"team meeting on a Saturday", []edit{{"weekday: tuesday", "weekday: saturday"}},
			"$.team_meetings[0].weekday", `weekday "saturday": want one of monday, tuesday, wednesday, thursday, friday`, "weekday: saturday"},
		{"team meeting for an unknown activity", []edit{{"activity: fremmoede\n    members", "activity: trivsel\n    members"}},
			"$.team_meetings[0].activity", `unknown activity "trivsel"`, "activity: trivsel"},
		{"team convenor not a member", []edit{{"convenor: sekretariat\n    every_days", "convenor: kommune\n    every_days"}},
			"$.team_meetings[0].convenor", `convenor "kommune" is not among the team's members`, "convenor: kommune"},
		{"team start time", []edit{{`start_time: "13:00"` + "\n    duration_minutes: 90\nmonitored", `start_time: "1 pm"` + "\n    duration_minutes: 90\nmonitored"}},
			"$.team_meetings[0].start_time", `start time "1 pm": want hh:mm`, `start_time: "1 pm"`},
		{"monitored area without indicators", []edit{{"    indicators:\n      - {id: beboere, name: Beboere, unit: persons}\n", ""}},
			"$.monitored_areas[1].indicators", `monitored area "nord-risiko" without indicators`, "  - id: nord-risiko"},
		{"monitored area with an empty indicator list", []edit{{"    indicators:\n      - {id: beboere, name: Beboere, unit: persons}\n", "    indicators: []\n"}},
			"$.monitored_areas[1].indicators", `monitored area "nord-risiko" without indicators`, "indicators: []"},
		{"monitored indicator without unit", []edit{{"{id: ledige, name: Ledige, unit: percent}", "{id: ledige, name: Ledige}"}},
			"$.monitored_areas[0].indicators[1].unit", "indicator without unit", "{id: ledige, name: Ledige}"},
		{"monitored area in an unknown plan area", []edit{{"area: nord\n    monitored_by", "area: vest\n    monitored_by"}},
			"$.monitored_areas[1].area", `unknown area "vest"`, "area: vest"},
		{"monitored area without monitor", []edit{{"    name: Øst\n    monitored_by: Staten\n", "    name: Øst\n"}},
			"$.monitored_areas[0].monitored_by", "monitored_by (who watches the area) is empty", "  - id: oest"},
		{"duplicate monitored indicator", []edit{{"{id: ledige,", "{id: beboere,"}},
			"$.monitored_areas[0].indicators[1].id", `duplicate indicator id "beboere"`, "{id: beboere, name: Ledige"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := followUpFixture(t, tc.edits...)
			ps := problems(t, src)
			p, ok := findProblem(ps, tc.path, tc.msg)
			if !ok {
				t.Fatalf("no problem at %s containing %q; got:\n%s", tc.path, tc.msg, (&ValidationError{Name: "minimal.yaml", Problems: ps}).Error())
			}
			if want := lineOf(t, src, tc.line); p.Line != want {
				t.Errorf("problem %q on line %d, want %d", p.Message, p.Line, want)
			}
		})
	}
}

func TestStaffLines(t *testing.T) {
	p := mustLoad(t, randersID)
	lines := p.StaffLines()
	byKey := map[string]StaffLine{}
	for _, l := range lines {
		if _, dup := byKey[l.Key]; dup {
			t.Errorf("key %s twice", l.Key)
		}
		byKey[l.Key] = l
	}
	y0, _ := p.PlanYear("2021-22")
	y1, _ := p.PlanYear("2022-23")
	tests := []struct {
		key      string
		partners []string
		y0, y1   float64
	}{
		// Focus areas first: the boligsocial staff hours, 64 a week.
		{"uddannelse-livschancer/1", []string{"bysekretariatet"}, 64 * 52, 64 * 52},
		// The four schools' 93 hours a week together.
		{"fremmoede-i-skolen/1", []string{"noerrevangsskolen", "oestervangsskolen", "vestervangsskolen", "hobrovejens-skole"}, 93 * 52, 93 * 52},
		{"forebyggelse-udsaettelser/2", []string{"boligsocial-enhed"}, 1924, 1924},
		// "kun i 2021": the first plan year only.
		{"job-og-uddannelse/1", []string{"jobcenter"}, 37.5, 0},
	}
	for _, tc := range tests {
		l, ok := byKey[tc.key]
		if !ok {
			t.Errorf("no staff line %s", tc.key)
			continue
		}
		if !slices.Equal(l.Partners, tc.partners) || l.HoursIn(y0) != tc.y0 || l.HoursIn(y1) != tc.y1 {
			t.Errorf("%s: partners %v, %g and %g hours, want %v, %g and %g", tc.key, l.Partners, l.HoursIn(y0), l.HoursIn(y1), tc.partners, tc.y0, tc.y1)
		}
	}
}

// TestEmbeddedFollowUp: both plans carry the absence team's 14-day
// meetings and the three monitored areas; the example has a budget for
// every plan year that adds up to its tilsagn, Randers (whose document
// gives no amounts) none.
func TestEmbeddedFollowUp(t *testing.T) {
	r, e := mustLoad(t, randersID), mustLoad(t, eksempelID)
	for _, p := range []*Plan{r, e} {
		team, ok := p.TeamMeeting("fravaersteam")
		if !ok || team.EveryDays != 14 || team.Activity != "fremmoede-i-skolen" || len(team.Members) != 8 || team.Convenor != "bysekretariatet" {
			t.Errorf("%s: absence team %+v", p.ID, team)
		}
		var ids []string
		for _, m := range p.MonitoredAreas {
			ids = append(ids, m.ID)
			if len(m.Indicators) < 5 || m.MonitoredBy == "" {
				t.Errorf("%s: monitored area %s: %d indicators, monitored by %q", p.ID, m.ID, len(m.Indicators), m.MonitoredBy)
			}
		}
		if want := []string{"sjaellandsgadekvarteret", "vangdalen-risiko", "energivej-risiko"}; !slices.Equal(ids, want) {
			t.Errorf("%s: monitored areas %v, want %v", p.ID, ids, want)
		}
		if p.MonitoredAreas[1].Area != va || p.MonitoredAreas[2].Area != en || p.MonitoredAreas[0].Area != "" {
			t.Errorf("%s: monitored areas' plan areas %q %q %q", p.ID, p.MonitoredAreas[0].Area, p.MonitoredAreas[1].Area, p.MonitoredAreas[2].Area)
		}
	}
	if len(r.Economy.Budget) != 0 || r.Economy.Tilsagn != 0 || r.Economy.Note == "" {
		t.Errorf("randers economy %+v: the plan document gives no amounts", r.Economy)
	}
	var sum int64
	for _, y := range e.PlanYears() {
		lines := e.Budget(y.Label)
		if len(lines) != len(e.Economy.Budget) || len(lines) == 0 {
			t.Errorf("example %s: %d budget lines", y.Label, len(lines))
		}
		for _, l := range lines {
			sum += l.Tilsagn
		}
	}
	if sum != e.Economy.Tilsagn || !strings.Contains(e.Economy.Source, "Syntetiske") {
		t.Errorf("example tilsagn %d, lines add up to %d; source %q", e.Economy.Tilsagn, sum, e.Economy.Source)
	}
}
