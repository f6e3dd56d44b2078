package crisis

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/workflows/crisis"
)

var (
	activationsDesc = prometheus.NewDesc("helhed_crisis_activations_total",
		"Activations of the beredskabsplan by incident type (incidents, not persons: no discretion applies; no area label).",
		[]string{"type"}, nil)
	firstMeetingDesc = prometheus.NewDesc("helhed_crisis_time_to_first_meeting_seconds",
		"Time from an activation to the start of the crisis group's first meeting, for activations whose meeting was held.",
		nil, nil)
	openDesc = prometheus.NewDesc("helhed_crisis_open_activations",
		"Activations not yet closed, by stage.", []string{"stage"}, nil)
)

// FirstMeetingBuckets are the histogram's upper bounds: half an hour to a week.
var FirstMeetingBuckets = []float64{1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 7 * 24 * 3600}

// openStages are published even at zero, so a panel shows 0.
var openStages = []string{crisis.StageConvening, crisis.StageScheduled, crisis.StageFollowUp, crisis.StageEvaluation}

// Collector publishes the crisis metrics from the Redis read model on every
// scrape, so every replica and a restarted process report the same.
type Collector struct {
	Redis redis.Cmdable
	Log   *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- activationsDesc
	ch <- firstMeetingDesc
	ch <- openDesc
}

// Collect implements prometheus.Collector. When Redis does not answer it
// publishes nothing for crisis (and logs why) rather than wrong zeros.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	recs, err := readRecords(ctx, c.Redis)
	if err != nil {
		if c.Log != nil {
			c.Log.Warn("crisis metrics: read model unreadable", "error", err)
		}
		return
	}
	byType := map[string]float64{}
	for _, i := range crisis.Incidents {
		byType[i.Type] = 0
	}
	open := map[string]float64{}
	for _, s := range openStages {
		open[s] = 0
	}
	buckets := make(map[float64]uint64, len(FirstMeetingBuckets))
	var count uint64
	var sum float64
	for _, r := range recs {
		byType[r.Incident]++
		if _, ok := open[r.Stage]; ok {
			open[r.Stage]++
		}
		if r.FirstMeetingAt == nil {
			continue
		}
		d := r.FirstMeetingAt.Sub(r.ActivatedAt).Seconds()
		d = max(d, 0)
		count++
		sum += d
		for _, b := range FirstMeetingBuckets {
			if d <= b {
				buckets[b]++
			}
		}
	}
	for t, n := range byType {
		ch <- prometheus.MustNewConstMetric(activationsDesc, prometheus.CounterValue, n, t)
	}
	for s, n := range open {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, n, s)
	}
	ch <- prometheus.MustNewConstHistogram(firstMeetingDesc, count, sum, buckets)
}
