package eviction

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/eviction"
)

// Plan keys the metrics read: the eviction indicators' ids and the
// counselling target's metric (see plan/plans/*.yaml).
const (
	IndicatorEvictions          = "udsaettelser"
	IndicatorEffectiveEvictions = "effektive-udsaettelser"
	CounsellingMetric           = "raadgivningsforloeb"
)

var (
	descCases = prometheus.NewDesc("helhed_eviction_cases",
		"Eviction-prevention cases by current stage and area; area=\"alle\" is the stage's total over all areas (counts below the discretion threshold, and any that would let one be worked out, are left out; see helhed_eviction_suppressed_cells).",
		[]string{"stage", "area"}, nil)
	descTransitions = prometheus.NewDesc("helhed_eviction_transitions_total",
		"Stage transitions of eviction cases (from=\"new\" is a case opening; counts below the discretion threshold, and any that would let one be worked out, are left out).",
		[]string{"from", "to"}, nil)
	descEvictions = prometheus.NewDesc("helhed_evictions",
		"Evictions per area and plan year: total = bailiff court requests, effective = evictions carried out (counts below the discretion threshold are left out).",
		[]string{"area", "year", "kind"}, nil)
	descBaseline = prometheus.NewDesc("helhed_evictions_baseline",
		"The plan's eviction baseline per area (2018-19, two years together), from its indicators.",
		[]string{"area", "kind"}, nil)
	descCourses = prometheus.NewDesc("helhed_eviction_counselling_courses",
		"Budget counselling courses started per plan year (counts below the discretion threshold are left out).",
		[]string{"year"}, nil)
	descCoursesTarget = prometheus.NewDesc("helhed_eviction_counselling_courses_target",
		"The plan's target of counselling courses per plan year.",
		[]string{"year"}, nil)
	descFirstContact = prometheus.NewDesc("helhed_eviction_first_contact_seconds",
		"Time from a case's first arrears list to the first contact with the tenant (left out while fewer cases than the discretion threshold have one; a bucket bound is left out where its interval would hold fewer).",
		nil, nil)
	descSuppressed = prometheus.NewDesc("helhed_eviction_suppressed_cells",
		"Series of a helhed_eviction* family left out because their count is above 0 and below the plan's discretion threshold, or would let such a count be worked out (for the first-contact histogram: bucket bounds left out).",
		[]string{"metric"}, nil)
	descUp = prometheus.NewDesc("helhed_eviction_read_model_up",
		"1 when the eviction read model in Redis answered this scrape, else 0.", nil, nil)
)

