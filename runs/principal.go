package runs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"helhed/workflows"
)

// Role is what an operator may do, from the identity provider's role
// claim (mapped in OIDC_ROLES).
type Role string

// The roles. Sekretariat may do everything; the others what their kinds
// and Updates name (Kind.Roles, Update.Roles); every role may read, a
// case worker only their housing organisations' cases.
const (
	RoleSekretariat   Role = "sekretariat"   // the master plan's secretariat: everything
	RoleSagsbehandler Role = "sagsbehandler" // eviction cases of their housing organisations
	RoleKrisegruppe   Role = "krisegruppe"   // crisis activations
	RoleLaeser        Role = "læser"         // read-only pages and API
)

// Roles lists the roles, for settings and messages.
var Roles = []Role{RoleSekretariat, RoleSagsbehandler, RoleKrisegruppe, RoleLaeser}

// Principal is the signed-in caller: who (the provider's pseudonymous
// subject and display name), the roles, and for a case worker the housing
// organisations (plan ids) whose cases they handle. The operator API and
// pages put one in every request's context; a run-layer call without one
// is the process itself (a schedule, the importer, the starter on the
// Temporal client), which holds the payload key and is not checked.
type Principal struct {
	Subject string `json:"subject"`
	Name    string `json:"name,omitempty"`
	Roles   []Role `json:"roles"`
	// Organisations bound a case worker's view (RoleSagsbehandler).
	Organisations []string `json:"organisations,omitempty"`
	// BreakGlass marks the shared OPERATOR_TOKEN, which acts as
	// sekretariat.
	BreakGlass bool `json:"breakGlass,omitempty"`
}

// Has reports whether p holds role (sekretariat holds every role).
func (p Principal) Has(role Role) bool {
	return slices.Contains(p.Roles, RoleSekretariat) || slices.Contains(p.Roles, role)
}

// Can reports whether p may act as any of roles (none: sekretariat only).
func (p Principal) Can(roles ...Role) bool {
	if slices.Contains(p.Roles, RoleSekretariat) {
		return true
	}
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// SeesOrganisation reports whether p may see a case of housing
// organisation org: everyone but a case worker sees all; a case worker
// (without another role that sees all) only their own.
func (p Principal) SeesOrganisation(org string) bool {
	if !p.caseWorkerOnly() {
		return true
	}
	return slices.Contains(p.Organisations, org)
}

// caseWorkerOnly is a sagsbehandler without a role that sees every case.
func (p Principal) caseWorkerOnly() bool {
	if !slices.Contains(p.Roles, RoleSagsbehandler) {
		return false
	}
	return !slices.ContainsFunc(p.Roles, func(r Role) bool { return r != RoleSagsbehandler })
}

// Actor is p as a decision records it.
func (p Principal) Actor() *workflows.Actor {
	return &workflows.Actor{Subject: p.Subject, Name: p.Name}
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom is the caller ctx carries; ok is false for the process
// itself. Pages check a role with it:
//
//	if p, _ := runs.PrincipalFrom(r.Context()); !p.Can(runs.RoleSagsbehandler) { … 403 … }
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Forbidden is the refusal of an action to a caller without role: 403
// naming the roles that may.
func Forbidden(action string, roles ...Role) *Error {
	names := []string{string(RoleSekretariat)}
	for _, r := range roles {
		if r != RoleSekretariat {
			names = append(names, string(r))
		}
	}
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf("%s kræver rollen %s", action, strings.Join(names, " eller "))}
}

// authorize refuses an action on kind k (start, an Update, cancel) to a
// caller in ctx without one of roles; nil roles means sekretariat only.
func authorize(ctx context.Context, action string, roles []Role) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.Can(roles...) {
		return nil
	}
	return Forbidden(action, roles...)
}

// authorizeOrganisation refuses a case worker a run of another housing
// organisation, as if it did not exist, so they learn nothing of it.
func authorizeOrganisation(ctx context.Context, org, id string) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.SeesOrganisation(org) {
		return nil
	}
	return &Error{Code: CodeNotFound, WorkflowID: id, Message: fmt.Sprintf("ingen kørsel med id %q", id)}
}

// setActor records ctx's caller in v when v carries one (the process
// itself records none).
func setActor(ctx context.Context, v any) {
	c, ok := v.(workflows.ActorCarrier)
	if !ok {
		return
	}
	if p, ok := PrincipalFrom(ctx); ok {
		c.SetActor(p.Actor())
		return
	}
	c.SetActor(nil)
}

// authorizeRun refuses a case worker a run of a case kind (one with an
// Organisation) outside their organisations, as not found.
func (r *Runner) authorizeRun(ctx context.Context, k Kind, sum Summary) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || k.Organisation == nil || !p.caseWorkerOnly() {
		return nil
	}
	org, err := r.runOrganisation(ctx, k, sum)
	if err != nil {
		return err
	}
	if org == "" {
		// A case just opened resolves its organisation in its first
		// activity; until then no case worker's boundary can be checked.
		return &Error{Code: CodeUnavailable, WorkflowID: sum.WorkflowID, Message: "sagen er ved at blive oprettet; prøv igen om et øjeblik"}
	}
	return authorizeOrganisation(ctx, org, sum.WorkflowID)
}

// runOrganisation is the housing organisation a case kind's run reports
// in its state query ("organisation").
func (r *Runner) runOrganisation(ctx context.Context, k Kind, sum Summary) (string, error) {
	if k.StateQuery == "" {
		return "", fmt.Errorf("%s: a case kind needs a state query naming its organisation", k.Name)
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := r.Client.QueryWorkflow(qctx, sum.WorkflowID, sum.RunID, k.StateQuery)
	if err != nil {
		return "", temporalError(err, sum.WorkflowID)
	}
	var st struct {
		Organisation string `json:"organisation"`
	}
	if err := v.Get(&st); err != nil {
		return "", fmt.Errorf("kørslen %s: read its organisation: %w", sum.WorkflowID, err)
	}
	return st.Organisation, nil
}

// visible keeps the runs of list the caller in ctx may see: a case
// worker's case-kind runs only of their organisations.
func (r *Runner) visible(ctx context.Context, list []Summary) ([]Summary, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || !p.caseWorkerOnly() {
		return list, nil
	}
	out := list[:0]
	for _, s := range list {
		k, known := r.Kinds.resolve(s.Kind, s.WorkflowType)
		if known && k.Organisation != nil {
			org, err := r.runOrganisation(ctx, k, s)
			if err != nil {
				return nil, err
			}
			if org == "" || !p.SeesOrganisation(org) {
				continue // not yet resolved, or another organisation's
			}
		}
		out = append(out, s)
	}
	return out, nil
}
