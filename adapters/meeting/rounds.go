package meeting

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RoundTimes is a round as the read model has it now: its key and when
// its meetings start after any move (Board is zero for a summer round).
type RoundTimes struct {
	Key      string
	Stage    string
	Steering time.Time
	Board    time.Time
}

// ReadRounds lists the plan's rounds from the read model, by key, for
// readers outside the capability (the plan calendar).
func ReadRounds(ctx context.Context, rdb redis.Cmdable, planID string) ([]RoundTimes, error) {
	keys, err := rdb.SMembers(ctx, roundsKey(planID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list meeting rounds: %w", err)
	}
	sort.Strings(keys)
	out := make([]RoundTimes, 0, len(keys))
	for _, k := range keys {
		h, err := rdb.HMGet(ctx, roundKey(planID, k), "stage", "steering_at", "board_at").Result()
		if err != nil {
			return nil, fmt.Errorf("read meeting round %s: %w", k, err)
		}
		r := RoundTimes{Key: k}
		r.Stage, _ = h[0].(string)
		r.Steering, r.Board = unixField(h[1]), unixField(h[2])
		out = append(out, r)
	}
	return out, nil
}

// unixField reads a stored Unix time; 0 or absent is the zero time.
func unixField(v any) time.Time {
	s, _ := v.(string)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}
