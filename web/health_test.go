package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHealthDegradedAndDown(t *testing.T) {
	ok := func(context.Context) error { return nil }
	bad := func(context.Context) error { return errors.New("nope") }
	for _, c := range []struct {
		name   string
		checks []Check
		code   int
		status string
	}{
		{"all ok", []Check{{Name: "redis", Check: ok}, {Name: "readmodel", Check: ok, Degraded: true}}, 200, `"status":"ok"`},
		{"degraded", []Check{{Name: "redis", Check: ok}, {Name: "readmodel", Check: bad, Degraded: true}}, 200, `"status":"degraded: readmodel"`},
		{"down wins", []Check{{Name: "redis", Check: bad}, {Name: "readmodel", Check: bad, Degraded: true}}, 503, `"status":"down: redis"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Health(c.checks...).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.status) {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		})
	}
}

// TestCachedAsksOncePerInterval: within the interval every caller gets the
// last result, failures included, without the check running again; after
// it the check runs again; callers arriving while it runs share that run.
func TestCachedAsksOncePerInterval(t *testing.T) {
	var calls atomic.Int32
	var fail atomic.Bool
	started, release := make(chan struct{}, 10), make(chan struct{})
	check := func(context.Context) error {
		calls.Add(1)
		started <- struct{}{}
		<-release
		if fail.Load() {
			return errors.New("relay away")
		}
		return nil
	}
	now := time.Unix(1000, 0)
	c := &cachedCheck{every: 30 * time.Second, timeout: time.Minute, check: check, now: func() time.Time { return now }}
	ctx := context.Background()

	// Ten callers at once, one run: those arriving before it ends share
	// it, the others get its result.
	errs := make(chan error, 10)
	for range 10 {
		go func() { errs <- c.run(ctx) }()
	}
	<-started
	close(release)
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	fail.Store(true)
	now = now.Add(29 * time.Second)
	if err := c.run(ctx); err != nil || calls.Load() != 1 {
		t.Fatalf("within the interval: %v after %d runs, want the cached ok after 1", err, calls.Load())
	}
	now = now.Add(2 * time.Second)
	if err := c.run(ctx); err == nil || calls.Load() != 2 {
		t.Fatalf("after the interval: %v after %d runs, want the new failure after 2", err, calls.Load())
	}
	fail.Store(false)
	now = now.Add(10 * time.Second)
	if err := c.run(ctx); err == nil || calls.Load() != 2 {
		t.Fatalf("a failure is cached too: %v after %d runs", err, calls.Load())
	}

	// A caller whose context ends stops waiting; the run goes on and its
	// result serves the next caller.
	block := make(chan struct{})
	c.mu.Lock()
	c.check = func(context.Context) error { <-block; return nil }
	c.mu.Unlock()
	now = now.Add(time.Minute)
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.run(short); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(block)
	if err := c.run(ctx); err != nil {
		t.Fatalf("after the run that outlived its caller: %v", err)
	}
}

// TestDependencyCollector: one helhed_dependency_up sample per check, 1
// when it passed.
func TestDependencyCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(DependencyCollector{Checks: []Check{
		{Name: "redis", Check: func(context.Context) error { return nil }},
		{Name: "documents", Check: func(context.Context) error { return errors.New("nope") }, Degraded: true},
	}})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "helhed_dependency_up" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	if want := map[string]float64{"redis": 1, "documents": 0}; !maps.Equal(got, want) {
		t.Fatalf("helhed_dependency_up %v, want %v", got, want)
	}
}
