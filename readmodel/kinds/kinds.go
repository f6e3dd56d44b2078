// Package kinds holds the read-model reconcilers of capabilities that do not
// register their own, built on each capability's exported read-model code so
// the rebuilt keys are byte for byte what the live activities write.
// Wire adds them to readmodel.Default; the readmodel module calls it from
// its Worker hook. A capability that registers its own Reconciler for
// a kind replaces the one here (Registry.Register is by kind).
package kinds

import (
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/plan"
	"helhed/readmodel"
)

// Wire adds every reconciler of this package to readmodel.Default. Its
// metrics are published by each capability's own collector (the escalated
// data requests by datarequest.Collector), so it registers none on reg; the
// parameters stay so the module wiring need not change.
func Wire(reg prometheus.Registerer, r redis.Cmdable, p *plan.Plan, log *slog.Logger) error {
	return errors.Join(
		readmodel.Register(DataRequest()),
		readmodel.Register(Crisis()),
		readmodel.Register(Statistics()),
	)
}
