package meeting

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/internal/testplan"
	"helhed/internal/testredis"
	"helhed/plan"
)

// TestNextMeetingCountsRoundsOffThePlan: a round started for a board date
// the plan does not have (an operator's extra meeting) is the next meeting
// of both bodies when it comes first, as the plan calendar shows it.
func TestNextMeetingCountsRoundsOffThePlan(t *testing.T) {
	_, rdb := testredis.StartT(t)
	ctx := context.Background()
	p, err := testplan.Around(testplan.Today())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	next := func() map[string]time.Time {
		reg := prometheus.NewRegistry()
		reg.MustRegister(&Collector{Plan: p, Redis: rdb, Now: func() time.Time { return now }})
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]time.Time{}
		for _, f := range fams {
			if f.GetName() != "helhed_meeting_next_timestamp_seconds" {
				continue
			}
			for _, m := range f.GetMetric() {
				out[m.GetLabel()[0].GetValue()] = time.Unix(int64(m.GetGauge().GetValue()), 0)
			}
		}
		return out
	}
	fromPlan := next()
	if fromPlan[plan.BodySteeringGroup].IsZero() || fromPlan[plan.BodyBoard].IsZero() {
		t.Fatalf("no next meeting from the plan: %v", fromPlan)
	}

	steering, board := now.Add(time.Hour).Truncate(time.Second), now.Add(2*time.Hour).Truncate(time.Second)
	key := plan.DateOf(board).String()
	if err := rdb.HSet(ctx, roundKey(p.ID, key), "stage", "collecting",
		"steering_at", strconv.FormatInt(steering.Unix(), 10), "board_at", strconv.FormatInt(board.Unix(), 10)).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.SAdd(ctx, roundsKey(p.ID), key).Err(); err != nil {
		t.Fatal(err)
	}
	got := next()
	if !got[plan.BodySteeringGroup].Equal(steering) || !got[plan.BodyBoard].Equal(board) {
		t.Errorf("with an extra round at %s / %s: next meetings %v (the plan's: %v)", steering, board, got, fromPlan)
	}
}
