// Package catalog lists every workflow kind operators can start, without
// the app package: the starter imports it (it must not link the app, the
// embedded Temporal server or the HTTP surface), and the operator module
// serves exactly this list. Each capability exports RunKind() from its
// workflow package; add a capability here when it lands (a test in package
// operator fails while this list and app.Kinds() differ).
package catalog

import (
	"helhed/runs"
	"helhed/workflows/absence"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/eviction"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// Kinds returns the kinds of every capability in this build.
func Kinds() []runs.Kind {
	return []runs.Kind{
		absence.RunKind(),
		report.RunKind(),
		crisis.RunKind(),
		datarequest.RunKind(),
		eviction.RunKind(),
		meeting.RunKind(),
		statistics.RunKind(),
	}
}

// Registry is Kinds as a checked registry.
func Registry() (*runs.Registry, error) { return runs.NewRegistry(Kinds()) }
