package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
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
	window := now.UnixNano() / int64(l.Window)
	sum := sha256.Sum256([]byte(key))
	k := l.Prefix + hex.EncodeToString(sum[:12]) + ":" + strconv.FormatInt(window, 10)
	pipe := l.R.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.Expire(ctx, k, l.Window+time.Second)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if incr.Val() > int64(l.Limit) {
		end := time.Unix(0, (window+1)*int64(l.Window))
		return false, end.Sub(now), nil
	}
	return true, 0, nil
}

// ClientIP is the request's peer address without the port. Behind a
// reverse proxy every client shares the proxy's address; limits keyed on
// it then apply to all together, which errs on the safe side.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
