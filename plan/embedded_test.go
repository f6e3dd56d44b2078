package plan

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	randersID  = "randers-2021-25"
	eksempelID = "eksempel-2025-29"

	gj = "gl-jennumparken"
	gb = "glarbjergvej-omraadet"
	hs = "hermann-stillingsvej-omraadet"
	en = "energivej-omraadet"
	va = "vangdalen"
)

func mustLoad(t *testing.T, id string) *Plan {
	t.Helper()
	p, err := LoadEmbedded(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEmbeddedPlansLoad(t *testing.T) {
	ids := Embedded()
	if want := []string{eksempelID, randersID}; !slices.Equal(ids, want) {
		t.Fatalf("Embedded() = %v, want %v", ids, want)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			p := mustLoad(t, id)
			if p.ID != id {
				t.Errorf("ID = %q", p.ID)
			}
			if p.TimeZone != "Europe/Copenhagen" || p.DiscretionThreshold != 5 {
				t.Errorf("time zone %q, threshold %d", p.TimeZone, p.DiscretionThreshold)
			}
			if n := len(p.PlanYears()); n != 4 {
				t.Errorf("%d plan years, want 4", n)
			}
		})
	}
	if _, err := LoadEmbedded("nope"); err == nil || !strings.Contains(err.Error(), randersID) {
		t.Errorf("LoadEmbedded(nope) error = %v, want one listing the embedded plans", err)
	}
}

