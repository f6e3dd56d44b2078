// Package store connects to Redis, which holds helhed's derived, disposable
// state: the read model behind the portal and the metrics, hashed partner
// tokens, rate limits and caches. Temporal stays the source
// of truth; losing Redis loses nothing that reconcile cannot rebuild.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a connected client.
type Redis struct {
	*redis.Client
	embedded bool
}

// Open connects to url and pings it. embedded says url is the in-process
// Redis of `workers -dev` (started by package devserver).
func Open(ctx context.Context, url string, embedded bool) (*Redis, error) {
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
func (r *Redis) Embedded() bool { return r.embedded }

// Close closes the client.
func (r *Redis) Close() error {
	err := r.Client.Close()
	if errors.Is(err, redis.ErrClosed) {
		return nil
	}
	return err
}
