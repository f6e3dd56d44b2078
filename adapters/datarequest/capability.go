// Package datarequest holds the side effects of partner data requests:
// the activities, the Redis read model (Store), the collector, the
// reconciler, the run kind, starting and answering requests through
// Temporal, and the partner portal with the operator API of tasks and
// links; the link tokens are in package tokens below. New lists them. The
// rules and the workflow are in helhed/workflows/datarequest.
package datarequest

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/adapters/datarequest/tokens"
	"helhed/capability"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// New lists the data-request capability.
func New(d capability.Deps) (capability.Capability, error) {
	store := &Store{R: d.Redis, Loc: d.Plan.Location()}
	c := capability.Capability{
		Name:        datarequest.Kind,
		Workflows:   []capability.Workflow{{Name: datarequest.WorkflowName, Func: datarequest.Workflow}},
		Kinds:       []runs.Kind{RunKind()},
		Reconcilers: []readmodel.Reconciler{Reconciler()},
		Collectors:  []prometheus.Collector{&Collector{Store: store, Plan: d.Plan, Log: d.Log}},
	}
	// Without Temporal (the starter reading the kinds) nothing runs or
	// serves, and the secret the links are derived from is not needed.
	if d.Temporal == nil {
		return c, nil
	}
	secrets, err := d.Config.TokenSecrets()
	if err != nil {
		return capability.Capability{}, fmt.Errorf("TOKEN_SECRET: %w", err)
	}
	partners := make([]string, 0, len(d.Plan.Partners))
	for _, pt := range d.Plan.Partners {
		partners = append(partners, pt.ID)
	}
	linkSecrets := tokens.DeriveSecrets(secrets, "tokens")
	tk := &tokens.Tokens{R: d.Redis, Secret: linkSecrets[0], OldSecrets: linkSecrets[1:], Partners: partners}
	// A form rendered before TOKEN_SECRET was rotated fails once; the
	// partner reloads it.
	portal, err := newPortal(d, store, tk, tokens.DeriveSecret(secrets[0], "csrf"))
	if err != nil {
		return capability.Capability{}, err
	}
	c.Activities = []capability.Activities{{Impl: &Activities{Plan: d.Plan, Store: store, Tokens: tk, Mail: d.Mail, PublicURL: d.Config.PublicURL}}}
	wb, err := newWorkbench(d, store)
	if err != nil {
		return capability.Capability{}, err
	}
	c.Routes = append(portal.routes(), wb.routes()...)
	return c, nil
}
