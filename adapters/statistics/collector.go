package statistics

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/plan"
	"helhed/workflows/statistics"
)

var (
	indicatorValueDesc = prometheus.NewDesc("helhed_indicator_value",
		"Latest pulled value of a plan indicator in an area (area \"alle\" = the plan's areas together); a value the discretion rule hides is left out: a count of persons below the threshold, one that would let such a count be worked out from the total and the other areas, a share with few persons in it or outside it.",
		[]string{"indicator", "area"}, nil)
	indicatorBaselineDesc = prometheus.NewDesc("helhed_indicator_baseline",
		"The plan's baseline of an indicator in an area (area \"alle\" = the plan's areas together), from the first scrape.", []string{"indicator", "area"}, nil)
	indicatorTargetDesc = prometheus.NewDesc("helhed_indicator_target",
		"The level an indicator should reach by the end of the latest pull's plan year (before the first pull: of the plan year the next scheduled pull reports on), from the plan.", []string{"indicator", "area"}, nil)
	criterionValueDesc = prometheus.NewDesc("helhed_area_criterion_value",
		"Almenboligloven § 61 a criterion value of an area (percent; income: percent of the region's average).",
		[]string{"criterion", "area"}, nil)
	criterionThresholdDesc = prometheus.NewDesc("helhed_area_criterion_threshold",
		"Threshold of a § 61 a criterion (percent): the law's from the first scrape; the convictions threshold (3 × the national share) once a pull has the national share.", []string{"criterion"}, nil)
	criterionMarginDesc = prometheus.NewDesc("helhed_area_criterion_margin",
		"Distance of an area's § 61 a criterion to its threshold in percentage points: positive is room left, negative how far past it.",
		[]string{"criterion", "area"}, nil)
	criterionMarginChangeDesc = prometheus.NewDesc("helhed_area_criterion_margin_change",
		"Change of an area's § 61 a margin since last year's pull in percentage points: negative is closer to (or further past) the threshold.",
		[]string{"criterion", "area"}, nil)
	criterionMetDesc = prometheus.NewDesc("helhed_area_criterion_met",
		"Whether an area meets a § 61 a criterion, as the pull computed it: 1 for the verdict (ja, nej or ukendt) that holds, 0 for the others.",
		[]string{"criterion", "area", "verdict"}, nil)
	designationDesc = prometheus.NewDesc("helhed_area_designation",
		"Whether an area would be on the 1 December list if it were published today (designation udsat or parallelsamfund, almenboligloven § 61 a): 1 for the verdict (ja, nej or ukendt) that holds, 0 for the others.",
		[]string{"area", "designation", "verdict"}, nil)
	criteriaMetCountDesc = prometheus.NewDesc("helhed_area_criteria_met_count",
		"How many of the four § 61 a criteria an area meets (verdict ja), as the pull computed them; helhed_area_criteria_unknown_count more are undecided.",
		[]string{"area"}, nil)
	criteriaUnknownCountDesc = prometheus.NewDesc("helhed_area_criteria_unknown_count",
		"How many of the four § 61 a criteria of an area the pull could not decide (verdict ukendt: a figure missing or suppressed).",
		[]string{"area"}, nil)
	twoCriteriaDesc = prometheus.NewDesc("helhed_area_two_criteria",
		"Whether an area meets at least two of the four § 61 a criteria (stk. 1, residents aside), from the pull's verdicts: 1 for the verdict (ja, nej or ukendt: too many criteria undecided) that holds, 0 for the others.",
		[]string{"area", "verdict"}, nil)
	listDateDesc = prometheus.NewDesc("helhed_statistics_list_date_timestamp_seconds",
		"The 1 December (00:00 UTC, Unix seconds) of the list the latest pull's early warning speaks of.", nil, nil)
	lastSuccessDesc = prometheus.NewDesc("helhed_statistics_last_success_timestamp_seconds",
		"When the last statistics pull finished (Unix seconds).", nil, nil)
)

