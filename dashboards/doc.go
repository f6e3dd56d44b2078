// Package dashboards defines the six Grafana dashboards of the plan as typed
// Go (the Grafana foundation SDK) and renders them to the JSON files beside
// this file, which Grafana provisions (dashboards/provisioning). Edit the Go,
// never the JSON: `go generate ./dashboards` writes the files, and a test
// fails when the committed JSON differs from what the Go renders.
package dashboards

//go:generate go run ./gen
