package statistics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/workflows/statistics"
)

// Sources of helhed_statistics_missing_figures.
const (
	SourceStatbank   = "statbank"
	SourceKeyFigures = "noegletal"
)

var missingFiguresDesc = prometheus.NewDesc("helhed_statistics_missing_figures",
	"What the latest statistics pull could not use, by source: statbank = Statbank tables, or a table's areas, that could not be fetched or had no usable figure; noegletal = the monitoring unit's key figures: no answer at all, an area without rows, a value that is no number, out of range or larger than its population (each counts once; rows of other years, duplicates and the supplier's own discretion (..) do not count). 0 for a complete pull; absent before the first pull.",
	[]string{"source"}, nil)

// unusableKeyFigures are the issue kinds that leave a key figure the pull
// needs out. A duplicate row (the first is used), a row of another year
// and the supplier's discretion (a figure legitimately hidden) do not.
var unusableKeyFigures = map[string]bool{
	statistics.IssueNoAnswer:    true,
	statistics.IssueMissingArea: true,
	statistics.IssueBadNumber:   true,
	statistics.IssueOver100:     true,
	statistics.IssueOverPop:     true,
}

// missingFigures counts what the pull r could not use, per source.
func missingFigures(r *statistics.Result) map[string]int {
	out := map[string]int{SourceStatbank: len(r.Baselines.Missing), SourceKeyFigures: 0}
	for _, is := range r.Issues {
		if unusableKeyFigures[is.Kind] {
			out[SourceKeyFigures]++
		}
	}
	return out
}

// collectMissing publishes the latest pull's missing figures (nothing
// before the first pull: nothing was pulled, so nothing is missing).
func collectMissing(ch chan<- prometheus.Metric, r *statistics.Result) {
	if r == nil {
		return
	}
	for source, n := range missingFigures(r) {
		ch <- prometheus.MustNewConstMetric(missingFiguresDesc, prometheus.GaugeValue, float64(n), source)
	}
}