func TestForDate(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t    time.Time
		want string // "" = error
	}{
		{time.Date(2026, 11, 26, 12, 0, 0, 0, cph), eksempelID},
		{time.Date(2023, 1, 1, 0, 0, 0, 0, cph), randersID},
		{time.Date(2021, 7, 1, 0, 0, 0, 0, cph), randersID},
		{time.Date(2025, 6, 30, 23, 59, 0, 0, cph), randersID},
		// 22:30 UTC on 30 June is already 1 July in Copenhagen.
		{time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC), eksempelID},
		{time.Date(2021, 6, 30, 21, 59, 0, 0, time.UTC), ""},
		{time.Date(2029, 6, 30, 12, 0, 0, 0, cph), eksempelID},
		{time.Date(2029, 7, 1, 12, 0, 0, 0, cph), ""},
	}
	for _, tc := range tests {
		p, err := ForDate(tc.t)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ForDate(%v) = %s, want error", tc.t, p.ID)
		case tc.want != "" && err != nil:
			t.Errorf("ForDate(%v): %v", tc.t, err)
		case tc.want != "" && p.ID != tc.want:
			t.Errorf("ForDate(%v) = %s, want %s", tc.t, p.ID, tc.want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	data, err := embedded.ReadFile("plans/" + randersID + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadFile(path)
	if err != nil || p.ID != randersID {
		t.Fatalf("LoadFile = %v, %v", p, err)
	}
	_, err = LoadFile(filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(missing) error = %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("id: x\nname: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(bad)
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), bad+":") {
		t.Errorf("LoadFile(bad) error = %v, want a ValidationError naming the file", err)
	}
}

func TestRandersAreas(t *testing.T) {
	p := mustLoad(t, randersID)
	want := []struct {
		id, name             string
		residents, tenancies int
		departments          int
	}{
		{gj, "Gl. Jennumparken", 1363, 554, 5},
		{gb, "Glarbjergvej-området", 1515, 759, 9},
		{hs, "Hermann Stillingsvej-området", 1020, 732, 12},
		{en, "Energivej-området", 980, 593, 11},
		{va, "Vangdalen", 880, 344, 1},
	}
	if len(p.Areas) != len(want) {
		t.Fatalf("%d areas, want %d", len(p.Areas), len(want))
	}
	for i, w := range want {
		a := p.Areas[i]
		if a.ID != w.id || a.Name != w.name || a.Residents != w.residents || a.Tenancies != w.tenancies {
			t.Errorf("area %d = %s %q %d/%d, want %s %q %d/%d", i, a.ID, a.Name, a.Residents, a.Tenancies, w.id, w.name, w.residents, w.tenancies)
		}
		if n := len(p.DepartmentsOf(w.id)); n != w.departments {
			t.Errorf("%s has %d departments, want %d", w.id, n, w.departments)
		}
	}
	if p.Totals.Residents != 5758 || p.Totals.Tenancies != 2982 {
		t.Errorf("totals = %+v", p.Totals)
	}
	var names []string
	for _, f := range p.FocusAreas {
		names = append(names, f.Name)
	}
	if want := []string{"Uddannelse og livschancer", "Beskæftigelse", "Kriminalitetsforebyggelse", "Sammenhængskraft og medborgerskab"}; !slices.Equal(names, want) {
		t.Errorf("focus areas = %v", names)
	}
}

// TestRandersMatrix checks the "Indsatser i områderne" matrix.
func TestRandersMatrix(t *testing.T) {
	p := mustLoad(t, randersID)
	all := []string{gj, gb, hs, en, va}
	want := map[string][]string{
		"familieorienteret-uddannelsesvejledning": {gj, gb, en, va},
		"fremmoede-i-skolen":                      all,
		"npu":                                     all,
		"sprogindsats":                            {gj, gb, hs},
		"familiekurser":                           {gj, gb, en, va},
		"milife":                                  {gj, gb},
		"job-og-uddannelse":                       {gj, gb, hs},
		"unge-fritids-foreningsliv":               {gj, gb},
		"forebyggelse-udsaettelser":               all,
	}
	for id, areas := range want {
		a, ok := p.Activity(id)
		if !ok {
			t.Errorf("no activity %s", id)
			continue
		}
		if !slices.Equal(a.Areas, areas) {
			t.Errorf("%s runs in %v, want %v", id, a.Areas, areas)
		}
		if a.Parent != "" {
			t.Errorf("%s is a sub-activity of %s, want a matrix row", id, a.Parent)
		}
	}
}

func TestRandersTargets(t *testing.T) {
	p := mustLoad(t, randersID)
	tests := []struct {
		activity, metric string
		bound            string
		value, max       float64
		unit, per        string
	}{
		{"brandkadet", "unge", BoundAtLeast, 12, 0, "youths", PerYear},
		{"lommepengejob", "unge", BoundAtLeast, 15, 0, "youths", PerYear},
		{"trivselsforloeb", "forloeb", BoundAtLeast, 3, 0, "courses", PerYear},
		{"trivselsforloeb", "familier", BoundAtLeast, 15, 0, "families", PerYear},
		{"familiedage", "familier", BoundExactly, 12, 12, "families", PerYear},
		{"familieorienteret-uddannelsesvejledning", "individuelle-forloeb", BoundBetween, 15, 20, "courses", PerYear},
		{"fremmoede-i-skolen", "nye-elevforloeb", BoundAbout, 50, 50, "courses", PerYear},
		{"uddannelsesfokus", "workshops", BoundAtLeast, 10, 0, "workshops", PerYear},
		{"haandholdt-jobformidling", "personer-i-forloeb", BoundAbout, 35, 35, "persons", PerAtATime},
		{"oekonomisk-raadgivning", "raadgivningsforloeb", BoundAbout, 180, 180, "courses", PerYear},
		{"forebyggelse-udsaettelser", "udsaettelsestruede-beboere", BoundAbout, 45, 45, "tenants", PerMonth},
	}
	rows := p.Targets()
	for _, tc := range tests {
		var years []string
		for _, r := range rows {
			if r.Activity != tc.activity || r.Metric != tc.metric {
				continue
			}
			years = append(years, r.Year)
			if r.Bound != tc.bound || r.Value != tc.value || r.Max != tc.max || r.Unit != tc.unit || r.Per != tc.per || r.Area != "" {
				t.Errorf("%s/%s %s = %+v", tc.activity, tc.metric, r.Year, r)
			}
		}
		if want := []string{"2021-22", "2022-23", "2023-24", "2024-25"}; !slices.Equal(years, want) {
			t.Errorf("%s/%s targets in years %v, want %v", tc.activity, tc.metric, years, want)
		}
	}
}

func TestRandersIndicators(t *testing.T) {
	p := mustLoad(t, randersID)
	tests := []struct {
		id, better, unit, period string
		areas                    map[string]float64
		kommune                  float64 // -1 = none
	}{
		{"fravaer-skole", BetterLower, "percent", "Første halvår af skoleåret 2019-20",
			map[string]float64{gj: 5.7, gb: 5.8, hs: 5.8, va: 5.7, en: 6.4}, 4.5},
		// The Randers Retskreds baseline is on all evictions (see the YAML).
		{"udsaettelser", BetterLower, "count", "2018-2019 (2 år)",
			map[string]float64{gj: 11, gb: 14, hs: 8, va: 1, en: 7}, 167},
		{"effektive-udsaettelser", BetterLower, "count", "2018-2019 (2 år)",
			map[string]float64{gj: 5, gb: 8, hs: 6, va: 1, en: 4}, -1},
		{"ungdomsuddannelse-samme-aar", BetterHigher, "percent", "2020",
			map[string]float64{gj: 75, gb: 57, hs: 67, va: 88, en: 100}, 86},
		{"grundskole-30-59-aar", BetterLower, "persons", "2020",
			map[string]float64{gb: 348, gj: 348, hs: 243}, -1},
		{"ssp-bekymringer", BetterLower, "count", "2020",
			map[string]float64{gj: 2, gb: 3}, 89},
	}
	for _, tc := range tests {
		ind, ok := p.Indicator(tc.id)
		if !ok {
			t.Errorf("no indicator %s", tc.id)
			continue
		}
		if ind.Better != tc.better || ind.Unit != tc.unit || ind.BaselinePeriod != tc.period || ind.Source == "" {
			t.Errorf("%s: better %q unit %q period %q source %q", tc.id, ind.Better, ind.Unit, ind.BaselinePeriod, ind.Source)
		}
		got := map[string]float64{}
		for _, b := range ind.Baselines {
			got[b.Area] = b.Value
		}
		if !reflect.DeepEqual(got, tc.areas) {
			t.Errorf("%s baselines = %v, want %v", tc.id, got, tc.areas)
		}
		switch {
		case tc.kommune < 0 && len(ind.Kommune) != 0:
			t.Errorf("%s has kommune baselines %v, want none", tc.id, ind.Kommune)
		case tc.kommune >= 0 && (len(ind.Kommune) != 1 || ind.Kommune[0].Value != tc.kommune):
			t.Errorf("%s kommune = %v, want %v", tc.id, ind.Kommune, tc.kommune)
		}
	}

	overall, sub := 0, map[string]int{}
	for _, ind := range p.Indicators {
		if ind.FocusArea == OverallFocusArea {
			overall++
		} else {
			sub[ind.FocusArea]++
		}
	}
	if overall != 11 || len(sub) != 4 {
		t.Errorf("%d overall indicators and sub-goal indicators in %v", overall, sub)
	}
	d, _ := p.Indicator("dagtilbud-1-5-aar")
	if d.Baselines[0].Value != 92.5 || d.Baselines[0].Persons != 382 || d.Kommune[0].Value != 91.4 || d.Kommune[0].Persons != 4520 {
		t.Errorf("dagtilbud baselines = %+v / %+v", d.Baselines, d.Kommune)
	}
}

func TestRandersGovernance(t *testing.T) {
	p := mustLoad(t, randersID)
	board := p.BoardMeetings()
	if len(board) != 16 {
		t.Errorf("%d board meetings, want 16 (2 fixed + 2 strategic × 4 years)", len(board))
	}
	sg := p.SteeringGroupMeetings()
	if len(sg) != 12 {
		t.Fatalf("%d steering group meetings, want 12 (3 × 4 years)", len(sg))
	}
	for _, m := range sg {
		if !p.Period.Contains(m.Date) {
			t.Errorf("%v outside the plan", m)
		}
		if m.Kind == MeetingSummer {
			continue
		}
		if m.Date.DaysUntil(m.ForBoard) != 21 {
			t.Errorf("%v is not 21 days before its board meeting %v", m, m.ForBoard)
		}
	}
	if n := len(p.Conferences()); n != 4 {
		t.Errorf("%d conferences, want 4", n)
	}
	g := p.Governance
	if g.Board.Chair != "umt" || g.SteeringGroup.Chair != "umt" || g.SteeringGroup.OffsetDays != 21 {
		t.Errorf("chairs %q/%q, offset %d", g.Board.Chair, g.SteeringGroup.Chair, g.SteeringGroup.OffsetDays)
	}
	if !slices.Contains(g.Board.FixedAgenda, "Fremdriftsrapportering") || !slices.Contains(g.SteeringGroup.FixedAgenda, "Nyt fra deltagerne") {
		t.Errorf("fixed agendas: %v / %v", g.Board.FixedAgenda, g.SteeringGroup.FixedAgenda)
	}
	if len(g.Crisis.Roles) != 6 || g.Crisis.Convenor != "sekretariatsleder" {
		t.Errorf("crisis group: %d roles, convenor %q", len(g.Crisis.Roles), g.Crisis.Convenor)
	}
}

// TestNoPersonalData guards the rule that the shipped plans name roles, not
// people: the seed's names and phone numbers must never be copied in.
func TestNoPersonalData(t *testing.T) {
	names := []string{"Claus Hansen", "Aarslev", "Niels Jørgensen", "Lene Gorm", "Louise", "Kragh", "Peder Petersen", "Jørgen Lajer", "Hesselvig", "Kenneth", "Raffo"}
	phone := regexp.MustCompile(`\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b`)
	for _, id := range Embedded() {
		data, err := embedded.ReadFile("plans/" + id + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, n := range names {
			if strings.Contains(text, n) {
				t.Errorf("%s contains the name %q", id, n)
			}
		}
		if m := phone.FindString(text); m != "" {
			t.Errorf("%s contains what looks like a phone number: %q", id, m)
		}
		p := mustLoad(t, id)
		for _, x := range p.Partners {
			if !strings.HasSuffix(x.Email, "-eksempel.randers.dk") {
				t.Errorf("%s: partner %s has non-example address %q", id, x.ID, x.Email)
			}
		}
	}
}

// TestExampleFollowsRanders checks that the example continuation keeps the
// 2021-25 plan's areas, activities and targets, moved to its own years.
func TestExampleFollowsRanders(t *testing.T) {
	r, e := mustLoad(t, randersID), mustLoad(t, eksempelID)
	if !strings.Contains(e.Name, "Eksempel") || !strings.Contains(e.Name, "ikke en vedtaget plan") {
		t.Errorf("example name %q does not say it is an example", e.Name)
	}
	if e.Period != (Period{Date{2025, 7, 1}, Date{2029, 6, 30}}) {
		t.Errorf("example period = %v", e.Period)
	}
	if !reflect.DeepEqual(r.Areas, e.Areas) || !reflect.DeepEqual(r.Departments, e.Departments) || !reflect.DeepEqual(r.HousingOrganisations, e.HousingOrganisations) {
		t.Error("areas, departments or housing organisations differ")
	}
	if !reflect.DeepEqual(r.FocusAreas, e.FocusAreas) || !reflect.DeepEqual(r.Partners, e.Partners) {
		t.Error("focus areas or partners differ")
	}
	// Compare activities with target years replaced by their index.
	norm := func(p *Plan, as []Activity) []Activity {
		out := slices.Clone(as)
		for i := range out {
			out[i].Targets = slices.Clone(out[i].Targets)
			for j, tg := range out[i].Targets {
				y, ok := p.PlanYear(tg.Year)
				if !ok {
					t.Fatalf("%s: target year %s not a plan year", p.ID, tg.Year)
				}
				out[i].Targets[j].Year = string(rune('0' + y.Index))
			}
		}
		return out
	}
	if !reflect.DeepEqual(norm(r, r.Activities), norm(e, e.Activities)) {
		t.Error("activities or their targets differ")
	}
	if len(r.Targets()) != len(e.Targets()) {
		t.Errorf("%d vs %d targets", len(r.Targets()), len(e.Targets()))
	}
	if len(r.Indicators) != len(e.Indicators) {
		t.Fatalf("%d vs %d indicators", len(r.Indicators), len(e.Indicators))
	}
	for i, ind := range e.Indicators {
		if ind.BaselineNote == "" || !strings.Contains(ind.BaselineNote, "2021-25") {
			t.Errorf("example indicator %s: baseline_note %q does not mark the 2021-25 baselines", ind.ID, ind.BaselineNote)
		}
		if !reflect.DeepEqual(ind.Baselines, r.Indicators[i].Baselines) || ind.BaselinePeriod != r.Indicators[i].BaselinePeriod {
			t.Errorf("example indicator %s baselines differ from 2021-25", ind.ID)
		}
	}
	last := e.BoardMeetings()[len(e.BoardMeetings())-1]
	if last.Date.Year != 2029 || last.Year != "2028-29" {
		t.Errorf("last example board meeting = %v", last)
	}
}
