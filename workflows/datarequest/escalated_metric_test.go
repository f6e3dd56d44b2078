package datarequest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/internal/promtest"
	"helhed/plan"
)

// TestEscalatedGaugeCountsOpenEscalatedTasks: only open tasks that were
// escalated count; answered or cancelled ones do not, and every plan
// partner is published (0 included).
func TestEscalatedGaugeCountsOpenEscalatedTasks(t *testing.T) {
	if testRedis == nil {
		t.Skip("redis-server not installed")
	}
	ctx := context.Background()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: testRedis.Addr})
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	store := &Store{R: rdb, Loc: p.Location()}
	a, b, c := p.Partners[0].ID, p.Partners[1].ID, p.Partners[2].ID
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, task := range []Task{
		{RequestID: "esc-1", Partner: a, Status: StatusOpen, Escalated: true},
		{RequestID: "esc-2", Partner: a, Status: StatusOpen, Escalated: true},
		{RequestID: "esc-3", Partner: a, Status: StatusOpen},
		{RequestID: "esc-4", Partner: b, Status: StatusAnswered, Escalated: true, AnsweredAt: created.Add(240 * time.Hour)},
		{RequestID: "esc-5", Partner: b, Status: StatusCancelled, Escalated: true},
		{RequestID: "esc-6", Partner: c, Status: StatusOpen, Escalated: true},
	} {
		task.Title, task.Due, task.CreatedAt, task.Version = "Test", "2026-03-20", created, int64(i+1)
		if _, err := store.Save(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	samples := promtest.Collect(t, &Collector{Store: store, Plan: p, Now: func() time.Time { return created.Add(30 * 24 * time.Hour) }})
	got := map[string]float64{}
	for k, v := range samples {
		if partner, ok := strings.CutPrefix(k, `helhed_data_requests_escalated{partner="`); ok {
			got[strings.TrimSuffix(partner, `"}`)] = v
		}
	}
	want := map[string]float64{a: 2, b: 0, c: 1}
	for partner, n := range want {
		if v, ok := got[partner]; !ok || v != n {
			t.Errorf("escalated{partner=%q} = %v (present %v), want %v", partner, v, ok, n)
		}
	}
	if len(got) != len(p.Partners) {
		t.Errorf("%d partners published, want every plan partner (%d)", len(got), len(p.Partners))
	}
}
