package calendar

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/calendar"
)

// Values of the before_next_steering_group label.
const (
	BeforeSteeringGroup    = "ja"
	NotBeforeSteeringGroup = "nej"
)

var upcomingDesc = prometheus.NewDesc("helhed_calendar_milestone_timestamp_seconds",
	"Start of an upcoming milestone of the plan calendar (the entries of the .ics feed, moved meetings included), Unix seconds: "+
		"every entry not yet over that starts before the later of the next steering-group meeting and 30 days ahead. "+
		"kind is the calendar's (styregruppe, datafrist, dataanmodninger, fravaer, aarsrapport, …), summary its Danish title "+
		"(counts only, never a person); before_next_steering_group is ja up to and including the next steering-group meeting. "+
		"Eviction deadlines are on the feed and the operator page only. Derived behind the scrapes: up to 30 s old.",
	[]string{"uid", "kind", "summary", "before_next_steering_group"}, nil)

// upcoming is one milestone of upcomingDesc.
type upcoming struct {
	calendar.Milestone
	beforeSteering bool
}

// upcomingMilestones picks from ms (sorted by start) the entries not over
// at now that start before the later of the next steering-group meeting
// and days ahead, and marks those up to and including that meeting.
func upcomingMilestones(ms []calendar.Milestone, now time.Time, days int) []upcoming {
	var steering time.Time
	for _, m := range ms {
		if m.Kind == calendar.KindSteeringGroup && m.Start.After(now) {
			steering = m.Start
			break
		}
	}
	until := now.AddDate(0, 0, days)
	if steering.After(until) {
		until = steering
	}
	var out []upcoming
	for _, m := range ms {
		if !m.End.After(now) || m.Start.After(until) {
			continue
		}
		out = append(out, upcoming{Milestone: m, beforeSteering: !steering.IsZero() && !m.Start.After(steering)})
	}
	return out
}

// collector publishes the upcoming milestones on scrape, from the read
// model like the feed, so every replica reports the same entries.
//
// Eviction deadlines are left out (they are counted from every case; the
// feed and the page show them). Deriving the rest still reads every task,
// longer than a scrape may take at national volume: the derived list is
// kept for milestonesMaxAge and refreshed behind the scrape that finds it
// older, so a scrape costs the series it publishes. Only the first scrape
// derives in line.
type collector struct {
	srv *server
	now func() time.Time // for tests; nil means time.Now

	mu         sync.Mutex
	ms         []calendar.Milestone
	derivedAt  time.Time
	refreshing bool
}

// milestonesMaxAge bounds how old the published calendar may be: well
// under a day's changes, about two scrape intervals.
const milestonesMaxAge = 30 * time.Second

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) { ch <- upcomingDesc }

// Collect implements prometheus.Collector. A Redis error is logged and
// never fails /metrics: before the first derivation the family is left
// out, after it the last derived calendar stays published.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	if c.now != nil {
		now = c.now()
	}
	ms, ok := c.milestones(now)
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, m := range upcomingMilestones(ms, now, DueDays) {
		// A repeated series would fail the whole scrape.
		if seen[m.UID] {
			continue
		}
		seen[m.UID] = true
		flag := NotBeforeSteeringGroup
		if m.beforeSteering {
			flag = BeforeSteeringGroup
		}
		ch <- prometheus.MustNewConstMetric(upcomingDesc, prometheus.GaugeValue, float64(m.Start.Unix()), m.UID, m.Kind, m.Summary, flag)
	}
}

// milestones returns the kept calendar, deriving it in line when none is
// kept and starting a refresh when it is older than milestonesMaxAge.
func (c *collector) milestones(now time.Time) ([]calendar.Milestone, bool) {
	c.mu.Lock()
	ms, derivedAt, refreshing := c.ms, c.derivedAt, c.refreshing
	stale := derivedAt.IsZero() || time.Since(derivedAt) > milestonesMaxAge
	if stale && !refreshing && !derivedAt.IsZero() {
		c.refreshing = true
	}
	c.mu.Unlock()
	switch {
	case derivedAt.IsZero():
		return c.derive(now)
	case stale && !refreshing:
		go c.derive(now)
	}
	return ms, true
}

// derive reads the calendar from the read model and keeps it.
func (c *collector) derive(now time.Time) ([]calendar.Milestone, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ms, err := c.srv.milestones(ctx, now, withoutCases)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		c.srv.log.Warn("calendar metrics: read model unavailable (see helhed_readmodel_up)", "err", err)
		return nil, false
	}
	c.ms, c.derivedAt = ms, time.Now()
	return ms, true
}