// Collector computes the eviction metrics on each scrape from the read
// model, so every replica reports the same figures and a restart loses
// none.
//
// Suppression: a count that is above 0 and below the plan's discretion
// threshold is left out of its family (absent, not 0, so no dashboard
// shows a false zero), and helhed_eviction_suppressed_cells{metric} counts
// how many series were left out. Zeros are published: they identify no one.
// The cases and the transitions are one table with the API's totals
// (casesTable), so further cells are left out where a hidden one could
// otherwise be worked out; the first-contact histogram drops the bucket
// bounds whose interval would hold a small count. The plan's baselines
// and targets are the plan's own published figures and are not
// suppressed.
type Collector struct {
	Plan  *plan.Plan
	Model *ReadModel
	Log   *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCases, descTransitions, descEvictions, descBaseline, descCourses,
		descCoursesTarget, descFirstContact, descSuppressed, descUp, descPastDeadline, descPastDeadlineSuppressed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	// The threshold itself is published once, for every capability, as
	// helhed_plan_discretion_threshold (metrics.CatalogCollector).
	c.collectPlan(ch)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	agg, err := c.Model.Aggregates(ctx)
	if err != nil {
		c.Log.Warn("eviction metrics: read model unavailable", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)

	s := suppressor{rule: suppress.Rule{Threshold: c.Plan.DiscretionThreshold}, ch: ch, left: map[string]int{}}
	cases := newCasesTable(c.Plan, agg)
	years := c.years(agg)
	for i, st := range cases.stages {
		for j, a := range cases.areas {
			s.emitCell(descCases, prometheus.GaugeValue, cases.cells[i][j], string(st), a)
		}
		// The stage's total, so that "all areas" need not be a sum of
		// cells that suppression may have left out.
		s.emitCell(descCases, prometheus.GaugeValue, cases.stageTotals[i], string(st), totalLabel)
	}
	for _, tr := range cases.transitions {
		s.emitCell(descTransitions, prometheus.CounterValue, tr.cell, tr.from, tr.to)
	}
	for _, a := range cases.areas {
		for _, y := range years {
			for _, kind := range []string{"total", "effective"} {
				s.emit(descEvictions, prometheus.GaugeValue, agg[factEvictions(a, y, kind)], a, y, kind)
			}
		}
	}
	for _, y := range years {
		s.emit(descCourses, prometheus.GaugeValue, agg[factCourses(y)], y)
	}
	c.collectFirstContact(&s, agg)
	collectPastDeadline(&s, agg, eviction.DateOf(time.Now()))
	for _, name := range []string{"helhed_eviction_cases", "helhed_eviction_transitions_total", "helhed_evictions",
		"helhed_eviction_counselling_courses", "helhed_eviction_first_contact_seconds", famPastDeadline} {
		ch <- prometheus.MustNewConstMetric(descSuppressed, prometheus.GaugeValue, float64(s.left[name]), name)
	}
}

// collectPlan publishes the plan's baselines and counselling targets.
func (c *Collector) collectPlan(ch chan<- prometheus.Metric) {
	for kind, id := range map[string]string{"total": IndicatorEvictions, "effective": IndicatorEffectiveEvictions} {
		ind, ok := c.Plan.Indicator(id)
		if !ok {
			continue
		}
		for _, b := range ind.Baselines {
			if b.Area != "" {
				ch <- prometheus.MustNewConstMetric(descBaseline, prometheus.GaugeValue, b.Value, b.Area, kind)
			}
		}
	}
	for _, t := range c.Plan.Targets() {
		if t.Metric == CounsellingMetric && t.Area == "" {
			ch <- prometheus.MustNewConstMetric(descCoursesTarget, prometheus.GaugeValue, t.Value, t.Year)
		}
	}
}

func (c *Collector) collectFirstContact(s *suppressor, agg map[string]int64) {
	count := agg[factContactCount]
	if s.rule.Hide(float64(count)) {
		s.left["helhed_eviction_first_contact_seconds"]++
		return
	}
	cumulative := make([]int64, len(contactBuckets))
	for i, b := range contactBuckets {
		cumulative[i] = agg[factContactLE+strconv.FormatInt(b, 10)]
	}
	kept := publishedBounds(s.rule, count, cumulative)
	s.left["helhed_eviction_first_contact_seconds"] += len(contactBuckets) - len(kept)
	buckets := make(map[float64]uint64, len(kept))
	for _, i := range kept {
		buckets[float64(contactBuckets[i])] = uint64(cumulative[i])
	}
	s.ch <- prometheus.MustNewConstHistogram(descFirstContact, uint64(count), float64(agg[factContactSum]), buckets)
}

// publishedBounds are the indexes of the histogram bounds to publish.
// Buckets are cumulative, so the cases between two published bounds (and
// above the last one, up to the count) are a count anyone can subtract:
// a bound is left out, merging its interval with the next, wherever that
// count would be 1 to the threshold minus one.
func publishedBounds(rule suppress.Rule, count int64, cumulative []int64) []int {
	var kept []int
	below := int64(0)
	for i, n := range cumulative {
		if !rule.Hide(float64(n - below)) {
			kept = append(kept, i)
			below = n
		}
	}
	for len(kept) > 0 && rule.Hide(float64(count-cumulative[kept[len(kept)-1]])) {
		kept = kept[:len(kept)-1]
	}
	return kept
}

// years are the plan's years plus any year the read model counts in.
func (c *Collector) years(agg map[string]int64) []string {
	var out []string
	for _, y := range c.Plan.PlanYears() {
		out = append(out, y.Label)
	}
	for k := range agg {
		p := splitFact(k)
		var y string
		switch {
		case p[0] == "courses" && len(p) == 2:
			y = p[1]
		case p[0] == "evict" && len(p) == 4:
			y = p[2]
		}
		if y != "" && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return out
}

// suppressor publishes counts, leaving out those the plan's discretion
// rule hides.
type suppressor struct {
	rule suppress.Rule
	ch   chan<- prometheus.Metric
	left map[string]int // family → series left out
}

func (s *suppressor) emit(d *prometheus.Desc, t prometheus.ValueType, n int64, labels ...string) {
	s.emitCell(d, t, s.rule.Count(float64(n)), labels...)
}

// emitCell publishes a cell a suppress.Table decided on.
func (s *suppressor) emitCell(d *prometheus.Desc, t prometheus.ValueType, c suppress.Cell, labels ...string) {
	if c.Suppressed {
		s.left[familyOf(d)]++
		return
	}
	s.ch <- prometheus.MustNewConstMetric(d, t, c.Value, labels...)
}

func familyOf(d *prometheus.Desc) string {
	switch d {
	case descCases:
		return "helhed_eviction_cases"
	case descTransitions:
		return "helhed_eviction_transitions_total"
	case descEvictions:
		return "helhed_evictions"
	case descCourses:
		return "helhed_eviction_counselling_courses"
	}
	return ""
}
