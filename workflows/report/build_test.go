package report_test

import (
	"testing"
	"time"

	"helhed/workflows/datarequest"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

// TestMilestonesSuppressed: the annual report shows the milestone actuals
// as /metrics does (meeting.PublishedActuals): a count of persons below
// the discretion threshold as "..", with no verdict on its target; a
// count of institutions as it is.
func TestMilestonesSuppressed(t *testing.T) {
	p := randers(t)
	py, ok := p.PlanYear("2022-23")
	if !ok {
		t.Fatal("no plan year 2022-23")
	}
	r := report.Build(p, py, 1, time.Date(2023, 8, 1, 12, 0, 0, 0, time.UTC), nil,
		report.Sources{Milestones: map[string]string{"brandkadet/unge": "4", "npu/daginstitutioner": "3", "lommepengejob/unge": "16"}})
	want := map[string][2]string{"brandkadet": {"..", "diskretioneret"}, "npu": {"3", "ikke nået"}, "lommepengejob": {"16", "nået"}}
	seen := 0
	for _, row := range r.Milestones {
		for id, w := range want {
			if act, _ := p.Activity(id); row.Activity == act.Name && (id != "npu" || row.Metric == "Daginstitutioner gennemfører NPU-forløb") {
				seen++
				if row.Actual != w[0] || row.Status != w[1] {
					t.Errorf("%s: %s, %s; want %s, %s", id, row.Actual, row.Status, w[0], w[1])
				}
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the rows found: %+v", seen, r.Milestones)
	}
}

// TestIndicatorCountsSuppressed: the report's indicator table shows the
// pull's figures as /metrics does. In the fixture, the persons aged 30-59
// with only primary school are 320, 300 and 3 in the three areas, 623 in
// all; with the 3 hidden, 623 − 320 − 300 would give it away, so
// Glarbjergvej's 300 is hidden as well, with no verdict and no bar.
func TestIndicatorCountsSuppressed(t *testing.T) {
	p := randers(t)
	py, ok := p.PlanYear("2024-25")
	if !ok {
		t.Fatal("no plan year 2024-25")
	}
	prep := statistics.Prepared{PlanID: p.ID, PlanYear: py.Label, DataYear: 2024, Years: []int{2023, 2024}, Threshold: p.DiscretionThreshold}
	for _, a := range p.Areas {
		prep.Areas = append(prep.Areas, a.ID)
	}
	res := statistics.Evaluate(p, prep, statistics.Baselines{}, &datarequest.Result{Status: datarequest.StatusAnswered, Rows: statstest.KeyFigureRows()})
	r := report.Build(p, py, 1, time.Date(2025, 10, 1, 8, 0, 0, 0, time.UTC), nil, report.Sources{Statistics: &res})
	ind, _ := p.Indicator("grundskole-30-59-aar")
	want := map[string]string{"Alle områder": "623", "Gl. Jennumparken": "320", "Glarbjergvej-området": "..", "Hermann Stillingsvej-området": ".."}
	for _, row := range r.Indicators {
		if row.Name != ind.Name {
			continue
		}
		w, ok := want[row.Area]
		if !ok {
			t.Errorf("unexpected row %+v", row)
			continue
		}
		delete(want, row.Area)
		if row.Value != w {
			t.Errorf("%s: %q, want %q", row.Area, row.Value, w)
		}
		if hidden := w == ".."; hidden && (row.Status != statistics.StatusSuppressed || row.Chart.HasValue || row.Chart.Value != 0) {
			t.Errorf("%s: %+v, want no verdict and no bar", row.Area, row)
		}
	}
	if len(want) > 0 {
		t.Errorf("rows missing: %v", want)
	}
}
