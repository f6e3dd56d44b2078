package datarequest_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/workflows/datarequest"
)

// TestStoreLaterRunWins: a request id run again (a relaunched meeting
// round's child) restarts its versions at 1; its task still replaces the
// closed run's, and a late write of the closed run does not come back.
// A reassigned task leaves its former partner's list.
func TestStoreLaterRunWins(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: stack.app.RedisServer.Addr, DB: 2})
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	store := &datarequestadapter.Store{R: rdb, Loc: time.UTC}
	first := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	task := func(created time.Time, version int64, status, partner string) datarequest.Task {
		return datarequest.Task{RequestID: "runde/skole-a", Partner: partner, Title: "Fravær", Due: "2026-12-18",
			Status: status, CreatedAt: created, Version: version}
	}
	steps := []struct {
		t     datarequest.Task
		wrote bool
	}{
		{task(first, 5, datarequest.StatusCancelled, "skole-a"), true},
		{task(first.Add(time.Hour), 1, datarequest.StatusOpen, "skole-a"), true},  // the new run
		{task(first, 6, datarequest.StatusCancelled, "skole-a"), false},           // the closed run's late retry
		{task(first.Add(time.Hour), 1, datarequest.StatusOpen, "skole-a"), false}, // a retry of the same write
		{task(first.Add(time.Hour), 2, datarequest.StatusOpen, "skole-b"), true},  // reassigned
	}
	for i, s := range steps {
		wrote, err := store.Save(ctx, s.t)
		if err != nil || wrote != s.wrote {
			t.Fatalf("step %d: wrote %v, want %v (%v)", i, wrote, s.wrote, err)
		}
	}
	got, ok, err := store.Get(ctx, "runde/skole-a", first)
	if err != nil || !ok || got.Status != datarequest.StatusOpen || got.Version != 2 || got.Partner != "skole-b" {
		t.Fatalf("stored: %+v %v %v", got, ok, err)
	}
	for partner, want := range map[string]int{"skole-a": 0, "skole-b": 1} {
		list, err := store.List(ctx, datarequestadapter.Filter{Partner: partner}, first)
		if err != nil || len(list) != want {
			t.Fatalf("%s lists %d task(s), want %d (%v)", partner, len(list), want, err)
		}
	}
}
