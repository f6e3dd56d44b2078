package readmodel

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

var (
	upDesc = desc("helhed_readmodel_up",
		"1 when the Redis read model answered this scrape; 0 means every helhed_* family read from Redis may be missing.")
	lastSuccessDesc = desc("helhed_readmodel_reconcile_last_success_timestamp_seconds",
		"When the last reconcile that covered every kind without error started (Unix seconds; 0 = never in this Redis).")
	lastAttemptDesc = desc("helhed_readmodel_reconcile_last_attempt_timestamp_seconds",
		"When the last reconcile started, successful or not (Unix seconds; 0 = never).")
	durationDesc = desc("helhed_readmodel_reconcile_duration_seconds",
		"How long the last reconcile took.")
	driftDesc = desc("helhed_readmodel_drift",
		"Read-model keys the last reconcile of the kind found wrong (missing, extra or different) and repaired.", "kind")
	keysDesc = desc("helhed_readmodel_keys",
		"Read-model keys of the kind after its last reconcile.", "kind")
	kindDurationDesc = desc("helhed_readmodel_kind_reconcile_duration_seconds",
		"How long the last successful reconcile of the kind took, by pass: full (every run) or incremental (running runs and runs closed since the last pass).", "kind", "pass")
	replayedDesc = desc("helhed_readmodel_replayed_runs",
		"Closed runs of the kind the last reconcile read by replaying their history for the state query (their result does not hold their state: recorded before it did, or not completed).", "kind")
	unreadableDesc = desc("helhed_readmodel_unreadable_runs",
		"Runs of the kind the last reconcile could not read (state query or result) and skipped; while above 0 the kind's read model keeps keys no readable run accounts for.", "kind")
	runsDesc = desc("helhed_workflow_runs",
		"Workflow runs of the kind by status, as Temporal visibility listed them at the last reconcile (closed runs within the namespace retention).", "kind", "status")
	lastCompletedDesc = desc("helhed_workflow_last_completed_timestamp_seconds",
		"When the kind's most recent successful run completed (Unix seconds; 0 = none within retention).", "kind")
	lastFailedDesc = desc("helhed_workflow_last_failed_timestamp_seconds",
		"When the kind's most recent run failed, timed out or was terminated (Unix seconds; 0 = none within retention).", "kind")
	schedPausedDesc = desc("helhed_schedule_paused",
		"1 when the cycle's Temporal schedule is paused (it will not run when due).", "schedule", "kind")
	schedNextDesc = desc("helhed_schedule_next_action_timestamp_seconds",
		"When the cycle's schedule is next due (Unix seconds; 0 = never again).", "schedule", "kind")
	schedLastDesc = desc("helhed_schedule_last_action_timestamp_seconds",
		"When the cycle's schedule last started a run (Unix seconds; 0 = never).", "schedule", "kind")
	schedDelayDesc = desc("helhed_schedule_last_action_delay_seconds",
		"How late the schedule's last action was taken against its scheduled time.", "schedule", "kind")
	schedSkippedDesc = desc("helhed_schedule_actions_skipped_total",
		"Due actions the schedule did not take: reason catchup_window (Temporal was down past the catch-up window) or overlap (the previous run was still running).", "schedule", "kind", "reason")
	schedFailedDesc = desc("helhed_schedule_last_run_failed",
		"1 when the run the schedule started last failed, timed out or was terminated.", "schedule", "kind")
)

// statuses are the run statuses always published per kind, so a panel
// shows 0 rather than nothing.
var statuses = []string{"running", "completed", "failed", "canceled", "terminated", "timed_out"}

// Collector publishes what the reconcile recorded under helhed:readmodel:,
// read from Redis on every scrape: every replica, and a restarted process,
// reports the same values.
type Collector struct {
	Redis redis.UniversalClient
	Log   *slog.Logger
}

// NewCollector returns a Collector over r.
func NewCollector(r redis.UniversalClient, log *slog.Logger) *Collector {
	if log == nil {
		log = slog.Default()
	}
	return &Collector{Redis: r, Log: log}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{upDesc, lastSuccessDesc, lastAttemptDesc, durationDesc, driftDesc, keysDesc,
		unreadableDesc, kindDurationDesc, replayedDesc, runsDesc, lastCompletedDesc, lastFailedDesc, schedPausedDesc, schedNextDesc, schedLastDesc,
		schedDelayDesc, schedSkippedDesc, schedFailedDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var rec, kinds, scheds, passes *redis.MapStringStringCmd
	_, err := c.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		rec = p.HGetAll(ctx, keyReconcile)
		kinds = p.HGetAll(ctx, keyKinds)
		scheds = p.HGetAll(ctx, keySchedules)
		passes = p.HGetAll(ctx, keyPasses)
		return nil
	})
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if err != nil {
		c.Log.Warn("read model unavailable for metrics", "err", err)
		gauge(upDesc, 0)
		return
	}
	gauge(upDesc, 1)
	num := func(s string) float64 {
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	gauge(lastSuccessDesc, num(rec.Val()["last_success"]))
	gauge(lastAttemptDesc, num(rec.Val()["last_attempt"]))
	gauge(durationDesc, num(rec.Val()["duration_seconds"]))
	for kind, raw := range kinds.Val() {
		var k KindReport
		if json.Unmarshal([]byte(raw), &k) != nil {
			continue
		}
		if k.Reconciled {
			gauge(driftDesc, float64(k.Drift.Total()), kind)
			gauge(keysDesc, float64(k.Keys), kind)
			gauge(unreadableDesc, float64(k.Unreadable), kind)
			gauge(replayedDesc, float64(k.Replayed), kind)
		}
		for _, st := range statuses {
			gauge(runsDesc, float64(k.Runs[st]), kind, st)
		}
		gauge(lastCompletedDesc, float64(k.LastCompleted), kind)
		gauge(lastFailedDesc, float64(k.LastFailed), kind)
	}
	for kind, raw := range passes.Val() {
		var ps passState
		if json.Unmarshal([]byte(raw), &ps) != nil {
			continue
		}
		for pass, secs := range ps.Seconds {
			gauge(kindDurationDesc, secs, kind, pass)
		}
	}
	for id, raw := range scheds.Val() {
		var s ScheduleReport
		if json.Unmarshal([]byte(raw), &s) != nil {
			continue
		}
		gauge(schedPausedDesc, Bool(s.Paused), id, s.Kind)
		gauge(schedNextDesc, float64(s.NextAction), id, s.Kind)
		gauge(schedLastDesc, float64(s.LastAction), id, s.Kind)
		gauge(schedDelayDesc, s.LastDelay, id, s.Kind)
		gauge(schedFailedDesc, Bool(s.LastRunFailed()), id, s.Kind)
		ch <- prometheus.MustNewConstMetric(schedSkippedDesc, prometheus.CounterValue, float64(s.MissedCatchupWindow), id, s.Kind, "catchup_window")
		ch <- prometheus.MustNewConstMetric(schedSkippedDesc, prometheus.CounterValue, float64(s.SkippedOverlap), id, s.Kind, "overlap")
	}
}

// Bool is 1 for true, 0 for false.
func Bool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
