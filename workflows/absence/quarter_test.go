package absence_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	absenceadapter "helhed/adapters/absence"
	"helhed/internal/cycletest"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

// Fixture for 2022-Q3. Nørrevangsskolen: 6 pupils in Gl. Jennumparken
// (360 school days, 27 absent: 7,5 %; N2 exactly 10 %, N3 exactly 15 %)
// and 2 in Glarbjergvej (too few to publish); Østervangsskolen: 5 in
// Hermann Stillingsvej (250 days, 20 absent: 8,0 %); Hobrovejens Skole: 8
// in Energivej (320 days, 32 absent: 10,0 %; 5 flagged ≥ 10 %, 3 ≥ 15 %).
// Vestervangsskolen never answers.
var q3 = map[string][]map[string]string{
	"noerrevangsskolen": table(
		"N1;gl-jennumparken;60;3;0", "N2;Gl. Jennumparken;60;6;6", "N3;gl-jennumparken;60;12;9",
		"N4;gl-jennumparken;60;0;0", "N5;gl-jennumparken;60;1.5;0", "N6;gl-jennumparken;60;4,5;3",
		"N7;Glarbjergvej;60;3;0", "N8;glarbjergvej-omraadet;60;9;8"),
	"oestervangsskolen": table(
		"O1;hermann-stillingsvej-omraadet;50;2;0", "O2;hermann-stillingsvej-omraadet;50;5;5", "O3;Hermann Stillingsvej;50;10;8",
		"O4;hermann-stillingsvej-omraadet;50;1;1", "O5;hermann-stillingsvej-omraadet;50;2;0"),
	"hobrovejens-skole": table(
		"H1;Energivej;40;2;0", "H2;energivej-omraadet;40;4;4", "H3;energivej-omraadet;40;6;6", "H4;energivej-omraadet;40;8;7",
		"H5;energivej-omraadet;40;0;0", "H6;energivej-omraadet;40;5;4.4", "H7;energivej-omraadet;40;7;6.2", "H8;energivej-omraadet;40;0;0"),
}

func answerFrom(data map[string][]map[string]string) func(datarequest.Input) *cycletest.Answer {
	return func(in datarequest.Input) *cycletest.Answer {
		rows, ok := data[in.Partner]
		if !ok {
			return nil // never answers
		}
		return &cycletest.Answer{After: 50 * 60 * 60 * 1e9, Rows: rows} // 50 hours
	}
}

