package meeting_test

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/plan"
	"helhed/schedules/cycle/cycletest"
)

// rdb is a real redis-server for the read-model activities.
var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(cycletest.RunWithRedis(m, func(c *redis.Client) { rdb = c }))
}

func randers(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func flush(t testing.TB) {
	t.Helper()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}
