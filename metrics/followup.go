package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
)

// What the plan says about the economy, the staff hours and the monitored
// areas; the actuals come from the meeting rounds' read model
// (adapters/meeting: helhed_budget_actual_kroner, helhed_staff_hours_delivered).
// Money carries no personal data and is published unsuppressed.
var (
	budgetPlannedDesc = prometheus.NewDesc("helhed_budget_planned_kroner",
		"An activity's budget in a plan year, in kroner, from the plan.",
		[]string{"activity", "year"}, nil)
	budgetTilsagnDesc = prometheus.NewDesc("helhed_budget_tilsagn_kroner",
		"The part of an activity's budget in a plan year that Landsbyggefonden's tilsagn covers, in kroner, from the plan.",
		[]string{"activity", "year"}, nil)
	staffHoursAgreedDesc = prometheus.NewDesc("helhed_staff_hours_agreed",
		"Staff hours a commitment of the plan's tables (resource, \"<activity or focus area>/<n>\") comes to in a plan year: weekly hours × 52, yearly hours, one-off hours in the first plan year.",
		[]string{"resource", "activity", "year"}, nil)
	staffHoursPartnerDesc = prometheus.NewDesc("helhed_staff_hours_partner_info",
		"A partner that delivers a staff-hour commitment (always 1); a commitment shared by several partners has one series per partner.",
		[]string{"resource", "activity", "partner", "per"}, nil)
	monitoredAreaDesc = prometheus.NewDesc("helhed_monitored_area_info",
		"An area watched beside the plan's own work (always 1): area is the plan area id, empty for an area outside the plan.",
		[]string{"monitored_area", "name", "area", "monitored_by"}, nil)
	monitoredIndicatorDesc = prometheus.NewDesc("helhed_monitored_area_indicator_info",
		"An indicator watched in a monitored area (always 1).",
		[]string{"monitored_area", "indicator", "name", "unit"}, nil)
	monitoredThresholdDesc = prometheus.NewDesc("helhed_monitored_area_indicator_threshold",
		"The level that matters for an indicator watched in a monitored area (a § 61 a limit, the 750 residents of the state's risk monitoring), in the indicator's unit.",
		[]string{"monitored_area", "indicator"}, nil)
)

var followUpDescs = []*prometheus.Desc{budgetPlannedDesc, budgetTilsagnDesc, staffHoursAgreedDesc, staffHoursPartnerDesc,
	monitoredAreaDesc, monitoredIndicatorDesc, monitoredThresholdDesc}

// followUpMetrics computes p's economy, staff-hour and monitored-area
// metrics.
func followUpMetrics(p *plan.Plan) []prometheus.Metric {
	var out []prometheus.Metric
	add := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	for _, y := range p.PlanYears() {
		for _, b := range p.Budget(y.Label) {
			add(budgetPlannedDesc, float64(b.Planned), b.Activity, y.Label)
			add(budgetTilsagnDesc, float64(b.Tilsagn), b.Activity, y.Label)
		}
	}
	for _, l := range p.StaffLines() {
		for _, y := range p.PlanYears() {
			if h := l.HoursIn(y); h > 0 {
				add(staffHoursAgreedDesc, h, l.Key, l.Owner, y.Label)
			}
		}
		for _, pt := range l.Partners {
			add(staffHoursPartnerDesc, 1, l.Key, l.Owner, pt, l.Per)
		}
	}
	for _, m := range p.MonitoredAreas {
		add(monitoredAreaDesc, 1, m.ID, m.Name, m.Area, m.MonitoredBy)
		for _, ind := range m.Indicators {
			add(monitoredIndicatorDesc, 1, m.ID, ind.ID, ind.Name, ind.Unit)
			if ind.Threshold != nil {
				add(monitoredThresholdDesc, *ind.Threshold, m.ID, ind.ID)
			}
		}
	}
	return out
}
