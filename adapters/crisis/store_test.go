package crisis_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	crisisadapter "helhed/adapters/crisis"
	"helhed/internal/promtest"
	"helhed/internal/testredis"
	"helhed/workflows/crisis"
)

var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}

// TestRecordKeepsFirstMeeting: CrisisRecord is idempotent and keeps the
// first meeting time once set; the collector reads back what it wrote.
func TestRecordKeepsFirstMeeting(t *testing.T) {
	ctx := context.Background()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	a := &crisisadapter.Activities{Redis: rdb}
	activated := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	first, later := activated.Add(2*time.Hour), activated.Add(30*time.Hour)
	r := crisis.Record{WorkflowID: "crisis/a/2026-03-02/arson", Incident: crisis.Arson, Stage: crisis.StageFollowUp,
		ActivatedAt: activated, FirstMeetingAt: &first}
	for range 2 {
		if err := a.CrisisRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	r.Stage, r.FirstMeetingAt = crisis.StageClosed, &later
	if err := a.CrisisRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	h := rdb.HGetAll(ctx, crisisadapter.KeyRunPrefix+r.WorkflowID).Val()
	if h["stage"] != crisis.StageClosed || h["firstMeetingAt"] != first.Format(time.RFC3339) {
		t.Errorf("record %v", h)
	}
	if n := rdb.SCard(ctx, crisisadapter.KeyRuns).Val(); n != 1 {
		t.Errorf("%d activations listed, want 1", n)
	}
	got := promtest.Collect(t, &crisisadapter.Collector{Redis: rdb})
	want := map[string]float64{
		`helhed_crisis_activations_total{type="arson"}`:                 1,
		`helhed_crisis_open_activations{stage="follow-up"}`:             0,
		`helhed_crisis_time_to_first_meeting_seconds_count`:             1,
		`helhed_crisis_time_to_first_meeting_seconds_sum`:               2 * 3600,
		`helhed_crisis_time_to_first_meeting_seconds_bucket{le="7200"}`: 1,
	}
	for series, v := range want {
		if g, ok := got[series]; !ok || g != v {
			t.Errorf("%s = %v (published %v), want %v", series, g, ok, v)
		}
	}
}
