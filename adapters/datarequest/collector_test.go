package datarequest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/internal/promtest"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// TestEscalatedGaugeCountsOpenEscalatedTasks: only open tasks that were
// escalated count; answered or cancelled ones do not, and every plan
// partner is published (0 included).
func TestEscalatedGaugeCountsOpenEscalatedTasks(t *testing.T) {
	ctx := context.Background()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	// A database of its own on the stack's redis-server, so the flush
	// below leaves the stack's read model alone.
	rdb := redis.NewClient(&redis.Options{Addr: stack.app.RedisServer.Addr, DB: 1})
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	store := &datarequestadapter.Store{R: rdb, Loc: p.Location()}
	a, b, c := p.Partners[0].ID, p.Partners[1].ID, p.Partners[2].ID
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, task := range []datarequest.Task{
		{RequestID: "esc-1", Partner: a, Status: datarequest.StatusOpen, Escalated: true},
		{RequestID: "esc-2", Partner: a, Status: datarequest.StatusOpen, Escalated: true},
		{RequestID: "esc-3", Partner: a, Status: datarequest.StatusOpen},
		{RequestID: "esc-4", Partner: b, Status: datarequest.StatusAnswered, Escalated: true, AnsweredAt: created.Add(240 * time.Hour)},
		{RequestID: "esc-5", Partner: b, Status: datarequest.StatusCancelled, Escalated: true},
		{RequestID: "esc-6", Partner: c, Status: datarequest.StatusOpen, Escalated: true},
	} {
		task.Title, task.Due, task.CreatedAt, task.Version = "Test", "2026-03-20", created, int64(i+1)
		if _, err := store.Save(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	samples := promtest.Collect(t, &datarequestadapter.Collector{Store: store, Plan: p, Now: func() time.Time { return created.Add(30 * 24 * time.Hour) }})
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

// TestRoundMatrixCountsPerPartnerAndRound: a meeting round's requests
// count per partner and round (the round's key, not the workflow id):
// expected without the cancelled ones, received, received on time, and
// overdue (open past the due date); requests from elsewhere are not in the
// matrix.
func TestRoundMatrixCountsPerPartnerAndRound(t *testing.T) {
	ctx := context.Background()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: stack.app.RedisServer.Addr, DB: 2})
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	store := &datarequestadapter.Store{R: rdb, Loc: p.Location()}
	a, b := p.Partners[0].ID, p.Partners[1].ID
	round := meeting.WorkflowID(meeting.Input{Plan: p.ID, BoardDate: "2026-03-30"})
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, task := range []datarequest.Task{
		{RequestID: "r-1", Partner: a, Origin: round, Status: datarequest.StatusAnswered, OnTime: true, AnsweredAt: created.Add(24 * time.Hour)},
		{RequestID: "r-2", Partner: a, Origin: round, Status: datarequest.StatusAnswered, AnsweredAt: created.Add(600 * time.Hour)},
		{RequestID: "r-3", Partner: a, Origin: round, Status: datarequest.StatusCancelled},
		{RequestID: "r-4", Partner: b, Origin: round, Status: datarequest.StatusOpen},
		{RequestID: "r-5", Partner: b, Origin: "operator", Status: datarequest.StatusOpen},
	} {
		task.Title, task.Due, task.CreatedAt, task.Version = "Test", "2026-03-20", created, int64(i+1)
		if _, err := store.Save(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	got := promtest.Collect(t, &datarequestadapter.Collector{Store: store, Plan: p, Now: func() time.Time { return created.Add(30 * 24 * time.Hour) }})
	for series, want := range map[string]float64{
		`helhed_round_requests_expected{partner="` + a + `",round="2026-03-30"}`: 2,
		`helhed_round_requests_received{partner="` + a + `",round="2026-03-30"}`: 2,
		`helhed_round_requests_on_time{partner="` + a + `",round="2026-03-30"}`:  1,
		`helhed_round_requests_expected{partner="` + b + `",round="2026-03-30"}`: 1,
		`helhed_round_requests_received{partner="` + b + `",round="2026-03-30"}`: 0,
		`helhed_round_requests_overdue{partner="` + a + `",round="2026-03-30"}`:  0,
		`helhed_round_requests_overdue{partner="` + b + `",round="2026-03-30"}`:  1,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	n := 0
	for k := range got {
		if strings.HasPrefix(k, "helhed_round_requests_expected{") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d round cells, want 2 (the operator's request is in no round)", n)
	}
}
