package meeting_test

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testplan"
	"helhed/internal/testredis"
	"helhed/plan"
)

// rdb is a real redis-server for the read-model activities.
var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}

func randers(t testing.TB) *plan.Plan { return testplan.Load(t, "randers-2021-25") }

func flush(t testing.TB) {
	t.Helper()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}