func TestQuarterNumbersAndMissingSchool(t *testing.T) {
	if err := rdb.FlushDB(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	prev := &absenceadapter.ResultsMap{}
	h := newHarness(t, local(t, "2022-10-05 08:00"), prev, answerFrom(q3))
	h.env.ExecuteWorkflow(absence.WorkflowName, absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q3"})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res absence.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	o := res.Outcome
	want := map[string]struct {
		pupils           int
		percent          float64
		flags10, flags15 int
	}{
		"gl-jennumparken":               {6, 7.5, 2, 1},
		"glarbjergvej-omraadet":         {2, 10, 1, 0},
		"hermann-stillingsvej-omraadet": {5, 8, 2, 1},
		"energivej-omraadet":            {8, 10, 5, 3},
		"vangdalen":                     {0, 0, 0, 0},
	}
	for _, a := range o.Areas {
		w := want[a.Area]
		if a.Pupils != w.pupils || !near(a.Percent, w.percent) || a.Flags10 != w.flags10 || a.Flags15 != w.flags15 {
			t.Errorf("%s: pupils %d, %.4f %%, flags %d/%d; want %+v", a.Area, a.Pupils, a.Percent, a.Flags10, a.Flags15, w)
		}
	}
	if o.Total.Pupils != 21 || !near(o.Total.Percent, 100*91.0/1050) || o.Total.Flags10 != 10 || o.Total.Flags15 != 5 {
		t.Errorf("total %+v", o.Total)
	}
	if o.NewCourses != 10 || o.CoursesYTD != 10 || len(o.FlaggedYTD) != 10 {
		t.Errorf("courses new %d ytd %d flagged %d, want 10", o.NewCourses, o.CoursesYTD, len(o.FlaggedYTD))
	}
	for _, s := range res.Schools {
		wantStatus := absence.SchoolAccepted
		if s.School == "vestervangsskolen" {
			wantStatus = absence.SchoolMissing
		}
		if s.Status != wantStatus {
			t.Errorf("%s: %s, want %s", s.School, s.Status, wantStatus)
		}
	}
	// Due 10 weekdays after the start, closed 5 weekdays later at noon.
	if res.Due != "2022-10-19" {
		t.Errorf("due %s", res.Due)
	}
	sent := h.mail.Sent()
	if len(sent) != 1 || sent[0].At.In(h.plan.Location()).Format("2006-01-02 15:04") != "2022-10-26 12:00" {
		t.Fatalf("note mails %+v, want one at 2022-10-26 12:00", sent)
	}
	if got := sent[0].Message.Subject; got != "Kvartalsnotat om elevfravær 3. kvartal 2022 (juli–september)" {
		t.Errorf("subject %q, want the quarter in Danish", got)
	}
	if len(sent[0].Message.To) != 9 {
		t.Errorf("note to %d addresses, want the 9 partners of Fremmøde i skolen", len(sent[0].Message.To))
	}
	note, err := os.ReadFile(filepath.Join(h.dir, "absence", "randers-2021-25", "2022-Q3", "runs", "default-test-run-id", "kvartalsnotat.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"**Skoler uden gyldige data ved fristen:** Vestervangsskolen.",
		// Small counts show as "..", and so do the counts that would give
		// one away: Glarbjergvej's 2 pupils from the total less the other
		// areas unless Hermann Stillingsvej's 5 are hidden too, and
		// Energivej's 3 pupils under 10 % from its 8 pupils less its 5
		// flagged. The percent is an average, hidden under 5 pupils.
		"| Gl. Jennumparken | 6 | 7,5 | 5,7 | +1,8 | .. | .. |",
		"| Glarbjergvej-området | .. | .. | 5,8 | – | .. | 0 |",
		"| Hermann Stillingsvej-området | .. | 8,0 | 5,8 | +2,2 | .. | .. |",
		"| Energivej-området | 8 | 10,0 | 6,4 | +3,6 | .. | .. |",
		"| Vangdalen | 0 | – | 5,7 | – | 0 | 0 |",
		"| Alle områder | 21 | 8,7 | – | – | 10 | 5 |",
		"Kommunens niveau: 4,5 %",
		"# Kvartalsnotat om elevfravær, 3. kvartal 2022 (juli–september)",
		"Elever med ulovligt fravær på mindst 10 % i kvartalet (forældrene advares): 10; heraf mindst 15 % (kommunen underrettes): 5.",
		"| Nørrevangsskolen | N2 | Gl. Jennumparken | 10,0 | Forældre advares | ja |",
		"| Nørrevangsskolen | N3 | Gl. Jennumparken | 15,0 | Forældre advares; kommunen underrettes | ja |",
		"I planåret til dato: 10 (mål: ca. 50 pr. år)",
		"Tal under 5 personer er diskretioneret",
	} {
		if !strings.Contains(string(note), s) {
			t.Errorf("note lacks %q", s)
		}
	}
	if !strings.Contains(sent[0].Message.HTML, "<td>Energivej-området</td><td>8</td><td>10,0</td>") {
		t.Errorf("HTML note lacks the Energivej row")
	}
	// The silent school's request was cancelled at the cut-off.
	if c := h.double.Cancelled(); len(c) != 1 || !strings.HasSuffix(c[0], "/vestervangsskolen") {
		t.Errorf("cancelled %v", c)
	}

	got := cycletest.Gather(t, &absenceadapter.Collector{Plan: h.plan, Redis: rdb})
	for k, v := range map[string]float64{
		`helhed_absence_percent{area="gl-jennumparken",quarter="2022-Q3"}`:               7.5,
		`helhed_absence_percent{area="energivej-omraadet",quarter="2022-Q3"}`:            10,
		`helhed_absence_percent{area="hermann-stillingsvej-omraadet",quarter="2022-Q3"}`: 8,
		`helhed_absence_baseline_percent{area="energivej-omraadet"}`:                     6.4,
		`helhed_absence_kommune_percent`:                                                 4.5,
		`helhed_absence_flags_suppressed{area="energivej-omraadet",level="10"}`:          1,
		`helhed_absence_flags_suppressed{area="energivej-omraadet",level="15"}`:          1,
		`helhed_absence_flags_suppressed{area="gl-jennumparken",level="10"}`:             1,
		`helhed_absence_new_courses{year="2022-23"}`:                                     10,
	} {
		if g, ok := got[k]; !ok || !near(g, v) {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for _, k := range []string{
		`helhed_absence_percent{area="glarbjergvej-omraadet",quarter="2022-Q3"}`, // 2 pupils
		`helhed_absence_flags{area="energivej-omraadet",level="15"}`,             // 3 pupils
		`helhed_absence_flags{area="gl-jennumparken",level="10"}`,                // 2 pupils
		`helhed_absence_flags{area="energivej-omraadet",level="10"}`,             // 5 of 8: 3 are not
	} {
		if _, ok := got[k]; ok {
			t.Errorf("%s published; it is suppressed", k)
		}
	}

	if sum, _ := rdb.Get(t.Context(), "helhed:absence:summary:2022-23").Result(); !strings.Contains(sum, `"energivej-omraadet":10`) || strings.Contains(sum, "glarbjergvej") {
		t.Errorf("annual-report summary %s", sum)
	}

	// The next quarter carries the year's flagged pupils over: N2 and H2
	// are flagged again (continuing courses), N9 is new.
	prev.Put(absence.WorkflowID(absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q3"}), res)
	q4 := map[string][]map[string]string{
		"noerrevangsskolen": table("N2;gl-jennumparken;60;7;7", "N9;gl-jennumparken;60;8;8", "N1;gl-jennumparken;60;1;0"),
		"oestervangsskolen": table("O1;hermann-stillingsvej-omraadet;50;0;0"),
		"hobrovejens-skole": table("H2;energivej-omraadet;40;5;5"),
		"vestervangsskolen": table("V1;vangdalen;45;1;0"),
	}
	h2 := newHarness(t, local(t, "2023-01-05 08:00"), prev, answerFrom(q4))
	h2.env.ExecuteWorkflow(absence.WorkflowName, absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q4"})
	var res2 absence.Result
	if err := h2.env.GetWorkflowResult(&res2); err != nil {
		t.Fatal(err)
	}
	if res2.Outcome.NewCourses != 1 || res2.Outcome.CoursesYTD != 11 || !res2.Outcome.Previous {
		t.Errorf("Q4 courses new %d ytd %d previous %v, want 1, 11, true", res2.Outcome.NewCourses, res2.Outcome.CoursesYTD, res2.Outcome.Previous)
	}
	// 1 new course is suppressed, and so is the year's 11: with Q3's 10
	// published it would give the 1 away.
	note2, err := os.ReadFile(filepath.Join(h2.dir, "absence", "randers-2021-25", "2022-Q4", "runs", "default-test-run-id", "kvartalsnotat.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !res2.Outcome.CoursesHidden || !strings.Contains(string(note2), "første gang i planåret): ... I planåret til dato: .. (mål") {
		t.Errorf("Q4 courses hidden %v; note:\n%s", res2.Outcome.CoursesHidden, note2)
	}
	// All four answered: the round closes as soon as the last one does.
	if s := h2.mail.Sent(); len(s) != 1 || s[0].At.In(h2.plan.Location()).Format("2006-01-02 15:04") != "2023-01-07 10:00" {
		t.Errorf("Q4 note %+v, want at 2023-01-07 10:00 (50 hours after the start)", s)
	}

	// The reconcile's projection of the two results is key for key what
	// the live writes left: both quarters, their index and the plan year's
	// summary, suppressed as published.
	var rm cycletest.ReadModel
	runs := []absenceadapter.Run{{Closed: time.Unix(0, 0), Result: res2}, {Closed: time.Unix(1, 0), Result: res}}
	if err := absenceadapter.Project(&rm, runs, h.plan.Location()); err != nil {
		t.Fatal(err)
	}
	rm.MatchesRedis(t, rdb, 4, absenceadapter.KeyPatterns...) // index, two quarters, summary
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
