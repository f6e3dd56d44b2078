package absence

import (
	"strings"
	"testing"
	"time"

	"helhed/internal/promtest"
	"helhed/internal/testredis"
	"helhed/plan"
	"helhed/workflows/absence"
)

// noteOf computes a quarter from school rows ("id;area;days;absent;
// unlawful") and lays out its note.
func noteOf(t *testing.T, baseline float64, lines ...string) noteView {
	t.Helper()
	s := absence.Setup{PlanID: "p", PlanName: "Planen", TimeZone: "Europe/Copenhagen", Quarter: "2026-Q3", Threshold: 5,
		Areas:   []absence.Area{{ID: "nord", Name: "Nord", Names: []string{"nord"}, Baseline: baseline, HasBaseline: true}},
		Schools: []absence.School{{ID: "skole", Name: "Skolen"}}}
	var rows []map[string]string
	for _, l := range lines {
		f := strings.Split(l, ";")
		rows = append(rows, map[string]string{absence.ColPupil: f[0], absence.ColArea: f[1], absence.ColSchoolDays: f[2],
			absence.ColAbsent: f[3], absence.ColUnlawful: f[4]})
	}
	pupils, problems := absence.Check("skole", rows, s.Areas)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return noteData(absence.NoteInput{Setup: s, Outcome: absence.Compute(s, pupils, absence.Carry{Found: true}),
		Schools: []absence.SchoolStatus{{School: "skole", Name: "Skolen", Status: absence.SchoolAccepted}}, CompiledAt: time.Now()})
}

// fill is n pupils without absence (so that the area is published).
func fill(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "F"+string(rune('a'+i))+";nord;100;0;0")
	}
	return out
}

// TestNoteNumbersAtTheBoundaries: the note's percentages and differences
// are rounded half up once, from the exact values, and the flags are
// exact at 10 % and 15 %.
func TestNoteNumbersAtTheBoundaries(t *testing.T) {
	cases := []struct {
		name             string
		baseline         float64
		lines            []string
		percent, diff    string
		flagPct, actions []string
	}{
		// 6,25 % absent of 800 days: half up is 6,3 (half to even said 6,2).
		{"6,25 % prints 6,3", 5.7, append(fill(7), "A;nord;100;50;0"), "6,3", "+0,6", nil, nil},
		// 6,25 − 6,3 = −0,05: rounded once, away from zero.
		{"negative difference", 6.3, append(fill(7), "A;nord;100;50;0"), "6,3", "-0,1", nil, nil},
		// 0,05 % of 1.000 days.
		{"0,05 prints 0,1", 0, append(fill(9), "A;nord;100;0,5;0"), "0,1", "+0,1", nil, nil},
		{"no difference", 6.25, append(fill(7), "A;nord;100;50;0"), "6,3", "0,0", nil, nil},
		// 4,6 of 46 days unlawful is 10 %; 5,1 of 34 is 15 %.
		{"thresholds with decimal commas", 0, append(fill(3), "A;nord;46;4,6;4,6", "B;nord;34;5,1;5,1"), "2,6", "+2,6",
			[]string{"10,0", "15,0"}, []string{"Forældre advares", "Forældre advares; kommunen underrettes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := noteOf(t, c.baseline, c.lines...)
			if a := v.Areas[0]; a.Percent != c.percent || a.Diff != c.diff {
				t.Errorf("area %+v, want percent %s, difference %s", a, c.percent, c.diff)
			}
			if len(v.Flags) != len(c.flagPct) {
				t.Fatalf("flags %+v, want %d", v.Flags, len(c.flagPct))
			}
			for i, f := range v.Flags {
				if f.Percent != c.flagPct[i] || f.Action != c.actions[i] || f.New != "ja" {
					t.Errorf("flag %+v, want %s %%, %q, new", f, c.flagPct[i], c.actions[i])
				}
			}
		})
	}
}

