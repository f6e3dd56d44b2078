// Package promtest reads Prometheus collectors in tests as flat samples.
package promtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Samples renders every sample of g as `name{l="v",...}` → value (bare
// `name` without labels; histograms as _count, _sum and _bucket{le=...}).
func Samples(t testing.TB, g prometheus.Gatherer) map[string]float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			name := func(suffix string, extra ...string) string {
				all := append(append([]string{}, ls...), extra...)
				if len(all) == 0 {
					return mf.GetName() + suffix
				}
				return mf.GetName() + suffix + "{" + strings.Join(all, ",") + "}"
			}
			switch {
			case m.GetHistogram() != nil:
				h := m.GetHistogram()
				out[name("_count")] = float64(h.GetSampleCount())
				out[name("_sum")] = h.GetSampleSum()
				for _, b := range h.GetBucket() {
					out[name("_bucket", fmt.Sprintf("le=%q", fmt.Sprint(b.GetUpperBound())))] = float64(b.GetCumulativeCount())
				}
			case m.GetCounter() != nil:
				out[name("")] = m.GetCounter().GetValue()
			default:
				out[name("")] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}

// Collect registers cs on a pedantic registry (which checks their
// descriptions) and returns its Samples.
func Collect(t testing.TB, cs ...prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(cs...)
	return Samples(t, reg)
}
