// Package metrics holds the one Prometheus registry a process serves on
// /metrics: the Temporal SDK's metrics (through its tally bridge) and
// helhed's own helhed_* families.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Metrics is a registry plus the SDK handler that reports into it.
type Metrics struct {
	Registry *prometheus.Registry
	// SDK goes into client.Options.MetricsHandler.
	SDK   client.MetricsHandler
	scope io.Closer
}

// New makes a registry with Go runtime and process metrics, and the SDK
// bridge. Call Close to stop the bridge's reporting loop.
func New() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("register go collector: %w", err)
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("register process collector: %w", err)
	}
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer: reg,
		// Histograms aggregate across replicas; summaries do not.
		DefaultTimerType: tallyprom.HistogramTimerType,
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &tallyprom.DefaultSanitizerOpts,
	}, time.Second)
	return &Metrics{
		Registry: reg,
		SDK:      sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)),
		scope:    closer,
	}, nil
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Close flushes and stops the SDK bridge.
func (m *Metrics) Close() error { return m.scope.Close() }
