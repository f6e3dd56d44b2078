package plan

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// edit replaces a snippet that must occur exactly once in the fixture.
type edit struct{ old, new string }

func fixture(t *testing.T, edits ...edit) string {
	t.Helper()
	b, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for _, e := range edits {
		if n := strings.Count(src, e.old); n != 1 {
			t.Fatalf("fixture edit: %q occurs %d times, want 1", e.old, n)
		}
		src = strings.Replace(src, e.old, e.new, 1)
	}
	return src
}

// lineOf returns the 1-based line of the first line containing snippet.
func lineOf(t *testing.T, src, snippet string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, snippet) {
			return i + 1
		}
	}
	t.Fatalf("snippet %q not in source", snippet)
	return 0
}

// problems parses src and returns its problems, failing if it parses.
func problems(t *testing.T, src string) []Problem {
	t.Helper()
	p, err := Parse([]byte(src), "minimal.yaml")
	if err == nil {
		t.Fatalf("Parse succeeded (plan %q), want a ValidationError", p.ID)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %v, want *ValidationError", err, err)
	}
	if len(ve.Problems) == 0 {
		t.Fatal("ValidationError without problems")
	}
	return ve.Problems
}

func findProblem(ps []Problem, path, msg string) (Problem, bool) {
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Message, msg) {
			return p, true
		}
	}
	return Problem{}, false
}

