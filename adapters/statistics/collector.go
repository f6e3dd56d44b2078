package statistics

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

var (
	indicatorValueDesc = prometheus.NewDesc("helhed_indicator_value",
		"Latest pulled value of a plan indicator in an area (area \"alle\" = the plan's areas together); suppressed values are left out.",
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
		criterionValueDesc, criterionThresholdDesc, lastSuccessDesc} {
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
	for _, cv := range r.Criteria {
		if cv.HasValue && !cv.Value.Suppressed {
			ch <- prometheus.MustNewConstMetric(criterionValueDesc, prometheus.GaugeValue, cv.Value.Value, cv.Criterion, cv.Area)
		}
		if _, seen := thresholds[cv.Criterion]; !seen && cv.Threshold > 0 {
			thresholds[cv.Criterion] = cv.Threshold
			order = append(order, cv.Criterion)
		}
	}
	for _, crit := range order {
		ch <- prometheus.MustNewConstMetric(criterionThresholdDesc, prometheus.GaugeValue, thresholds[crit], crit)
	}
}

func (c *Collector) warn(err error) {
	if c.Log != nil {
		c.Log.Warn("statistics metrics: read model unreadable", "err", err)
	}
}
