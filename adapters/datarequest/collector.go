package datarequest

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
)

// Timeliness label values.
const (
	OnTime = "on_time"
	Late   = "late"
)

var (
	openDesc = prometheus.NewDesc("helhed_data_requests_open",
		"Data requests not yet answered or cancelled (overdue ones included), by partner.", []string{"partner"}, nil)
	overdueDesc = prometheus.NewDesc("helhed_data_requests_overdue",
		"Open data requests past their due date, by partner.", []string{"partner"}, nil)
	escalatedDesc = prometheus.NewDesc("helhed_data_requests_escalated",
		"Open data requests that were escalated to the secretariat (overdue beyond the reminder policy's escalation), by partner.",
		[]string{"partner"}, nil)
	answeredDesc = prometheus.NewDesc("helhed_data_requests_answered_total",
		"Data requests answered, by partner and whether by the due date (on_time) or after it (late).", []string{"partner", "timeliness"}, nil)
	cancelledDesc = prometheus.NewDesc("helhed_data_requests_cancelled_total",
		"Data requests cancelled, by partner.", []string{"partner"}, nil)
	roundExpectedDesc = prometheus.NewDesc("helhed_round_requests_expected",
		"Data requests a meeting round (round: its key, the board meeting's date or summer-<date>) sent a partner, cancelled ones left out.",
		[]string{"partner", "round"}, nil)
	roundReceivedDesc = prometheus.NewDesc("helhed_round_requests_received",
		"Data requests of a meeting round a partner has answered.", []string{"partner", "round"}, nil)
	roundOnTimeDesc = prometheus.NewDesc("helhed_round_requests_on_time",
		"Data requests of a meeting round a partner answered by the due date.", []string{"partner", "round"}, nil)
	roundOverdueDesc = prometheus.NewDesc("helhed_round_requests_overdue",
		"Data requests of a meeting round a partner has not answered by the due date (open and past it); 0 once the round's report cancels what is unanswered.",
		[]string{"partner", "round"}, nil)
	responseDesc = prometheus.NewDesc("helhed_data_requests_response_seconds",
		"Time from a data request's creation to its answer, by partner.", []string{"partner"}, nil)
)

// ResponseBuckets are the response-time histogram's bounds: 1, 2, 3, 5,
// 7, 10, 14, 21, 30 and 60 days.
var ResponseBuckets = func() []float64 {
	var out []float64
	for _, d := range []float64{1, 2, 3, 5, 7, 10, 14, 21, 30, 60} {
		out = append(out, d*24*3600)
	}
	return out
}()

// Collector computes the data request metrics at each scrape from the
// read model's counters (Store.Counts), so every replica reports the same
// figures, a restart loses none, and a scrape costs the same at 10 tasks
// as at 100,000. Partners are plan ids (organisations), never people; task
// counts are about organisations, not persons, so no discretion applies.
type Collector struct {
	Store *Store
	Plan  *plan.Plan
	Now   func() time.Time
	Log   *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{openDesc, overdueDesc, escalatedDesc, answeredDesc, cancelledDesc, responseDesc,
		roundExpectedDesc, roundReceivedDesc, roundOnTimeDesc, roundOverdueDesc} {
		ch <- d
	}
}

type partnerStats struct {
	open, overdue, escalated, onTime, late, cancelled int64
	buckets                                           map[float64]uint64
	sumMs                                             int64
	count                                             uint64
}

type roundCell struct{ partner, round string }

type roundStats struct{ expected, received, onTime, overdue int64 }

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	counts, err := c.Store.Counts(ctx)
	if err != nil {
		if c.Log != nil {
			c.Log.Warn("data request metrics: read model unavailable (see helhed_readmodel_up)", "err", err)
		}
		return
	}
	stats := map[string]*partnerStats{}
	get := func(p string) *partnerStats {
		s, ok := stats[p]
		if !ok {
			s = &partnerStats{buckets: map[float64]uint64{}}
			stats[p] = s
		}
		return s
	}
	// Every plan partner reports, zero included, so dashboards see the
	// whole list.
	for _, p := range c.Plan.Partners {
		get(p.ID)
	}
	rounds := map[roundCell]*roundStats{}
	roundPrefix := c.Plan.ID + "/"
	for fact, n := range counts {
		kind, rest, _ := strings.Cut(fact, "|")
		partner, rest, _ := strings.Cut(rest, "|")
		switch kind + "|" {
		case factPartner:
			get(partner)
		case factOpen:
			s := get(partner)
			s.open += n
			if c.Store.pastDue(rest, now) {
				s.overdue += n
			}
		case factEscalated:
			get(partner).escalated += n
		case factCancelled:
			get(partner).cancelled += n
		case factAnswered:
			if rest == OnTime {
				get(partner).onTime += n
			} else {
				get(partner).late += n
			}
		case factResponse:
			s := get(partner)
			switch {
			case rest == responseCount:
				s.count = uint64(n)
			case rest == responseMs:
				s.sumMs = n
			case strings.HasPrefix(rest, responseLE):
				if b, err := strconv.ParseFloat(strings.TrimPrefix(rest, responseLE), 64); err == nil {
					s.buckets[b] = uint64(n)
				}
			}
		case factRound:
			origin, cell, _ := strings.Cut(rest, "|")
			round, ok := strings.CutPrefix(origin, roundPrefix)
			if !ok {
				continue // another plan's round
			}
			k := roundCell{partner, round}
			r := rounds[k]
			if r == nil {
				r = &roundStats{}
				rounds[k] = r
			}
			switch {
			case cell == roundExpected:
				r.expected += n
			case cell == roundReceived:
				r.received += n
			case cell == OnTime:
				r.onTime += n
			case strings.HasPrefix(cell, roundOpen):
				if c.Store.pastDue(strings.TrimPrefix(cell, roundOpen), now) {
					r.overdue += n
				}
			}
		}
	}
	partners := make([]string, 0, len(stats))
	for p := range stats {
		partners = append(partners, p)
	}
	slices.Sort(partners)
	for _, p := range partners {
		s := stats[p]
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(s.open), p)
		ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(s.overdue), p)
		ch <- prometheus.MustNewConstMetric(escalatedDesc, prometheus.GaugeValue, float64(s.escalated), p)
		ch <- prometheus.MustNewConstMetric(answeredDesc, prometheus.CounterValue, float64(s.onTime), p, OnTime)
		ch <- prometheus.MustNewConstMetric(answeredDesc, prometheus.CounterValue, float64(s.late), p, Late)
		ch <- prometheus.MustNewConstMetric(cancelledDesc, prometheus.CounterValue, float64(s.cancelled), p)
		ch <- prometheus.MustNewConstHistogram(responseDesc, s.count, float64(s.sumMs)/1000, s.buckets, p)
	}
	for k, r := range rounds {
		if r.expected == 0 {
			continue // a cell is a round's requests to a partner, cancelled ones left out
		}
		ch <- prometheus.MustNewConstMetric(roundExpectedDesc, prometheus.GaugeValue, float64(r.expected), k.partner, k.round)
		ch <- prometheus.MustNewConstMetric(roundReceivedDesc, prometheus.GaugeValue, float64(r.received), k.partner, k.round)
		ch <- prometheus.MustNewConstMetric(roundOnTimeDesc, prometheus.GaugeValue, float64(r.onTime), k.partner, k.round)
		ch <- prometheus.MustNewConstMetric(roundOverdueDesc, prometheus.GaugeValue, float64(r.overdue), k.partner, k.round)
	}
}
