package dst

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCache caches answers in Redis (the read model's cache of external
// responses).
type RedisCache struct{ R redis.Cmdable }

// Get returns the cached answer for key.
func (c RedisCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := c.R.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Set stores an answer for ttl.
func (c RedisCache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return c.R.Set(ctx, key, value, ttl).Err()
}
