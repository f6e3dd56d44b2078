package app

import (
	"fmt"

	"helhed/adapters/absence"
	"helhed/adapters/calendar"
	"helhed/adapters/crisis"
	"helhed/adapters/datarequest"
	"helhed/adapters/eviction"
	"helhed/adapters/meeting"
	"helhed/adapters/report"
	"helhed/adapters/statistics"
	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
)

// constructors are the capabilities this build wires, in start order. To
// add a capability, add its adapter's New here (README: "Adding a
// capability").
var constructors = []capability.Constructor{
	datarequest.New,
	meeting.New,
	absence.New,
	statistics.New,
	report.New,
	eviction.New,
	crisis.New,
	calendar.New,
}

// Capabilities builds every wired capability from d. The starter calls it
// with only Config and Plan set, for the run kinds and schedule sources.
func Capabilities(d capability.Deps) ([]capability.Capability, error) {
	out := make([]capability.Capability, 0, len(constructors))
	for _, newCap := range constructors {
		c, err := newCap(d)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Kinds lists every run kind of caps.
func Kinds(caps []capability.Capability) []runs.Kind {
	var out []runs.Kind
	for _, c := range caps {
		out = append(out, c.Kinds...)
	}
	return out
}

// ScheduleSources lists every schedule source of caps.
func ScheduleSources(caps []capability.Capability) []schedules.Source {
	var out []schedules.Source
	for _, c := range caps {
		out = append(out, c.Schedules...)
	}
	return out
}

// Reconcilers holds every read-model reconciler of caps.
func Reconcilers(caps []capability.Capability) (*readmodel.Registry, error) {
	var all []readmodel.Reconciler
	for _, c := range caps {
		all = append(all, c.Reconcilers...)
	}
	reg, err := readmodel.NewRegistry(all...)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return reg, nil
}