func TestFixtureIsValid(t *testing.T) {
	p, err := Parse([]byte(fixture(t)), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "test-2021-23" || len(p.Areas) != 2 || len(p.Activities) != 2 {
		t.Errorf("unexpected fixture contents: %+v", p)
	}
}

// TestFaults breaks the fixture one way at a time and checks that the fault
// is reported at the right path and line.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
		path  string
		msg   string // substring of the message
		line  string // snippet on the expected line of the edited source
		above int    // the problem is this many lines above the snippet
	}{
		{"unknown area in activity", []edit{{"areas: [nord, syd]", "areas: [nord, vest]"}},
			"$.activities[0].areas[1]", `unknown area "vest"`, "areas: [nord, vest]", 0},
		{"unknown area in target", []edit{{"area: nord, min: 12", "area: vest, min: 12"}},
			"$.activities[1].targets[0].area", `unknown area "vest"`, "area: vest, min: 12", 0},
		{"unknown area in baseline", []edit{{"{area: syd, value: 6.4}", "{area: vest, value: 6.4}"}},
			"$.indicators[0].baselines[1].area", `unknown area "vest"`, "area: vest, value: 6.4", 0},
		{"unknown area in department", []edit{{`{organisation: bb, number: "1", area: syd}`, `{organisation: bb, number: "1", area: vest}`}},
			"$.departments[2].area", `unknown area "vest"`, "area: vest}", 0},
		{"target area outside activity areas", []edit{{"area: nord, min: 12", "area: syd, min: 12"}},
			"$.activities[1].targets[0].area", `target area "syd" is not among the activity's areas`, "area: syd, min: 12", 0},
		{"sub-activity area outside parent areas", []edit{{"areas: [nord, syd]", "areas: [syd]"}},
			"$.activities[1].areas[0]", `area "nord" is not among parent "fremmoede"'s areas`, "    areas: [nord]", 0},
		{"unknown partner in activity", []edit{{"responsible: [skole, sekretariat]", "responsible: [skole, rektor]"}},
			"$.activities[0].responsible[1]", `unknown partner "rektor"`, "responsible: [skole, rektor]", 0},
		{"unknown partner in board", []edit{{"members: [kommune, sekretariat]", "members: [kommune, borgmester]"}},
			"$.governance.board.members[1]", `unknown partner "borgmester"`, "members: [kommune, borgmester]", 0},
		{"unknown partner in steering group", []edit{{"members: [kommune, skole, sekretariat]", "members: [kommune, gymnasium, sekretariat]"}},
			"$.governance.steering_group.members[1]", `unknown partner "gymnasium"`, "gymnasium", 0},
		{"unknown partner in crisis group", []edit{{"title: Skoleleder, partner: skole}", "title: Skoleleder, partner: politi}"}},
			"$.governance.crisis.roles[1].partner", `unknown partner "politi"`, "partner: politi", 0},
		{"blank board place", []edit{{"start_time: \"14:00\"", "start_time: \"14:00\"\n    place: \"  \""}},
			"$.governance.board.place", "place is blank", "place:", 0},
		{"steering-group place on two lines", []edit{{"start_time: \"13:00\"", "start_time: \"13:00\"\n    place: \"Rådhuset\\nmødelokale 2\""}},
			"$.governance.steering_group.place", "one line", "place:", 0},
		{"target unit code without a Danish name", []edit{{"min: 12, unit: youths}", "min: 12, unit: pupils}"}},
			"$.activities[1].targets[0].unit", `unit "pupils" has no Danish name: add it under units`, "unit: pupils}", 0},
		{"unit code named nowhere", []edit{{"units: {courses: forløb, ", "units: {"}},
			"$.activities[0].targets[0].unit", `unit "courses" has no Danish name`, "{metric: forloeb, year: 2021-22", 0},
		{"blank Danish unit name", []edit{{"youths: unge}", "youths: \"  \"}"}},
			"$.units.youths", `unit "youths" without a Danish name`, "units:", 0},
		{"target without unit", []edit{{"min: 12, unit: youths}", "min: 12}"}},
			"$.activities[1].targets[0].unit", "target without unit", "{metric: unge", 0},
		{"target without year", []edit{{"{metric: unge, year: 2021-22, ", "{metric: unge, "}},
			"$.activities[1].targets[0].year", "target without plan year", "{metric: unge", 0},
		{"target year outside plan years", []edit{{"year: 2022-23, value: 50", "year: 2023-24, value: 50"}},
			"$.activities[0].targets[1].year", `plan year "2023-24" is not one of the plan's years (2021-22, 2022-23)`, "year: 2023-24, value: 50", 0},
		{"target without value", []edit{{"area: nord, min: 12, ", "area: nord, "}},
			"$.activities[1].targets[0]", "target without value, min or max", "{metric: unge", 0},
		{"baseline without source", []edit{{"    source: Kommunen\n", ""}},
			"$.indicators[0].baselines[0].source", "baseline without source", "{area: nord, value: 5.7}", 0},
		{"baseline without value", []edit{{"{area: nord, value: 5.7}", "{area: nord}"}},
			"$.indicators[0].baselines[0].value", "baseline without value", "{area: nord}", 0},
		{"indicator without direction", []edit{{"    better: lower\n", ""}},
			"$.indicators[0].better", "indicator without direction", "- id: fravaer", 0},
		{"indicator with invalid direction", []edit{{"better: higher", "better: up"}},
			"$.indicators[1].better", `direction "up": want lower or higher`, "better: up", 0},
		{"board meeting outside period", []edit{{"autumn: 2022-11-23", "autumn: 2023-11-22"}},
			"$.governance.board.meetings[1].autumn", "autumn board meeting 2023-11-22 is outside the plan period 2021-07-01..2023-06-30", "autumn: 2023-11-22", 0},
		{"board meeting in wrong plan year", []edit{{"spring: 2022-05-18", "spring: 2022-09-14"}},
			"$.governance.board.meetings[0].spring", "is not in plan year 2021-22", "spring: 2022-09-14", 0},
		{"summer meeting outside period", []edit{{"date: 2023-06-28", "date: 2023-07-05"}},
			"$.governance.steering_group.summer_meetings[1].date", "outside the plan period", "date: 2023-07-05", 0},
		{"derived steering group meeting outside period", []edit{{"autumn: 2021-11-24", "autumn: 2021-07-14"}},
			"$.governance.board.meetings[0].autumn", "the steering group meeting 21 days before this board meeting, on 2021-06-23, is outside the plan period", "autumn: 2021-07-14", 0},
		{"meeting on a weekend", []edit{{"date: 2022-06-22", "date: 2022-06-25"}},
			"$.governance.steering_group.summer_meetings[0].date", "falls on a Saturday", "date: 2022-06-25", 0},
		{"plan year without board meetings", []edit{{"      - year: 2022-23\n        autumn: 2022-11-23\n        spring: 2023-05-17\n", ""}},
			"$.governance.board.meetings", "no board meetings in plan year 2022-23", "    meetings:", 0},
		{"duplicate area id", []edit{{"  - id: syd\n    name: Syd", "  - id: nord\n    name: Syd"}},
			"$.areas[1].id", `duplicate area id "nord" (first defined at $.areas[0], line 16)`, "name: Syd", 1},
		{"duplicate activity id", []edit{{"- id: kursus", "- id: fremmoede"}},
			"$.activities[1].id", `duplicate activity id "fremmoede"`, "    name: Kursus", 1},
		{"duplicate indicator id", []edit{{"- id: tryghed", "- id: fravaer"}},
			"$.indicators[1].id", `duplicate indicator id "fravaer"`, "    name: Tryghed", 1},
		{"duplicate partner id", []edit{{"- id: kommune", "- id: skole"}},
			"$.partners[2].id", `duplicate partner id "skole"`, "    name: Kommunen", 1},
		{"duplicate housing organisation id", []edit{{"- id: bb", "- id: ab"}},
			"$.housing_organisations[1].id", `duplicate housing organisation id "ab"`, "    name: Beta Bolig", 1},
		{"department mapped to two areas", []edit{{`{organisation: bb, number: "1", area: syd}`, `{organisation: ab, number: "01", area: syd}`}},
			"$.departments[2]", `department ab 01 is mapped to two areas: "syd" here and "nord" at $.departments[0]`, `number: "01"`, 0},
		{"unknown housing organisation in department", []edit{{`{organisation: ab, number: "2", area: syd}`, `{organisation: cc, number: "2", area: syd}`}},
			"$.departments[1].organisation", `unknown housing organisation "cc"`, "organisation: cc", 0},
		{"empty plan id", []edit{{"id: test-2021-23", `id: ""`}}, "$.id", "plan id is empty", `id: ""`, 0},
		{"missing plan name", []edit{{"name: Testplan\n", ""}}, "$.name", "plan name is empty", "id: test-2021-23", 0},
		{"period end before start", []edit{{"end: 2023-06-30", "end: 2021-06-30"}},
			"$.period.end", "plan period ends (2021-06-30) before it starts (2021-07-01)", "period:", 0},
		{"discretion threshold below 1", []edit{{"discretion_threshold: 5", "discretion_threshold: 0"}},
			"$.discretion_threshold", "discretion threshold 0: must be at least 1", "discretion_threshold: 0", 0},
		{"unknown time zone", []edit{{"time_zone: Europe/Copenhagen", "time_zone: Europe/Randers"}},
			"$.time_zone", `unknown time zone "Europe/Randers"`, "time_zone:", 0},
		{"unknown focus area in activity", []edit{{"focus_area: uddannelse\n    parent", "focus_area: sport\n    parent"}},
			"$.activities[1].focus_area", `unknown focus area "sport"`, "focus_area: sport", 0},
		{"unknown focus area in indicator", []edit{{"focus_area: overall", "focus_area: sundhed"}},
			"$.indicators[1].focus_area", `unknown focus area "sundhed"`, "focus_area: sundhed", 0},
		{"unknown key", []edit{{"    residents: 200", "    residens: 200"}},
			"$.areas[1].residens", `unknown key "residens"`, "residens: 200", 0},
		{"unknown top-level key", []edit{{"name: Testplan\n", "name: Testplan\ncolour: blue\n"}},
			"$.colour", `unknown key "colour"`, "colour: blue", 0},
		{"alias colliding with another organisation's name", []edit{{"aliases: [Beta Boligforening]", "aliases: [alfa  BOLIG]"}},
			"$.housing_organisations[1].aliases[0]", `alias "alfa  BOLIG" collides with the name of housing organisation "ab"`, "alfa  BOLIG", 0},
		{"wrong node kind", []edit{{"residents: 100", "residents: [100]"}},
			"$.areas[0].residents", "expected an integer, found a list", "residents: [100]", 0},
		{"invalid date", []edit{{"spring: 2022-05-18", "spring: 2022-02-30"}},
			"$.governance.board.meetings[0].spring", `invalid date "2022-02-30"`, "spring: 2022-02-30", 0},
		{"school that is not a school", []edit{{"schools: [skole]", "schools: [kommune]"}},
			"$.areas[0].schools[0]", `partner "kommune" is a municipal, not a school`, "schools: [kommune]", 0},
		{"crisis convenor not a role", []edit{{"convenor: leder", "convenor: formand"}},
			"$.governance.crisis.convenor", `convenor "formand" is not a crisis role id`, "convenor: formand", 0},
		{"contact that is not an e-mail address", []edit{{"email: direktoer@kommune-eksempel.randers.dk", "email: tlf 12345678"}},
			"$.partners[2].email", "is not a plain address", "email: tlf", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := fixture(t, tc.edits...)
			ps := problems(t, src)
			p, ok := findProblem(ps, tc.path, tc.msg)
			if !ok {
				t.Fatalf("no problem at %s containing %q; got:\n%s", tc.path, tc.msg, (&ValidationError{Name: "minimal.yaml", Problems: ps}).Error())
			}
			if want := lineOf(t, src, tc.line) - tc.above; p.Line != want {
				t.Errorf("problem %q on line %d, want %d", p.Message, p.Line, want)
			}
		})
	}
}

