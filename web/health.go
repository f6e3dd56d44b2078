// Package web serves helhed's HTTP surface: health, and (as capabilities
// land) the operator API and the partner portal.
package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Check reports whether one dependency answers.
type Check struct {
	Name  string
	Check func(context.Context) error
	// Degraded marks a check whose failure leaves the process serving
	// (e.g. the read model still being rebuilt): 200 with status
	// "degraded: <name>", not 503.
	Degraded bool
}

// checkTimeout bounds one round of checks, for /healthz and for a scrape.
const checkTimeout = 3 * time.Second

// runChecks runs every check at once, so one that hangs until the
// deadline does not make the others fail on it, and returns their errors
// in the checks' order.
func runChecks(ctx context.Context, checks []Check) []error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { errs[i] = c.Check(ctx) })
	}
	wg.Wait()
	return errs
}

// Health answers 200 when every check passes, 200 "degraded" when only
// Degraded checks fail, and 503 naming each hard check that failed, so a
// load balancer and a person read the same answer.
func Health(checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := map[string]string{}
		var down, degraded []string
		for i, err := range runChecks(r.Context(), checks) {
			c := checks[i]
			switch {
			case err == nil:
				status[c.Name] = "ok"
			case c.Degraded:
				status[c.Name] = "degraded: " + err.Error()
				degraded = append(degraded, c.Name)
			default:
				status[c.Name] = "down: " + err.Error()
				down = append(down, c.Name)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		body := map[string]any{"status": "ok", "checks": status}
		switch {
		case len(down) > 0:
			body["status"] = "down: " + strings.Join(down, ", ")
			w.WriteHeader(http.StatusServiceUnavailable)
		case len(degraded) > 0:
			body["status"] = "degraded: " + strings.Join(degraded, ", ")
		}
		_ = json.NewEncoder(w).Encode(body)
	})
}

var dependencyUpDesc = prometheus.NewDesc("helhed_dependency_up",
	"1 when this process reached the dependency at this scrape, 0 when not: the same check as /healthz (mail only with SMTP_URL).",
	[]string{"dependency"}, nil)

// DependencyCollector publishes helhed_dependency_up per check, running
// the checks at every scrape, so an alert sees what /healthz says.
type DependencyCollector struct {
	Checks []Check
}

// Describe implements prometheus.Collector.
func (c DependencyCollector) Describe(ch chan<- *prometheus.Desc) { ch <- dependencyUpDesc }

// Collect implements prometheus.Collector.
func (c DependencyCollector) Collect(ch chan<- prometheus.Metric) {
	for i, err := range runChecks(context.Background(), c.Checks) {
		up := 0.0
		if err == nil {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(dependencyUpDesc, prometheus.GaugeValue, up, c.Checks[i].Name)
	}
}

// Cached runs check at most once per every and answers with its last
// result in between, so a scrape storm or a load balancer polling /healthz
// does not hammer the dependency (the SMTP relay). Callers arriving while
// the check runs wait for that run, or until their context ends; the run
// itself is bounded by timeout, not by the caller that started it.
func Cached(every, timeout time.Duration, check func(context.Context) error) func(context.Context) error {
	c := &cachedCheck{every: every, timeout: timeout, check: check, now: time.Now}
	return c.run
}

type cachedCheck struct {
	every, timeout time.Duration
	check          func(context.Context) error
	now            func() time.Time

	mu      sync.Mutex
	at      time.Time // when the last result was had; zero before the first
	err     error
	running chan struct{} // closed when the run under way ends; nil when none
}

func (c *cachedCheck) run(ctx context.Context) error {
	c.mu.Lock()
	if !c.at.IsZero() && c.now().Sub(c.at) < c.every {
		defer c.mu.Unlock()
		return c.err
	}
	done := c.running
	if done == nil {
		done = make(chan struct{})
		c.running = done
		go func() {
			runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
			err := c.check(runCtx)
			cancel()
			c.mu.Lock()
			c.at, c.err, c.running = c.now(), err, nil
			c.mu.Unlock()
			close(done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-done:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
