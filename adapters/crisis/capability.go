// Package crisis holds the side effects of crisis activation (the
// beredskabsplan): its activities, read model, collector, reconciler and
// run kind, and New, which lists them for the process. The rules and the
// workflows are in helhed/workflows/crisis.
package crisis

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/crisis"
)

// New lists the crisis capability. The workflows' e-mail goes through the
// shared SendMail activity, which the app registers.
func New(d capability.Deps) (capability.Capability, error) {
	routes, err := workbenchRoutes(d)
	if err != nil {
		return capability.Capability{}, err
	}
	return capability.Capability{
		Name: crisis.Kind,
		Workflows: []capability.Workflow{
			{Name: crisis.WorkflowName, Func: crisis.Activation},
			{Name: crisis.StatusMeetingWorkflowName, Func: crisis.StatusMeeting},
		},
		Activities:  []capability.Activities{{Impl: &Activities{Plan: d.Plan, Redis: d.Redis, PublicURL: d.Config.PublicURL}}},
		Kinds:       []runs.Kind{RunKind()},
		Schedules:   []schedules.Source{crisis.StatusMeetingSchedules},
		Reconcilers: []readmodel.Reconciler{Reconciler()},
		Collectors:  []prometheus.Collector{&Collector{Redis: d.Redis, Log: d.Log}},
		Routes:      routes,
	}, nil
}
