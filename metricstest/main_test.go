package metricstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"helhed/capability"
	"helhed/internal/teststack"
	"helhed/workflows/statistics/statstest"
)

// The stack under test (TestRestartKeepsMetrics restarts it), the
// Prometheus scraping it and the fixtures run on it.
var (
	stack    *teststack.Stack
	pr       *prom
	fixtures *fixtureLog
)

const operatorToken = "metricstest-operator-token"

func TestMain(m *testing.M) {
	// The statistics pull reads Danmarks Statistik; the stand-in serves the
	// public tables its tests use.
	sb := statstest.Statbank()
	code := teststack.Main(m, teststack.Options{
		Name: "metricstest", Extra: []capability.Capability{probes},
		// Fixed HTTP and metrics ports: Prometheus and the CLI keep talking
		// to them across a restart.
		FixedPorts: true,
		Env:        map[string]string{"OPERATOR_TOKEN": operatorToken, "STATBANK_URL": sb.URL},
	}, setUp)
	sb.Close()
	os.Exit(code)
}

// setUp starts Prometheus on the stack and runs the fixtures.
func setUp(s *teststack.Stack) error {
	stack = s
	deadAddr, err := teststack.FreeAddr()
	if err != nil {
		return err
	}
	rules, _ := filepath.Glob("../deploy/prometheus/rules/*.yml")
	for i, r := range rules {
		rules[i], _ = filepath.Abs(r)
	}
	if pr, err = startPrometheus(s.MetricsAddr(), deadAddr, rules); err != nil {
		return err
	}
	s.Cleanup(pr.stop)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if fixtures, err = runFixtures(ctx); err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	return nil
}
