package absence

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/danish"
	"helhed/plan"
	"helhed/workflows/absence"
)

var (
	percentDesc = prometheus.NewDesc("helhed_absence_percent",
		"School absence, percent of school days, per area and quarter, rounded half up to one decimal as the quarterly note prints it (areas with fewer pupils than the discretion threshold are left out).",
		[]string{"area", "quarter"}, nil)
	baselineDesc = prometheus.NewDesc("helhed_absence_baseline_percent",
		"The plan's absence baseline per area, percent.", []string{"area"}, nil)
	kommuneDesc = prometheus.NewDesc("helhed_absence_kommune_percent",
		"The kommune's absence level the plan compares with, percent.", nil, nil)
	flagsDesc = prometheus.NewDesc("helhed_absence_flags",
		"Pupils with unlawful absence at or above level percent in the latest quarter (level 10 includes 15); counts below the discretion threshold, and any that would let one be worked out, are left out, see helhed_absence_flags_suppressed.",
		[]string{"area", "level"}, nil)
	flagsSuppressedDesc = prometheus.NewDesc("helhed_absence_flags_suppressed",
		"1 where the latest quarter's flag count is suppressed (below the discretion threshold, or hidden so that another cannot be worked out).",
		[]string{"area", "level"}, nil)
	coursesDesc = prometheus.NewDesc("helhed_absence_new_courses",
		"New individual absence courses this plan year to date (pupils over 10 % for the first time in the year); 0 for a plan year begun with no quarter recorded; left out for the rest of the plan year once a quarter's new courses are below the discretion threshold (see helhed_absence_new_courses_suppressed).",
		[]string{"year"}, nil)
	coursesSuppressedDesc = prometheus.NewDesc("helhed_absence_new_courses_suppressed",
		"1 where a plan year's new absence courses to date are left out by the discretion rule.",
		[]string{"year"}, nil)
)

// Collector publishes the absence read model on scrape.
type Collector struct {
	Plan  *plan.Plan
	Redis redis.Cmdable
	Log   *slog.Logger
	Now   func() time.Time // for tests; nil means time.Now
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{percentDesc, baselineDesc, kommuneDesc, flagsDesc, flagsSuppressedDesc, coursesDesc, coursesSuppressedDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	if ind, ok := c.Plan.Indicator(absence.IndicatorID); ok {
		for _, b := range ind.Baselines {
			if b.Area != "" {
				ch <- prometheus.MustNewConstMetric(baselineDesc, prometheus.GaugeValue, b.Value, b.Area)
			}
		}
		for _, k := range ind.Kommune {
			if k.Area == "" && k.Scope == "" {
				ch <- prometheus.MustNewConstMetric(kommuneDesc, prometheus.GaugeValue, k.Value)
				break
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.collect(ctx, ch); err != nil {
		log := c.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("absence metrics: read model unavailable", "err", err)
	}
}

func (c *Collector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	quarters, err := c.Redis.ZRange(ctx, quartersKey(c.Plan.ID), 0, -1).Result()
	if err != nil {
		return err
	}
	latestOfYear := map[string]map[string]string{}
	var years []string
	for i, q := range quarters {
		h, err := c.Redis.HGetAll(ctx, quarterKey(c.Plan.ID, q)).Result()
		if err != nil {
			return err
		}
		for field, v := range h {
			area, ok := strings.CutPrefix(field, "percent|")
			if f, err := strconv.ParseFloat(v, 64); ok && err == nil && area != "alle" {
				ch <- prometheus.MustNewConstMetric(percentDesc, prometheus.GaugeValue, danish.Round(f, 1), area, q)
			}
		}
		if y := h["year"]; y != "" {
			if _, seen := latestOfYear[y]; !seen {
				years = append(years, y)
			}
			latestOfYear[y] = h
		}
		if i == len(quarters)-1 {
			c.flags(h, ch)
		}
	}
	for _, y := range years {
		h := latestOfYear[y]
		if n, err := strconv.ParseFloat(h["courses_ytd"], 64); err == nil {
			ch <- prometheus.MustNewConstMetric(coursesDesc, prometheus.GaugeValue, n, y)
		} else if h["suppressed|courses_ytd"] != "" {
			ch <- prometheus.MustNewConstMetric(coursesSuppressedDesc, prometheus.GaugeValue, 1, y)
		}
	}
	// A plan year that has begun counts from 0 until its first quarter is
	// recorded, so a panel says 0 rather than nothing.
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	today := c.Plan.DateOf(now)
	for _, py := range c.Plan.PlanYears() {
		if _, recorded := latestOfYear[py.Label]; !recorded && !today.Before(py.Period.Start) {
			ch <- prometheus.MustNewConstMetric(coursesDesc, prometheus.GaugeValue, 0, py.Label)
		}
	}
	return nil
}

// flags publishes the latest quarter's flag counts per area.
func (c *Collector) flags(h map[string]string, ch chan<- prometheus.Metric) {
	for field, v := range h {
		parts := strings.Split(field, "|")
		switch {
		case len(parts) == 2 && (parts[0] == "flags10" || parts[0] == "flags15") && parts[1] != "alle":
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				ch <- prometheus.MustNewConstMetric(flagsDesc, prometheus.GaugeValue, f, parts[1], strings.TrimPrefix(parts[0], "flags"))
			}
		case len(parts) == 3 && parts[0] == "suppressed" && (parts[1] == "flags10" || parts[1] == "flags15") && parts[2] != "alle":
			ch <- prometheus.MustNewConstMetric(flagsSuppressedDesc, prometheus.GaugeValue, 1, parts[2], strings.TrimPrefix(parts[1], "flags"))
		}
	}
}
