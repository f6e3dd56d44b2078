package statistics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/internal/promtest"
	"helhed/workflows/statistics"
)

// latestPull publishes collectMissing for one pull, as Collector does for
// the read model's latest.
type latestPull struct{ r *statistics.Result }

func (latestPull) Describe(ch chan<- *prometheus.Desc)   { ch <- missingFiguresDesc }
func (l latestPull) Collect(ch chan<- prometheus.Metric) { collectMissing(ch, l.r) }

// TestMissingFigures: a pull counts the Statbank figures it could not
// fetch and the key figures it could not use, not the supplier's
// discretion, a duplicate or a row of another year; a complete pull
// publishes 0 for both sources, and before the first pull there is no
// series.
func TestMissingFigures(t *testing.T) {
	partial := &statistics.Result{
		Baselines: statistics.Baselines{Missing: []statistics.Missing{
			{What: "AUS08", Code: "NETWORK", Reason: "Statbank-tabellen AUS08 kunne ikke hentes"},
			{What: "INDKP101", Area: "730", Code: "VALUE", Reason: "tabellen INDKP101 har ikke område 730"},
		}},
		Issues: []statistics.Issue{
			{Kind: statistics.IssueMissingArea, Area: "vangdalen"},
			{Kind: statistics.IssueBadNumber, Line: 4},
			{Kind: statistics.IssueOverPop, Line: 5},
			{Kind: statistics.IssueOver100, Line: 6},
			{Kind: statistics.IssueSuppressed, Line: 7},
			{Kind: statistics.IssueDuplicate, Line: 8},
			{Kind: statistics.IssueOutsideYears, Line: 9},
		},
	}
	for name, tc := range map[string]struct {
		r    *statistics.Result
		want map[string]float64
	}{
		"partial": {partial, map[string]float64{
			`helhed_statistics_missing_figures{source="statbank"}`:  2,
			`helhed_statistics_missing_figures{source="noegletal"}`: 4,
		}},
		"no answer": {&statistics.Result{Issues: []statistics.Issue{{Kind: statistics.IssueNoAnswer}}}, map[string]float64{
			`helhed_statistics_missing_figures{source="statbank"}`:  0,
			`helhed_statistics_missing_figures{source="noegletal"}`: 1,
		}},
		"complete": {&statistics.Result{}, map[string]float64{
			`helhed_statistics_missing_figures{source="statbank"}`:  0,
			`helhed_statistics_missing_figures{source="noegletal"}`: 0,
		}},
		"before the first pull": {nil, map[string]float64{}},
	} {
		got := promtest.Collect(t, latestPull{tc.r})
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
			continue
		}
		for series, want := range tc.want {
			if v, ok := got[series]; !ok || v != want {
				t.Errorf("%s: %s = %v (present %v), want %v", name, series, v, ok, want)
			}
		}
	}
}
