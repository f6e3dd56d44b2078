package main

import (
	"helhed/app"
	"helhed/capability"
	"helhed/config"
	"helhed/plan"
	"helhed/runs"
)

// kindRegistry is every wired capability's run kinds (app.Capabilities,
// the list the workers wire), built without Temporal or Redis.
func kindRegistry(cfg *config.Config, p *plan.Plan) (*runs.Registry, error) {
	caps, err := app.Capabilities(capability.Deps{Config: cfg, Plan: p})
	if err != nil {
		return nil, err
	}
	return runs.NewRegistry(app.Kinds(caps))
}
