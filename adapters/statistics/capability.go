// Package statistics holds the side effects of the annual statistics pull:
// the Statbank client, activities, the collector and the reconciler, and
// New, which lists them. The rules and the workflow are in
// helhed/workflows/statistics.
package statistics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/dst"
	"helhed/readmodel"
	"helhed/readmodel/kinds"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// New lists the statistics-pull capability.
func New(d capability.Deps) (capability.Capability, error) {
	c := dst.New(d.Config.StatbankURL, dst.RedisCache{R: d.Redis})
	c.Log = d.Log
	return capability.Capability{
		Name:        statistics.Kind,
		Workflows:   []capability.Workflow{{Name: statistics.WorkflowName, Func: statistics.StatisticsPull}},
		Activities:  []capability.Activities{{Impl: &statistics.Activities{Plan: d.Plan, DST: c, Redis: d.Redis}}},
		Kinds:       []runs.Kind{statistics.RunKind()},
		Schedules:   []schedules.Source{report.StatisticsSchedules},
		Reconcilers: []readmodel.Reconciler{kinds.Statistics()},
		Collectors:  []prometheus.Collector{&statistics.Collector{Redis: d.Redis, Log: d.Log}},
	}, nil
}
