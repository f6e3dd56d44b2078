package report_test

import (
	"encoding/json"
	"testing"
	"time"

	"helhed/suppress"
	"helhed/workflows/datarequest"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// TestNumbersAtTheBoundaries: the annual report rounds every figure half
// up once (6,25 → 6,3; 0,05 → 0,1; a margin of −0,05 → −0,1), names
// quarters and units in Danish, and agrees with the note and /metrics.
func TestNumbersAtTheBoundaries(t *testing.T) {
	p := randers(t)
	py, ok := p.PlanYear("2022-23")
	if !ok {
		t.Fatal("no plan year 2022-23")
	}
	var absence report.AbsenceSummary
	if err := json.Unmarshal([]byte(`{"quarters":[{"quarter":"2022-Q3","areas":{"vangdalen":6.25,"energivej-omraadet":0.05}},`+
		`{"quarter":"2022-Q4","areas":{"vangdalen":10,"energivej-omraadet":14.95}}]}`), &absence); err != nil {
		t.Fatal(err)
	}
	stats := &statistics.Result{PlanYear: py.Label, DataYear: 2022, PulledAt: time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC),
		Indicators: []statistics.IndicatorValue{
			{Indicator: "fravaer-skole", Area: "vangdalen", Unit: "percent", Value: suppress.Cell{Value: 6.25}, HasValue: true},
		},
		Criteria: []statistics.CriterionValue{
			{Criterion: statistics.CritEducation, Area: "vangdalen", HasValue: true, Value: suppress.Cell{Value: 60.05}, Threshold: 60,
				Margin: -0.05, Met: statistics.VerdictYes},
			{Criterion: statistics.CritEducation, Area: "energivej-omraadet", HasValue: true, Value: suppress.Cell{Value: 59.75}, Threshold: 60,
				Margin: 0.25, Met: statistics.VerdictNo},
		}}
	var tasks []datarequest.Task
	for i := range 8 {
		tasks = append(tasks, datarequest.Task{Partner: "noerrevangsskolen", Period: py.Label, Status: datarequest.StatusAnswered, OnTime: i == 0})
	}
	r := report.Build(p, py, 1, time.Date(2023, 8, 1, 12, 0, 0, 0, time.UTC), nil,
		report.Sources{Absence: &absence, Statistics: stats, Requests: tasks})

	if len(r.AbsenceQuarters) != 2 || r.AbsenceQuarters[0] != "3. kvartal 2022 (juli–september)" || r.AbsenceQuarters[1] != "4. kvartal 2022 (oktober–december)" {
		t.Errorf("quarters %q", r.AbsenceQuarters)
	}
	want := map[string][]string{"Vangdalen": {"6,3 %", "10,0 %"}, "Energivej-området": {"0,1 %", "15,0 %"}}
	for _, row := range r.Absence {
		if w, ok := want[row.Area]; ok {
			delete(want, row.Area)
			if len(row.Quarters) != 2 || row.Quarters[0] != w[0] || row.Quarters[1] != w[1] {
				t.Errorf("%s: %q, want %q", row.Area, row.Quarters, w)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("absence rows missing: %v", want)
	}

	if len(r.Indicators) != 1 || r.Indicators[0].Value != "6,3 %" || r.Indicators[0].Unit != "%" {
		t.Errorf("indicators %+v", r.Indicators)
	}
	margins := map[string]string{}
	for _, g := range r.Criteria {
		for _, row := range g.Rows {
			margins[row.Area] = row.Value + " / " + row.Margin
		}
	}
	if margins["Vangdalen"] != "60,1 % / -0,1 procentpoint" || margins["Energivej-området"] != "59,8 % / +0,3 procentpoint" {
		t.Errorf("criteria %q", margins)
	}
	if len(r.Requests) != 1 || r.Requests[0].Share != "13 %" {
		t.Errorf("requests %+v, want 1 of 8 on time as 13 %% (12,5 half up)", r.Requests)
	}
}
