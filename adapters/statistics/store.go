package statistics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"helhed/workflows/statistics"
)

// Read-model keys: each plan year's result, the newest plan year pulled,
// and when the last pull finished (Unix seconds).
const (
	keyPullPrefix  = "helhed:stats:pull:"
	KeyLatest      = "helhed:stats:latest"
	KeyLastSuccess = "helhed:stats:last_success"
)

// KeyPull is the key of one plan year's result.
func KeyPull(planYear string) string { return keyPullPrefix + planYear }

// Load reads a plan year's result; nil without error when there is none.
func Load(ctx context.Context, rdb redis.Cmdable, planYear string) (*statistics.Result, error) {
	b, err := rdb.Get(ctx, KeyPull(planYear)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", KeyPull(planYear), err)
	}
	var r statistics.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode %s: %w", KeyPull(planYear), err)
	}
	return &r, nil
}

// Latest reads the newest plan year's result; nil when there is none.
func Latest(ctx context.Context, rdb redis.Cmdable) (*statistics.Result, error) {
	year, err := rdb.Get(ctx, KeyLatest).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", KeyLatest, err)
	}
	return Load(ctx, rdb, year)
}
