package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
)

// AllAreas is the area label of a target that covers all of an activity's
// areas together.
const AllAreas = "alle"

var (
	planInfoDesc = prometheus.NewDesc("helhed_plan_info",
		"The plan this process runs (always 1).",
		[]string{"plan", "name", "period_start", "period_end"}, nil)
	milestoneTargetDesc = prometheus.NewDesc("helhed_milestone_target",
		"Yearly milestone target of an activity, from the plan (the headline number; see the plan for at-least/about).",
		[]string{"activity", "area", "year", "metric", "unit", "per"}, nil)
)

// PlanCollector publishes what the plan says: its identity, the
// milestone targets, and the budget, staff hours and monitored areas
// (followup.go). The plan is immutable for a process's life, so the
// values are computed once.
type PlanCollector struct {
	metrics []prometheus.Metric
}

// NewPlanCollector precomputes the plan's metrics.
func NewPlanCollector(p *plan.Plan) *PlanCollector {
	c := &PlanCollector{}
	c.metrics = append(c.metrics, prometheus.MustNewConstMetric(planInfoDesc, prometheus.GaugeValue, 1,
		p.ID, p.Name, p.Period.Start.String(), p.Period.End.String()))
	for _, t := range p.Targets() {
		if t.Activity == "" {
			continue
		}
		area := t.Area
		if area == "" {
			area = AllAreas
		}
		c.metrics = append(c.metrics, prometheus.MustNewConstMetric(milestoneTargetDesc, prometheus.GaugeValue, t.Value,
			t.Activity, area, t.Year, t.Metric, t.Unit, t.Per))
	}
	c.metrics = append(c.metrics, followUpMetrics(p)...)
	return c
}

// Describe implements prometheus.Collector.
func (c *PlanCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- planInfoDesc
	ch <- milestoneTargetDesc
	for _, d := range followUpDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PlanCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.metrics {
		ch <- m
	}
}
