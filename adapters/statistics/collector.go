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
		"The plan's baseline of an indicator in an area.", []string{"indicator", "area"}, nil)
	indicatorTargetDesc = prometheus.NewDesc("helhed_indicator_target",
		"The level an indicator should reach by the end of the pulled plan year.", []string{"indicator", "area"}, nil)
	criterionValueDesc = prometheus.NewDesc("helhed_area_criterion_value",
		"Almenboligloven § 61 a criterion value of an area (percent; income: percent of the region's average).",
		[]string{"criterion", "area"}, nil)
	criterionThresholdDesc = prometheus.NewDesc("helhed_area_criterion_threshold",
		"Threshold of a § 61 a criterion (percent).", []string{"criterion"}, nil)
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
	listDateDesc = prometheus.NewDesc("helhed_statistics_list_date_timestamp_seconds",
		"The 1 December (00:00 UTC, Unix seconds) of the list the latest pull's early warning speaks of.", nil, nil)
	lastSuccessDesc = prometheus.NewDesc("helhed_statistics_last_success_timestamp_seconds",
		"When the last statistics pull finished (Unix seconds).", nil, nil)
)

// Collector publishes the latest pull from the read model on each scrape,
// so every replica reports the same figures.
type Collector struct {
	Redis redis.Cmdable
	Log   *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{indicatorValueDesc, indicatorBaselineDesc, indicatorTargetDesc,
		criterionValueDesc, criterionThresholdDesc, criterionMarginDesc, criterionMarginChangeDesc, criterionMetDesc, designationDesc, listDateDesc, lastSuccessDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if ts, err := c.Redis.Get(ctx, KeyLastSuccess).Result(); err == nil {
		if v, err := strconv.ParseFloat(ts, 64); err == nil {
			ch <- prometheus.MustNewConstMetric(lastSuccessDesc, prometheus.GaugeValue, v)
		}
	} else if !errors.Is(err, redis.Nil) {
		c.warn(err)
		return
	}
	r, err := Latest(ctx, c.Redis)
	if err != nil {
		c.warn(err)
		return
	}
	if r == nil {
		return
	}
	for _, iv := range r.Indicators {
		if iv.HasValue && !iv.Value.Suppressed {
			ch <- prometheus.MustNewConstMetric(indicatorValueDesc, prometheus.GaugeValue, iv.Value.Value, iv.Indicator, iv.Area)
		}
		if iv.Baseline != nil {
			ch <- prometheus.MustNewConstMetric(indicatorBaselineDesc, prometheus.GaugeValue, *iv.Baseline, iv.Indicator, iv.Area)
		}
		if iv.Target != nil {
			ch <- prometheus.MustNewConstMetric(indicatorTargetDesc, prometheus.GaugeValue, *iv.Target, iv.Indicator, iv.Area)
		}
	}
	thresholds := map[string]float64{}
	var order []string
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
		if _, seen := thresholds[cv.Criterion]; !seen && cv.Threshold > 0 {
			thresholds[cv.Criterion] = cv.Threshold
			order = append(order, cv.Criterion)
		}
	}
	for _, crit := range order {
		ch <- prometheus.MustNewConstMetric(criterionThresholdDesc, prometheus.GaugeValue, thresholds[crit], crit)
	}
	for _, d := range r.Designations {
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
