// Package store connects to Redis, which holds helhed's derived, disposable
// state: the read model behind the portal and the metrics, hashed partner
// tokens, rate limits and caches (DESIGN.md §4). Temporal stays the source
// of truth; losing Redis loses nothing that reconcile cannot rebuild.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Redis is a connected client plus, under -dev, the in-process server.
type Redis struct {
	*redis.Client
	embedded *miniredis.Miniredis
}

// Open connects to url and pings it. An empty url starts an in-process
// Redis (miniredis), which is for `workers -dev` only: it keeps nothing
// across restarts, which is fine because the read model is derived.
func Open(ctx context.Context, url string) (*Redis, error) {
	var embedded *miniredis.Miniredis
	if url == "" {
		embedded = miniredis.NewMiniRedis()
		if err := embedded.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start in-process redis: %w", err)
		}
		url = "redis://" + embedded.Addr()
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opts.DialTimeout = 3 * time.Second
	client := redis.NewClient(opts)
	r := &Redis{Client: client, embedded: embedded}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("redis at %s does not answer (check REDIS_URL): %w", opts.Addr, err)
	}
	return r, nil
}

// Embedded reports whether this is the in-process dev Redis.
func (r *Redis) Embedded() bool { return r.embedded != nil }

// Close closes the client and stops an in-process server.
func (r *Redis) Close() error {
	err := r.Client.Close()
	if r.embedded != nil {
		r.embedded.Close()
	}
	if errors.Is(err, redis.ErrClosed) {
		return nil
	}
	return err
}
