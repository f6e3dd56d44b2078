package cycletest

import (
	"helhed/internal/promtest"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
)

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
	return promtest.Collect(t, c)
}
