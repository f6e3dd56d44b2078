// Package tclient dials Temporal the way every helhed process must: the
// configured namespace, the encrypting data converter and failure
// converter, and (in workers) the metrics bridge. It is light, so the
// starter CLI can use it without the embedded server.
package tclient

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"helhed/codec"
	"helhed/config"
)

// Options are the client options for hostPort; metrics may be nil.
func Options(cfg *config.Config, hostPort string, metrics client.MetricsHandler, log *slog.Logger) (client.Options, error) {
	keys, err := cfg.PayloadKeys()
	if err != nil {
		return client.Options{}, fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	c, err := codec.New(keys)
	if err != nil {
		return client.Options{}, fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	dc := codec.DataConverter(c)
	if log == nil {
		log = slog.Default()
	}
	return client.Options{
		HostPort:         hostPort,
		Namespace:        cfg.TemporalNamespace,
		DataConverter:    dc,
		FailureConverter: codec.FailureConverter(dc),
		Logger:           sdklog.NewStructuredLogger(log),
		MetricsHandler:   metrics,
	}, nil
}

// Dial connects and checks the server answers within 10 seconds.
func Dial(ctx context.Context, cfg *config.Config, hostPort string, metrics client.MetricsHandler, log *slog.Logger) (client.Client, error) {
	opts, err := Options(cfg, hostPort, metrics, log)
	if err != nil {
		return nil, err
	}
	dialCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(dialCtx, opts)
	if err != nil {
		return nil, fmt.Errorf("temporal at %s (namespace %s) does not answer; check TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE: %w", hostPort, cfg.TemporalNamespace, err)
	}
	return c, nil
}
