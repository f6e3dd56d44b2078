// Package absence holds the side effects of the quarterly absence
// follow-up: the activities (the plan snapshot, the previous quarter's
// result, the note in the document store, the read model), the collector, the
// reconciler and the run kind, and New, which lists them; and the absence
// team's standing meetings (their schedule and invitation). The rules and the
// workflow are in helhed/workflows/absence.
package absence

import (
	"github.com/prometheus/client_golang/prometheus"

	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/absence"
)

// New lists the absence-follow-up capability.
func New(d capability.Deps) (capability.Capability, error) {
	return capability.Capability{
		Name: absence.Kind,
		Workflows: []capability.Workflow{
			{Name: absence.WorkflowName, Func: absence.FollowUp},
			{Name: absence.TeamMeetingWorkflowName, Func: absence.TeamMeeting},
		},
		Activities: []capability.Activities{{Impl: &Activities{Plan: d.Plan, Docs: d.Documents, Redis: d.Redis,
			Results: TemporalResults{Client: d.Temporal}}}},
		Kinds:       []runs.Kind{RunKind()},
		Schedules:   []schedules.Source{absence.ScheduleSpecs, absence.TeamMeetingSchedules},
		Reconcilers: []readmodel.Reconciler{Reconciler(d.Plan)},
		Collectors:  []prometheus.Collector{&Collector{Plan: d.Plan, Redis: d.Redis, Log: d.Log}},
	}, nil
}
