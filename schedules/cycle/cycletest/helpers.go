package cycletest

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"helhed/internal/testredis"
)

// RunWithRedis starts a real redis-server, hands its client to set, runs
// the tests and stops it. Without redis-server the tests are skipped,
// except on CI (CI set), where that is a failure.
func RunWithRedis(m *testing.M, set func(*redis.Client)) int {
	return WithRedis(func(url string, c *redis.Client) int {
		set(c)
		return m.Run()
	})
}

// WithRedis starts a real redis-server and runs f with its URL and a
// client, returning f's exit code; without redis-server it returns 0
// (skip), or 1 on CI.
func WithRedis(f func(url string, c *redis.Client) int) int {
	rs, err := testredis.Start()
	if err != nil {
		if testredis.Required() {
			fmt.Println(err)
			return 1
		}
		fmt.Println("skipping:", err)
		return 0
	}
	defer rs.Stop()
	opts, err := redis.ParseURL(rs.URL())
	if err != nil {
		fmt.Println(err)
		return 1
	}
	c := redis.NewClient(opts)
	defer c.Close()
	return f(rs.URL(), c)
}

// NewEnv is a time-skipping environment starting at start, with the
// SDK's logging silenced.
func NewEnv(start time.Time) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetTestTimeout(10 * time.Minute)
	return env
}

// Local parses "yyyy-mm-dd hh:mm" in Europe/Copenhagen.
func Local(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, copenhagen())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// Gather scrapes a collector (through a pedantic registry, which checks
// its descriptions) into `name{label="v",...}` → value, labels sorted.
func Gather(t testing.TB, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+`="`+l.GetValue()+`"`)
			}
			out[f.GetName()+"{"+strings.Join(ls, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}
