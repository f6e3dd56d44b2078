package metricstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	statsadapter "helhed/adapters/statistics"
	"helhed/workflows/statistics"
)

// panelExpr is the query refID of the panel titled title in dashboard
// file, with Grafana's variables as an "All" selection sets them.
func panelExpr(t *testing.T, file, title, refID string) string {
	t.Helper()
	for _, d := range loadDashboards(t) {
		if d.file != file {
			continue
		}
		for _, p := range allPanels(d.Panel) {
			if p.Title != title {
				continue
			}
			for _, tg := range p.Targets {
				if tg.RefID == refID {
					return grafanaVars.Replace(tg.Expr)
				}
			}
		}
	}
	t.Fatalf("%s has no panel %q with query %s", file, title, refID)
	return ""
}

// TestSection61aPanelsReadTheWorkersVerdicts: the Indikatorer board's
// count of areas meeting at least two § 61 a criteria, and its per-area
// table, say what the latest pull in the read model decided, area by
// area, not a count of criterion × area pairs.
func TestSection61aPanelsReadTheWorkersVerdicts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pull, err := statsadapter.Latest(ctx, stack.Redis)
	if err != nil || pull == nil || len(pull.Designations) == 0 {
		t.Fatalf("the fixture's statistics pull is not in the read model (%v, %v)", pull, err)
	}
	wantAreas := 0
	wantVerdict := map[string]string{}
	for _, d := range pull.Designations {
		switch {
		case d.CriteriaMet >= statistics.CriteriaToList:
			wantAreas++
			wantVerdict[d.Area] = statistics.VerdictYes
		case d.CriteriaMet+d.CriteriaUnknown < statistics.CriteriaToList:
			wantVerdict[d.Area] = statistics.VerdictNo
		default:
			wantVerdict[d.Area] = statistics.VerdictUnknown
		}
	}
	stat := panelExpr(t, "indikatorer.json", "Områder med mindst to § 61 a-kriterier", "A")
	table := panelExpr(t, "indikatorer.json", "§ 61 a pr. område: kriterier og lister", "C")
	var last error
	if !waitFor(ctx, func() bool {
		s, err := pr.query(ctx, stat)
		if err != nil || len(s) != 1 || s[0].value() != float64(wantAreas) {
			last = fmt.Errorf("stat reads %v (%v), want %d areas", s, err, wantAreas)
			return false
		}
		rows, err := pr.query(ctx, table)
		got := map[string]string{}
		for _, r := range rows {
			got[r.Metric["area"]] = r.Metric["two"]
			if r.Metric["area_name"] == "" {
				last = fmt.Errorf("row %v has no area name", r.Metric)
				return false
			}
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(wantVerdict) {
			last = fmt.Errorf("table reads %v (%v), want %v", got, err, wantVerdict)
			return false
		}
		return true
	}) {
		t.Fatal(last)
	}
}

// TestMilestonePanelShowsEveryTargetOnce: the Overblik milestone table
// has one status per activity target of the plan year under way, with the
// activity's name, the area's name, the plan's wording and a status
// (a target nobody has reported on has one too: ikke-indberettet).
func TestMilestonePanelShowsEveryTargetOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := stack.Plan
	current, _ := p.YearOf(p.DateOf(time.Now()))
	want := 0
	for _, tg := range p.Targets() {
		if tg.Activity != "" && tg.Year == current.Label {
			want++
		}
	}
	expr := panelExpr(t, "overblik.json", "Milepæle: status i planåret", "A")
	rows, err := pr.query(ctx, expr)
	if err != nil {
		t.Fatal(err)
	}
	// $year is "All" here: keep the plan year under way.
	n := 0
	for _, r := range rows {
		if r.Metric["year"] != current.Label {
			continue
		}
		n++
		if r.Metric["activity_name"] == "" || r.Metric["area_name"] == "" || r.Metric["target"] == "" || r.Metric["status"] == "" {
			t.Errorf("row without a name, wording or status: %v", r.Metric)
		}
	}
	if n != want {
		t.Errorf("%d milestone rows for %s, want one per activity target (%d)", n, current.Label, want)
	}
}