// TestNoteSentenceSuppressedLikeTheTable: four pupils at 15 % or more is a
// suppressed count in the table, and the sentence under it does not state
// it either.
func TestNoteSentenceSuppressedLikeTheTable(t *testing.T) {
	v := noteOf(t, 5.7, append(fill(6), "A;nord;34;5,1;5,1", "B;nord;40;6;6", "C;nord;40;8;8", "D;nord;40;10;10", "E;nord;46;4,6;4,6")...)
	total := v.Areas[len(v.Areas)-1]
	if total.Flags15 != ".." || v.Notify != ".." {
		t.Errorf("flags ≥ 15 %%: table %q, sentence %q; want both suppressed", total.Flags15, v.Notify)
	}
	if total.Flags10 != v.Warn {
		t.Errorf("flags ≥ 10 %%: table %q, sentence %q", total.Flags10, v.Warn)
	}
	md, html, err := templates.Render("note", v)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{md, html} {
		if !strings.Contains(doc, "heraf mindst 15 % (kommunen underrettes): ..") || strings.Contains(doc, "4 af dem") {
			t.Errorf("the sentence states a suppressed count:\n%s", doc)
		}
		if !strings.Contains(doc, "3. kvartal 2026 (juli–september)") || strings.Contains(doc, "2026-Q3") {
			t.Errorf("the quarter is not in Danish:\n%s", doc)
		}
	}
}

// TestMetricsAtTheBoundaries: /metrics publishes what the note prints:
// 6,25 % as 6.3, and the new courses with the pupils exactly at 10 %
// counted (9, not 8).
func TestMetricsAtTheBoundaries(t *testing.T) {
	_, rdb := testredis.StartT(t)
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	s := absence.Setup{PlanID: p.ID, Quarter: "2022-Q3", Year: "2022-23", Threshold: 5, Areas: []absence.Area{{ID: "nord", Name: "Nord", Names: []string{"nord"}}}}
	lines := []string{"A;nord;46;4,6;4,6", "B;nord;34;5,1;5,1", "C;nord;60;6;6", "D;nord;60;9;9", "E;nord;40;4;4",
		"F;nord;40;6;6", "G;nord;50;5;5", "H;nord;50;10;10", "I;nord;20;2;2"}
	// Up to 832 school days, 52 absent: 6,25 %.
	lines = append(lines, "J;nord;100;0;0", "K;nord;100;0;0", "L;nord;100;0;0", "M;nord;100;0;0", "N;nord;32;0,3;0")
	var rows []map[string]string
	for _, l := range lines {
		f := strings.Split(l, ";")
		rows = append(rows, map[string]string{absence.ColPupil: f[0], absence.ColArea: f[1], absence.ColSchoolDays: f[2],
			absence.ColAbsent: f[3], absence.ColUnlawful: f[4]})
	}
	pupils, problems := absence.Check("skole", rows, s.Areas)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	o := absence.Compute(s, pupils, absence.Carry{Found: true})
	if o.Areas[0].Days.School != 83200 || o.Areas[0].Days.Absent != 5200 {
		t.Fatalf("fixture: %+v", o.Areas[0].Days)
	}
	a := &Activities{Plan: p, Redis: rdb}
	if err := a.AbsenceRecord(t.Context(), absence.Record{Entry: absence.Entry{Plan: p.ID, Quarter: s.Quarter, Year: s.Year, Threshold: 5}, Outcome: o}); err != nil {
		t.Fatal(err)
	}
	got := promtest.Collect(t, &Collector{Plan: p, Redis: rdb})
	for name, want := range map[string]float64{
		`helhed_absence_percent{area="nord",quarter="2022-Q3"}`: 6.3,
		`helhed_absence_new_courses{year="2022-23"}`:            9,
		`helhed_absence_flags{area="nord",level="10"}`:          9,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (%v), want %v", name, v, ok, want)
		}
	}
	v := noteData(absence.NoteInput{Setup: s, Outcome: o})
	if v.Areas[0].Percent != "6,3" || v.NewCourses != "9" {
		t.Errorf("note: percent %s, new courses %s; want 6,3 and 9 as /metrics", v.Areas[0].Percent, v.NewCourses)
	}
}