func TestMalformedYAML(t *testing.T) {
	src := fixture(t, edit{"areas: [nord, syd]", "areas: [nord, syd"})
	ps := problems(t, src)
	if len(ps) != 1 {
		t.Fatalf("got %d problems, want 1: %v", len(ps), ps)
	}
	p := ps[0]
	if p.Line <= 0 || p.Column <= 0 || p.Path != "$" || !strings.Contains(p.Message, "malformed YAML at column") {
		t.Errorf("problem = %+v", p)
	}
}

func TestDuplicateKey(t *testing.T) {
	src := fixture(t, edit{"    residents: 200\n", "    residents: 200\n    residents: 300\n"})
	ps := problems(t, src)
	if p, ok := findProblem(ps, "$", "already defined"); !ok || p.Line != lineOf(t, src, "residents: 300") {
		t.Errorf("duplicate key: %v", ps)
	}
}

func TestEmptyAndMultiDocument(t *testing.T) {
	ps := problems(t, "# nothing here\n")
	if _, ok := findProblem(ps, "$", "empty plan file"); !ok {
		t.Errorf("empty file: %v", ps)
	}
	ps = problems(t, fixture(t)+"---\nid: other\n")
	if p, ok := findProblem(ps, "$", "more than one YAML document"); !ok || p.Line <= 1 {
		t.Errorf("two documents: %v", ps)
	}
}

