// Package report holds the side effects of the annual report: assembling
// the year from the read model, rendering HTML and PDF, keeping versions,
// e-mailing the approved report, and the report routes; New lists them.
// The workflow is in helhed/workflows/report.
package report

import (
	"net/http"

	"helhed/activities"
	"helhed/capability"
	"helhed/runs"
	"helhed/schedules"
	"helhed/workflows/report"
)

// New lists the annual-report capability.
func New(d capability.Deps) (capability.Capability, error) {
	mount := func(mux *http.ServeMux) {
		report.Routes(mux, func(h http.Handler) http.Handler { return h }, d.Redis, d.Config.DataDir)
	}
	return capability.Capability{
		Name:      report.Kind,
		Workflows: []capability.Workflow{{Name: report.WorkflowName, Func: report.AnnualReport}},
		Activities: []capability.Activities{{Impl: &report.Activities{Plan: d.Plan, Redis: d.Redis, DataDir: d.Config.DataDir,
			Mail: &activities.Mail{Sender: d.Mail}, PublicURL: d.Config.PublicURL}}},
		Kinds:     []runs.Kind{report.RunKind()},
		Schedules: []schedules.Source{report.ReportSchedules},
		Routes:    capability.Mount(capability.Operator, mount, "GET /api/v1/reports", "GET /api/v1/reports/{year}/{file}"),
	}, nil
}
