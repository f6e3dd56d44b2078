package statstest

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testredis"
	"helhed/plan"
)

// RunWithRedis starts a real redis-server, sets *rdb, runs the tests and
// stops it. Without redis-server the tests skip, or fail when CI is set.
func RunWithRedis(m *testing.M, rdb **redis.Client) int {
	rs, err := testredis.Start()
	if err != nil {
		if testredis.Required() {
			fmt.Println(err)
			return 1
		}
		slog.Warn("skipping tests that need redis-server", "err", err)
		return 0
	}
	defer rs.Stop()
	*rdb = redis.NewClient(&redis.Options{Addr: rs.Addr})
	defer (*rdb).Close()
	return m.Run()
}

// Randers is the embedded Randers 2021-25 plan, the fixture's plan.
func Randers(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
