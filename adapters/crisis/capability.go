// Package crisis holds the side effects of crisis activation (the
// beredskabsplan): its activities, read model, collector and reconciler,
// and New, which lists them for the process. The rules and the workflows
// are in helhed/workflows/crisis.
package crisis

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/readmodel"
	"helhed/readmodel/kinds"
	"helhed/schedules"
	"helhed/workflows/crisis"
)

// New lists the crisis capability.
func New(d capability.Deps) (capability.Capability, error) {
	return capability.Capability{
		Name: crisis.Kind,
		Workflows: []capability.Workflow{
			{Name: crisis.WorkflowName, Func: crisis.Activation},
			{Name: crisis.StatusMeetingWorkflowName, Func: crisis.StatusMeeting},
		},
		Activities:  []capability.Activities{{Impl: &crisis.Activities{Plan: d.Plan, Redis: d.Redis, PublicURL: d.Config.PublicURL}}},
		Kinds:       crisis.Kinds(),
		Schedules:   []schedules.Source{crisis.StatusMeetingSchedules},
		Reconcilers: []readmodel.Reconciler{kinds.Crisis()},
		Collectors:  []prometheus.Collector{&crisis.Collector{Redis: d.Redis, Log: d.Log}},
	}, nil
}
