package report_test

import (
	"testing"
	"time"

	"helhed/workflows/report"
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
