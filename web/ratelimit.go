package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RateLimit is a fixed-window limiter kept in Redis, so every replica
// counts together and a restart forgets nothing that matters.
type RateLimit struct {
	R      redis.Cmdable
	Prefix string // key prefix, e.g. "helhed:portal:rate:submit:"
	Limit  int    // requests per window
	Window time.Duration
}

// Allow counts one request for key and reports whether it is within the
// limit; when not, retryAfter says when the window ends. Keys are hashed,
// so a client address never lands in Redis as such.
func (l *RateLimit) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	now := time.Now()
	k, window := l.key(key, now)
	pipe := l.R.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.Expire(ctx, k, l.Window+time.Second)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if incr.Val() > int64(l.Limit) {
		return false, l.windowEnd(window).Sub(now), nil
	}
	return true, 0, nil
}

// Used reports whether key has used up its window without counting a
// request: a limit on failures checks it before trying, and counts (Allow)
// only what failed.
func (l *RateLimit) Used(ctx context.Context, key string) (used bool, retryAfter time.Duration, err error) {
	now := time.Now()
	k, window := l.key(key, now)
	n, err := l.R.Get(ctx, k).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if n >= int64(l.Limit) {
		return true, l.windowEnd(window).Sub(now), nil
	}
	return false, 0, nil
}

func (l *RateLimit) key(key string, now time.Time) (string, int64) {
	window := now.UnixNano() / int64(l.Window)
	sum := sha256.Sum256([]byte(key))
	return l.Prefix + hex.EncodeToString(sum[:12]) + ":" + strconv.FormatInt(window, 10), window
}

func (l *RateLimit) windowEnd(window int64) time.Time {
	return time.Unix(0, (window+1)*int64(l.Window))
}
