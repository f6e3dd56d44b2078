package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
)

func TestCatalogCollector(t *testing.T) {
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewCatalogCollector(p))
	fams, err := reg.Gather() // the pedantic registry checks descriptors and label consistency
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range fams {
		count[f.GetName()] = len(f.GetMetric())
		if f.GetName() == "helhed_plan_discretion_threshold" {
			if v := f.GetMetric()[0].GetGauge().GetValue(); v != 5 {
				t.Errorf("discretion threshold %g, want 5", v)
			}
		}
	}
	for name, n := range map[string]int{
		"helhed_plan_discretion_threshold":            1,
		"helhed_area_info":                            len(p.Areas),
		"helhed_partner_info":                         len(p.Partners),
		"helhed_activity_info":                        len(p.Activities),
		"helhed_indicator_info":                       len(p.Indicators),
		"helhed_plan_year_start_timestamp_seconds":    len(p.PlanYears()),
		"helhed_plan_meeting_start_timestamp_seconds": len(p.BoardMeetings()) + len(p.SteeringGroupMeetings()) + len(p.Conferences()),
	} {
		if count[name] != n || n == 0 {
			t.Errorf("%s: %d series, want %d (> 0)", name, count[name], n)
		}
	}
}
