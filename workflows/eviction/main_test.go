package eviction_test

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testredis"
)

// rdb is a real redis-server for the read-model activities the workflow
// tests run with.
var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}