// Collector publishes the latest pull from the read model on each scrape,
// so every replica reports the same figures, and the plan's indicator
// baselines and targets and the law's thresholds from the first scrape,
// before any pull.
type Collector struct {
	// Plan gives the figures known before a pull; nil publishes the
	// pull's only.
	Plan  *plan.Plan
	Redis redis.Cmdable
	Log   *slog.Logger
	Now   func() time.Time // for tests; nil means time.Now
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{indicatorValueDesc, indicatorBaselineDesc, indicatorTargetDesc,
		criterionValueDesc, criterionThresholdDesc, criterionMarginDesc, criterionMarginChangeDesc, criterionMetDesc, criteriaMetCountDesc, criteriaUnknownCountDesc, twoCriteriaDesc,
		designationDesc, listDateDesc, lastSuccessDesc, missingFiguresDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r, err := c.latest(ctx, ch)
	if err != nil {
		c.warn(err) // the plan's figures are published all the same
	}
	c.collectPlanned(ch, r)
	collectMissing(ch, r)
	if r == nil {
		return
	}
	for _, iv := range r.Indicators {
		if iv.HasValue && !iv.Value.Suppressed {
			ch <- prometheus.MustNewConstMetric(indicatorValueDesc, prometheus.GaugeValue, iv.Value.Value, iv.Indicator, iv.Area)
		}
	}
	// The verdicts are the pull's (workflows/statistics/law.go); the
	// dashboards read them rather than compare values with thresholds.
	for _, cv := range r.Criteria {
		if cv.HasValue && !cv.Value.Suppressed {
			ch <- prometheus.MustNewConstMetric(criterionValueDesc, prometheus.GaugeValue, cv.Value.Value, cv.Criterion, cv.Area)
		}
		if cv.Met != "" && cv.Met != statistics.VerdictUnknown {
			ch <- prometheus.MustNewConstMetric(criterionMarginDesc, prometheus.GaugeValue, cv.Margin, cv.Criterion, cv.Area)
		}
		if cv.Previous != nil && cv.Trend != "" {
			ch <- prometheus.MustNewConstMetric(criterionMarginChangeDesc, prometheus.GaugeValue, math.Round(10*(cv.Margin-cv.Previous.Margin))/10, cv.Criterion, cv.Area)
		}
		for _, v := range stateSet(cv.Met) {
			ch <- prometheus.MustNewConstMetric(criterionMetDesc, prometheus.GaugeValue, v.value, cv.Criterion, cv.Area, v.verdict)
		}
	}
	for _, d := range r.Designations {
		ch <- prometheus.MustNewConstMetric(criteriaMetCountDesc, prometheus.GaugeValue, float64(d.CriteriaMet), d.Area)
		ch <- prometheus.MustNewConstMetric(criteriaUnknownCountDesc, prometheus.GaugeValue, float64(d.CriteriaUnknown), d.Area)
		for _, v := range stateSet(twoCriteria(d)) {
			ch <- prometheus.MustNewConstMetric(twoCriteriaDesc, prometheus.GaugeValue, v.value, d.Area, v.verdict)
		}
		for _, des := range []struct{ name, verdict string }{{"udsat", d.Udsat}, {"parallelsamfund", d.Parallelsamfund}} {
			for _, v := range stateSet(des.verdict) {
				ch <- prometheus.MustNewConstMetric(designationDesc, prometheus.GaugeValue, v.value, d.Area, des.name, v.verdict)
			}
		}
	}
	if list, err := plan.ParseDate(r.ListDate); err == nil {
		ch <- prometheus.MustNewConstMetric(listDateDesc, prometheus.GaugeValue, float64(list.In(time.UTC).Unix()))
	}
}

// latest publishes when the last pull finished and returns its result
// (nil before the first pull).
func (c *Collector) latest(ctx context.Context, ch chan<- prometheus.Metric) (*statistics.Result, error) {
	ts, err := c.Redis.Get(ctx, KeyLastSuccess).Result()
	switch {
	case err == nil:
		if v, err := strconv.ParseFloat(ts, 64); err == nil {
			ch <- prometheus.MustNewConstMetric(lastSuccessDesc, prometheus.GaugeValue, v)
		}
	case !errors.Is(err, redis.Nil):
		return nil, err
	}
	return Latest(ctx, c.Redis)
}

// collectPlanned publishes the indicator baselines and targets and the
// criteria thresholds: those a pull computes without any data (the
// plan's and the law's), then the latest pull's, which win where both
// have a figure, so each label set is one series.
func (c *Collector) collectPlanned(ch chan<- prometheus.Metric, pull *statistics.Result) {
	var rows []statistics.IndicatorValue
	var crits []statistics.CriterionValue
	if planned, ok := c.planned(pull); ok {
		rows, crits = planned.Indicators, planned.Criteria
	}
	if pull != nil {
		rows = append(rows, pull.Indicators...)
		crits = append(crits, pull.Criteria...)
	}
	type cell struct{ indicator, area string }
	baseline, target := map[cell]float64{}, map[cell]float64{}
	var cells []cell
	for _, iv := range rows {
		k := cell{iv.Indicator, iv.Area}
		_, hasBaseline := baseline[k]
		_, hasTarget := target[k]
		if !hasBaseline && !hasTarget && (iv.Baseline != nil || iv.Target != nil) {
			cells = append(cells, k)
		}
		if iv.Baseline != nil {
			baseline[k] = *iv.Baseline
		}
		if iv.Target != nil {
			target[k] = *iv.Target
		}
	}
	for _, k := range cells {
		if v, ok := baseline[k]; ok {
			ch <- prometheus.MustNewConstMetric(indicatorBaselineDesc, prometheus.GaugeValue, v, k.indicator, k.area)
		}
		if v, ok := target[k]; ok {
			ch <- prometheus.MustNewConstMetric(indicatorTargetDesc, prometheus.GaugeValue, v, k.indicator, k.area)
		}
	}
	thresholds := map[string]float64{}
	var order []string
	for _, cv := range crits {
		if cv.Threshold <= 0 {
			continue
		}
		if _, seen := thresholds[cv.Criterion]; !seen {
			order = append(order, cv.Criterion)
		}
		thresholds[cv.Criterion] = cv.Threshold
	}
	for _, crit := range order {
		ch <- prometheus.MustNewConstMetric(criterionThresholdDesc, prometheus.GaugeValue, thresholds[crit], crit)
	}
}

// planned is what a pull computes without data for the latest pull's
// plan year or, before the first pull, for the plan year the scheduled
// pull reports on next (the plan's first while none has ended): the
// plan's baselines and targets and the law's thresholds.
func (c *Collector) planned(pull *statistics.Result) (statistics.Result, bool) {
	if c.Plan == nil {
		return statistics.Result{}, false
	}
	var label string
	if pull != nil {
		label = pull.PlanYear
	} else {
		now := time.Now()
		if c.Now != nil {
			now = c.Now()
		}
		label = lastEndedPlanYear(c.Plan, c.Plan.DateOf(now))
	}
	py, ok := c.Plan.PlanYear(label)
	if !ok {
		years := c.Plan.PlanYears()
		if len(years) == 0 {
			return statistics.Result{}, false
		}
		py = years[0]
	}
	return statistics.Evaluate(c.Plan, pullOf(c.Plan, py), statistics.Baselines{}, nil), true
}

// twoCriteria is the verdict on "at least two of the four criteria" from
// the criteria the pull decided (law.go's designations count them): ja
// when enough are met, nej when not enough could be, else ukendt.
func twoCriteria(d statistics.AreaDesignation) string {
	switch {
	case d.CriteriaMet >= statistics.CriteriaToList:
		return statistics.VerdictYes
	case d.CriteriaMet+d.CriteriaUnknown < statistics.CriteriaToList:
		return statistics.VerdictNo
	}
	return statistics.VerdictUnknown
}

// verdictSample is one series of a verdict's state set.
type verdictSample struct {
	verdict string
	value   float64
}

// stateSet is a verdict as a Prometheus state set: 1 for the one that
// holds, 0 for the others; nothing for a result from before verdicts.
func stateSet(verdict string) []verdictSample {
	if verdict == "" {
		return nil
	}
	var out []verdictSample
	for _, v := range []string{statistics.VerdictYes, statistics.VerdictNo, statistics.VerdictUnknown} {
		s := verdictSample{verdict: v}
		if v == verdict {
			s.value = 1
		}
		out = append(out, s)
	}
	return out
}

func (c *Collector) warn(err error) {
	if c.Log != nil {
		c.Log.Warn("statistics metrics: read model unreadable", "err", err)
	}
}