// TestManyFaultsAtOnce checks that unrelated faults in different parts of a
// file are all reported in one error, in file order.
func TestManyFaultsAtOnce(t *testing.T) {
	src := fixture(t,
		edit{"areas: [nord, syd]", "areas: [nord, vest]"},
		edit{"min: 12, unit: youths}", "min: 12}"},
		edit{"autumn: 2022-11-23", "autumn: 2023-11-22"},
		edit{"    residents: 200", "    residens: 200"},
		edit{"aliases: [Beta Boligforening]", "aliases: [Alfa Bolig]"},
		edit{"    better: lower\n", ""},
		edit{"discretion_threshold: 5", "discretion_threshold: 0"},
	)
	_, err := Parse([]byte(src), "minimal.yaml")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		"$.discretion_threshold",
		"$.housing_organisations[1].aliases[0]",
		"$.areas[1].residens",
		"$.activities[0].areas[1]",
		"$.activities[1].targets[0].unit",
		"$.indicators[0].better",
		"$.governance.board.meetings[1].autumn",
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Path)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problem paths in order:\n got %v\nwant %v\n%s", got, want, ve.Error())
	}
	lines := strings.Split(ve.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("Error() has %d lines, want %d:\n%s", len(lines), len(want), ve.Error())
	}
	format := regexp.MustCompile(`^minimal\.yaml:[1-9][0-9]*: \$\S*: \S.*$`)
	for _, l := range lines {
		if !format.MatchString(l) {
			t.Errorf("line %q does not match name:line: path: message", l)
		}
	}
}

func TestDefaults(t *testing.T) {
	src := fixture(t,
		edit{"time_zone: Europe/Copenhagen\n", ""},
		edit{"discretion_threshold: 5\n", ""},
		edit{"    offset_days: 21\n", ""},
	)
	p, err := Parse([]byte(src), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.TimeZone != DefaultTimeZone || p.DiscretionThreshold != 5 || p.Governance.SteeringGroup.OffsetDays != 21 {
		t.Errorf("defaults not applied: tz %q, threshold %d, offset %d", p.TimeZone, p.DiscretionThreshold, p.Governance.SteeringGroup.OffsetDays)
	}
	if p.Location().String() != "Europe/Copenhagen" {
		t.Errorf("Location() = %v", p.Location())
	}
}

func TestLineIndexFallsBackToParent(t *testing.T) {
	idx := lineIndex{"$": 1, "$.activities": 10, "$.activities[2]": 14}
	tests := map[string]int{
		"$.activities[2].targets[0].unit": 14,
		"$.activities[7]":                 10,
		"$.nothing":                       1,
		"$":                               1,
	}
	for path, want := range tests {
		if got := idx.line(path); got != want {
			t.Errorf("line(%q) = %d, want %d", path, got, want)
		}
	}
}

// TestAnchorsAndMergeKeys checks that YAML anchors, aliases and merge keys
// decode, and that a key unknown inside a merged mapping is still reported.
func TestAnchorsAndMergeKeys(t *testing.T) {
	src := fixture(t, edit{
		"      - {metric: forloeb, year: 2021-22, value: 50, approx: true, unit: courses}\n      - {metric: forloeb, year: 2022-23, value: 50, approx: true, unit: courses}",
		"      - &forloeb {metric: forloeb, year: 2021-22, value: 50, approx: true, unit: courses}\n      - {<<: *forloeb, year: 2022-23}",
	})
	p, err := Parse([]byte(src), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ts := p.Activities[0].Targets
	if len(ts) != 2 || ts[1].Year != "2022-23" || ts[1].Unit != "courses" || *ts[1].Value != 50 {
		t.Errorf("merged target = %+v", ts[1])
	}

	src = strings.Replace(src, "approx: true, unit: courses}", "approx: true, unit: courses, colour: red}", 1)
	if _, ok := findProblem(problems(t, src), "$.activities[0].targets[0].colour", `unknown key "colour"`); !ok {
		t.Error("unknown key in an anchored mapping not reported")
	}
}
