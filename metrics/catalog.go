package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
)

// The plan catalogue: names and calendars the dashboards join on, so a
// panel can show "Vangdalen" for area="vangdalen" and pick the current plan
// year. All of it is the plan's own data (ids and Danish names of areas,
// partners, activities, indicators): no person is named.
var (
	discretionDesc = prometheus.NewDesc("helhed_plan_discretion_threshold",
		"The plan's discretion threshold: published counts below it are suppressed (dashboards show them as suppressed).", nil, nil)
	areaInfoDesc = prometheus.NewDesc("helhed_area_info",
		"A housing area of the plan (always 1).", []string{"area", "name"}, nil)
	partnerInfoDesc = prometheus.NewDesc("helhed_partner_info",
		"A partner of the plan (always 1); kind is school, jobcenter, housing, …", []string{"partner", "name", "kind"}, nil)
	activityInfoDesc = prometheus.NewDesc("helhed_activity_info",
		"An activity of the plan (always 1).", []string{"activity", "name", "focus_area"}, nil)
	indicatorInfoDesc = prometheus.NewDesc("helhed_indicator_info",
		"An indicator of the plan (always 1); better is lower or higher.", []string{"indicator", "name", "unit", "better", "focus_area"}, nil)
	indicatorKommuneDesc = prometheus.NewDesc("helhed_indicator_kommune_baseline",
		"The plan's comparison level of an indicator: the kommune's value, or what the plan compares with instead.", []string{"indicator"}, nil)
	planYearStartDesc = prometheus.NewDesc("helhed_plan_year_start_timestamp_seconds",
		"When a plan year starts (midnight, plan time zone).", []string{"year"}, nil)
	planYearEndDesc = prometheus.NewDesc("helhed_plan_year_end_timestamp_seconds",
		"When a plan year ends (end of its last day, plan time zone).", []string{"year"}, nil)
	plannedMeetingDesc = prometheus.NewDesc("helhed_plan_meeting_start_timestamp_seconds",
		"When a meeting starts according to the plan's calendar (body board, steering-group or conference); moved meetings are the meeting round's business.",
		[]string{"body", "kind", "year", "date"}, nil)
)

// CatalogCollector publishes the plan catalogue. The plan is immutable for
// a process's life, so the values are computed once.
type CatalogCollector struct {
	metrics []prometheus.Metric
}

// NewCatalogCollector precomputes p's catalogue.
func NewCatalogCollector(p *plan.Plan) *CatalogCollector {
	c := &CatalogCollector{}
	add := func(d *prometheus.Desc, v float64, labels ...string) {
		c.metrics = append(c.metrics, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	add(discretionDesc, float64(p.DiscretionThreshold))
	for _, a := range p.Areas {
		add(areaInfoDesc, 1, a.ID, a.Name)
	}
	for _, pt := range p.Partners {
		add(partnerInfoDesc, 1, pt.ID, pt.Name, pt.Kind)
	}
	for _, a := range p.Activities {
		add(activityInfoDesc, 1, a.ID, a.Name, a.FocusArea)
	}
	for _, ind := range p.Indicators {
		add(indicatorInfoDesc, 1, ind.ID, ind.Name, ind.Unit, ind.Better, ind.FocusArea)
		if len(ind.Kommune) > 0 {
			add(indicatorKommuneDesc, ind.Kommune[0].Value, ind.ID)
		}
	}
	for _, y := range p.PlanYears() {
		add(planYearStartDesc, float64(p.Midnight(y.Period.Start).Unix()), y.Label)
		add(planYearEndDesc, float64(p.Midnight(y.Period.End.AddDays(1)).Unix()), y.Label)
	}
	var ms []plan.Meeting
	ms = append(ms, p.BoardMeetings()...)
	ms = append(ms, p.SteeringGroupMeetings()...)
	ms = append(ms, p.Conferences()...)
	for _, m := range ms {
		start, _ := p.MeetingTimes(m)
		add(plannedMeetingDesc, float64(start.Unix()), m.Body, m.Kind, m.Year, m.Date.String())
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *CatalogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{discretionDesc, areaInfoDesc, partnerInfoDesc, activityInfoDesc,
		indicatorInfoDesc, indicatorKommuneDesc, planYearStartDesc, planYearEndDesc, plannedMeetingDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *CatalogCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.metrics {
		ch <- m
	}
}
