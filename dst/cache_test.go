package dst

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testredis"
)

func startRedis(t *testing.T) *redis.Client {
	t.Helper()
	_, c := testredis.StartT(t)
	return c
}

func TestAnswersCachedInRedis(t *testing.T) {
	rdb := startRedis(t)
	s := newReplay(t, step{status: 200, file: "data_indkp101_bulk_da.csv"})
	c := testClient(s.URL)
	c.Cache, c.CacheTTL = RedisCache{R: rdb}, time.Hour
	for i := 0; i < 2; i++ {
		g, err := collect(c, incomeRequest)
		if err != nil {
			t.Fatal(err)
		}
		checkIncome(t, g)
	}
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("%d API calls; the second should come from Redis", n)
	}
	keys, err := rdb.Keys(context.Background(), "helhed:dst:*").Result()
	if err != nil || len(keys) != 1 || !strings.HasPrefix(keys[0], "helhed:dst:data:") {
		t.Fatalf("keys %v %v", keys, err)
	}
	if ttl := rdb.TTL(context.Background(), keys[0]).Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("ttl %v", ttl)
	}
	// A different request is a different key: not served from the cache.
	other := incomeRequest
	other.Variables = append([]Variable(nil), incomeRequest.Variables...)
	other.Variables[4] = Variable{"Tid", []string{"2022"}}
	if _, err := collect(c, other); err != nil {
		t.Fatal(err)
	}
	if n := s.calls.Load(); n != 2 {
		t.Fatalf("%d API calls", n)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	rdb := startRedis(t)
	s := newReplay(t, step{status: 400, file: "error_extract_notfound.json"}, step{status: 200, file: "data_indkp101_bulk_da.csv"})
	c := testClient(s.URL)
	c.Cache = RedisCache{R: rdb}
	if _, err := collect(c, incomeRequest); err == nil {
		t.Fatal("no error")
	}
	if g, err := collect(c, incomeRequest); err != nil {
		t.Fatal(err)
	} else {
		checkIncome(t, g)
	}
}
