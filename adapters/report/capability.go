// Package report holds the side effects of the annual report: assembling
// the year from the read model, rendering HTML and printing the PDF,
// keeping the versions in the document store, e-mailing the approved report, the report
// routes and the run kind; New lists them. The workflow and the report's
// content are in helhed/workflows/report.
package report

import (
	"helhed/activities"
	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/report"
)

// New lists the annual-report capability.
func New(d capability.Deps) (capability.Capability, error) {
	pages, err := workbenchRoutes(d)
	if err != nil {
		return capability.Capability{}, err
	}
	return capability.Capability{
		Name:      report.Kind,
		Workflows: []capability.Workflow{{Name: report.WorkflowName, Func: report.AnnualReport}},
		Activities: []capability.Activities{{Impl: &Activities{Plan: d.Plan, Redis: d.Redis, Docs: d.Documents,
			Mail: &activities.Mail{Sender: d.Mail}, PublicURL: d.Config.PublicURL}}},
		Kinds:       []runs.Kind{RunKind()},
		Schedules:   []schedules.Source{report.Schedules},
		Reconcilers: []readmodel.Reconciler{Reconciler()},
		Routes:      append(routes(d.Redis, d.Documents, d.Log), pages...),
	}, nil
}
