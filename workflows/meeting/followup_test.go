package meeting_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	meetingadapter "helhed/adapters/meeting"
	"helhed/internal/cycletest"
	"helhed/internal/testplan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// exampleBoardDate is the example plan's autumn board meeting of 2025-26;
// its steering group meets 2025-11-05 and the round opens 2025-10-01.
const exampleBoardDate = "2025-11-26"

// TestBudgetAndStaffHoursReachTheBoardPack runs an autumn round of the
// example plan (which has a budget): the secretariat is asked for the
// year's spending as a table and the members for their staff hours; the
// answers reach the progress report and the board pack, the read model
// and the metrics, and the reconcile rebuilds what the live writes left.
func TestBudgetAndStaffHoursReachTheBoardPack(t *testing.T) {
	flush(t)
	p := testplan.Load(t, testplan.BaseID)
	h := newHarnessFor(t, local(t, "2025-09-30 00:00"), p)
	in := meeting.Input{Plan: p.ID, BoardDate: exampleBoardDate}
	h.env.SetStartWorkflowOptions(clientStartOptions(meeting.WorkflowID(in)))
	h.double.Answer = func(in datarequest.Input) *cycletest.Answer {
		if in.Table != nil {
			// Two lines for NPU add up; spending as the real request
			// accepts it (canonical kroner).
			return &cycletest.Answer{After: 24 * time.Hour, Rows: []map[string]string{
				{meeting.ColBudgetActivity: "npu", meeting.ColBudgetSpent: "100000", meeting.ColBudgetNote: "løn"},
				{meeting.ColBudgetActivity: "npu", meeting.ColBudgetSpent: "5000"},
				{meeting.ColBudgetActivity: "fremmoede-i-skolen", meeting.ColBudgetSpent: "250000"},
			}}
		}
		ans := answerAll(in)
		if ans != nil {
			for k := range ans.Values {
				if strings.HasPrefix(k, "h") {
					ans.Values[k] = "120"
				}
			}
		}
		return ans
	}
	h.updateAt(t, local(t, "2025-11-05 16:00"), meeting.WorkflowID(in), meeting.UpdateRecordRecommendations, meeting.Record{Text: "Godkend økonomien"})
	h.updateAt(t, local(t, "2025-11-26 17:00"), meeting.WorkflowID(in), meeting.UpdateRecordDecisions, meeting.Record{Text: "Godkendt"})
	st := h.run(t, in)

	// The secretariat's table request, with the year's budget activities
	// as the only choices and the amount column.
	var budget *datarequest.Input
	for _, s := range h.double.Started() {
		if s.Input.Table != nil {
			in := s.Input
			budget = &in
		}
	}
	if budget == nil || budget.Partner != "bysekretariatet" || !strings.Contains(budget.RequestID, "/oekonomi/") {
		t.Fatalf("budget request %+v", budget)
	}
	if cols := budget.Table.Columns; len(cols) != 3 || len(cols[0].Choices) != len(p.Economy.Budget) || cols[1].Type != datarequest.Amount {
		t.Errorf("budget table %+v", budget.Table)
	}
	if len(st.Budget) != 2 || len(st.Hours) == 0 {
		t.Fatalf("state: %d budget figures, %d hours figures", len(st.Budget), len(st.Hours))
	}

	pack := document(t, h.dir, st, "bestyrelse-moedemateriale.md")
	for _, want := range []string{
		"## Økonomiopfølgning: budget, tilsagn og forbrug",
		"| Neuropsykologisk udviklingsleg (NPU) | 420.000 kr. | 210.000 kr. | 105.000 kr. | 25 % |",
		"| Fremmøde i skolen | 620.000 kr. | 310.000 kr. | 250.000 kr. | 40 % |",
		"| Sprogindsats i daginstitutioner | 150.000 kr. | 75.000 kr. | – | – |",
		"| **I alt** | **3.300.000 kr.** | **1.805.000 kr.** | **355.000 kr.** | **11 %** |",
		"## Medarbejdertimer: aftalt og leveret",
		// The four schools' shared 93 hours a week: 480 of 4,836.
		"| 93 timer pr. uge (4.836 timer i planåret) |",
		"| 480 timer | 10 % | Nørrevangsskolen: 120 timer;",
	} {
		if !strings.Contains(pack, want) {
			t.Errorf("board pack lacks %q:\n%s", want, pack)
		}
	}
	report := document(t, h.dir, st, "styregruppe-dagsorden-og-fremdriftsrapport.md")
	if !strings.Contains(report, "## Økonomi: budget, tilsagn og forbrug") || !strings.Contains(report, "| 480 timer | 10 % |") {
		t.Errorf("progress report lacks the economy or the staff hours:\n%s", report)
	}

	got := cycletest.Gather(t, &meetingadapter.Collector{Plan: p, Redis: rdb, Now: h.env.Now})
	for name, want := range map[string]float64{
		`helhed_budget_actual_kroner{activity="npu",year="2025-26"}`:                                                                             105000,
		`helhed_budget_actual_kroner{activity="fremmoede-i-skolen",year="2025-26"}`:                                                              250000,
		`helhed_staff_hours_delivered{activity="fremmoede-i-skolen",partner="noerrevangsskolen",resource="fremmoede-i-skolen/1",year="2025-26"}`: 120,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	if _, ok := got[`helhed_budget_actual_kroner{activity="sprogindsats",year="2025-26"}`]; ok {
		t.Error("an activity the secretariat did not report has an actual")
	}

	var rm cycletest.ReadModel
	if err := meetingadapter.Project(&rm, []meetingadapter.Run{{Start: time.Unix(0, 0), State: st}}); err != nil {
		t.Fatal(err)
	}
	// The rounds' index, the round entry, the year's meeting summary, the
	// members' figures and their sums, the budget actuals and the hours.
	rm.MatchesRedis(t, rdb, 7, meetingadapter.KeyPatterns...)
}

// TestRandersRoundAsksNoBudget: the Randers plan gives no amounts, so its
// rounds send no budget request, while its members are asked for their
// hours on the commitments they share.
func TestRandersRoundAsksNoBudget(t *testing.T) {
	p := randers(t)
	s, err := meeting.BuildSetup(p, meeting.Input{Plan: p.ID, BoardDate: "2022-11-23"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Budget) != 0 || slices.ContainsFunc(s.Requests, func(r meeting.Request) bool { return r.Kind == meeting.RequestBudget }) {
		t.Errorf("budget %+v", s.Budget)
	}
	var ppr []string
	for _, r := range s.Requests {
		if r.Input.Partner != "ppr" {
			continue
		}
		for _, f := range r.Input.Fields {
			if f.Unit == "timer" {
				ppr = append(ppr, f.Label)
			}
		}
	}
	// PPR's four commitments: sprogindsats, NPU, education guidance and
	// the absence team.
	if len(ppr) != 4 {
		t.Errorf("PPR is asked for hours on %d commitments: %v", len(ppr), ppr)
	}
}

// TestBudgetTableRefusesBadLines: the secretariat's upload is checked by
// the data request before it is accepted; a negative amount and an
// activity without a budget line are refused naming the line, the column
// and the reason.
func TestBudgetTableRefusesBadLines(t *testing.T) {
	p := testplan.Load(t, testplan.BaseID)
	s, err := meeting.BuildSetup(p, meeting.Input{Plan: p.ID, BoardDate: exampleBoardDate})
	if err != nil {
		t.Fatal(err)
	}
	var in *datarequest.Input
	for _, r := range s.Requests {
		if r.Kind == meeting.RequestBudget {
			in = &r.Input
		}
	}
	if in == nil {
		t.Fatal("no budget request")
	}
	in.Due = "2025-10-22"
	if fe := datarequest.CheckInput(in); fe != nil {
		t.Fatalf("budget request input: %v", fe)
	}
	csv := "aktivitet;forbrug;bemaerkning\n" +
		"npu;125.000,50 kr.;løn\n" +
		"sport;1.000;\n" +
		"fremmoede-i-skolen;-2.500,00;tilbageført\n"
	_, err = datarequest.Check(in, datarequest.Submission{CSV: csv})
	var ve *datarequest.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 2 {
		t.Fatalf("error %v", err)
	}
	if e := ve.Errors[0]; e.Line != 3 || e.Column != meeting.ColBudgetActivity || !strings.Contains(e.Message, "»sport« er ikke en af mulighederne") {
		t.Errorf("unknown activity: %+v", e)
	}
	if e := ve.Errors[1]; e.Line != 4 || e.Column != meeting.ColBudgetSpent || !strings.Contains(e.Message, "-2.500,00 kr. er negativt") {
		t.Errorf("negative amount: %+v", e)
	}
	ans, err := datarequest.Check(in, datarequest.Submission{CSV: "aktivitet;forbrug\nnpu;125.000,50 kr.\nnpu;4.999,50\n"})
	if err != nil {
		t.Fatal(err)
	}
	figs := meeting.BudgetFigures(s.Budget, ans.Rows, time.Time{})
	if len(figs) != 1 || figs[0].Activity != "npu" || figs[0].Value != "130000" {
		t.Errorf("figures %+v", figs)
	}
}

// document reads the round's kept document whose key ends in name from
// the document store in dir.
func document(t *testing.T, dir string, st meeting.State, name string) string {
	t.Helper()
	for _, p := range st.Documents {
		if strings.HasSuffix(p, "/"+name) {
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no document %s in %v", name, st.Documents)
	return ""
}
