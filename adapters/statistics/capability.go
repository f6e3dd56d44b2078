// Package statistics holds the side effects of the annual statistics pull:
// the Statbank calls (through helhed/dst), the activities, the read model
// (helhed:stats:*), the collector and the reconciler, and New, which lists
// them. The workflow and the rules are in helhed/workflows/statistics.
package statistics

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/dst"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/statistics"
)

// New lists the statistics-pull capability.
func New(d capability.Deps) (capability.Capability, error) {
	c := dst.New(d.Config.StatbankURL, dst.RedisCache{R: d.Redis})
	c.Log = d.Log
	return capability.Capability{
		Name:        statistics.Kind,
		Workflows:   []capability.Workflow{{Name: statistics.WorkflowName, Func: statistics.StatisticsPull}},
		Activities:  []capability.Activities{{Impl: &Activities{Plan: d.Plan, DST: c, Redis: d.Redis}}},
		Kinds:       []runs.Kind{RunKind()},
		Schedules:   []schedules.Source{statistics.Schedules},
		Reconcilers: []readmodel.Reconciler{Reconciler()},
		Collectors:  []prometheus.Collector{&Collector{Plan: d.Plan, Redis: d.Redis, Log: d.Log}},
	}, nil
}
