package operator

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"helhed/config"
	"helhed/runs"
	"helhed/web"
)

// Identity decides who calls the operator API and pages: a person signed
// in with the municipality's identity provider (OIDC_ISSUER; a JWT from
// it as bearer token, or the pages' sign-in), or the shared operator
// token (config.SharedToken: without a provider, under -dev, or as
// break-glass), which acts as sekretariat.
type Identity struct {
	shared string

	issuer    string
	audience  string
	verifier  *oidc.IDTokenVerifier // bearer JWTs (aud OIDC_AUDIENCE)
	idTokens  *oidc.IDTokenVerifier // ID tokens at sign-in (aud the client id)
	oauth     oauth2.Config
	roleClaim string
	orgClaim  string
	// roles maps a role claim's value to helhed's roles.
	roles map[string][]runs.Role
}

// NewIdentity reads the provider's discovery document when cfg names one,
// so a wrong OIDC_ISSUER (unreachable, or answering as another issuer)
// stops the start with one message naming it. now is the clock tokens'
// expiry is checked against (nil: time.Now).
func NewIdentity(ctx context.Context, cfg *config.Config, now func() time.Time) (*Identity, error) {
	id := &Identity{shared: cfg.SharedToken()}
	if !cfg.OIDC() {
		return id, nil
	}
	roles, err := roleMap(cfg.OIDCRoles)
	if err != nil {
		return nil, err
	}
	provider, err := DiscoverProvider(ctx, cfg.OIDCIssuer)
	if err != nil {
		return nil, err
	}
	id.issuer, id.audience = cfg.OIDCIssuer, cfg.OIDCAudience
	id.verifier = provider.Verifier(&oidc.Config{ClientID: cfg.OIDCAudience, Now: now})
	id.idTokens = provider.Verifier(&oidc.Config{ClientID: cfg.OIDCClientID, Now: now})
	id.oauth = oauth2.Config{
		ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret, Endpoint: provider.Endpoint(),
		RedirectURL: strings.TrimRight(cfg.PublicURL, "/") + CallbackPath,
		Scopes:      []string{oidc.ScopeOpenID, "profile"},
	}
	id.roleClaim, id.orgClaim, id.roles = cfg.OIDCRoleClaim, cfg.OIDCOrgClaim, roles
	return id, nil
}

// CallbackPath is where the provider sends a sign-in back (under
// PUBLIC_URL); register PUBLIC_URL+CallbackPath as the client's redirect
// URI.
const CallbackPath = "/operator/oidc/callback"

// roleMap reads OIDC_ROLES; unset, each role's claim value is its name.
func roleMap(pairs []string) (map[string][]runs.Role, error) {
	m := map[string][]runs.Role{}
	if len(pairs) == 0 {
		for _, r := range runs.Roles {
			m[string(r)] = []runs.Role{r}
		}
		return m, nil
	}
	for _, pair := range pairs {
		role, value, _ := strings.Cut(strings.TrimSpace(pair), ":")
		if !slices.Contains(runs.Roles, runs.Role(role)) {
			return nil, &config.Error{Setting: "OIDC_ROLES", Problem: fmt.Sprintf("%q: unknown role %q; the roles are %s", pair, role, roleNames())}
		}
		m[value] = append(m[value], runs.Role(role))
	}
	return m, nil
}

func roleNames() string {
	names := make([]string, len(runs.Roles))
	for i, r := range runs.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// OIDC reports whether operators sign in with the identity provider.
func (id *Identity) OIDC() bool { return id.verifier != nil }

// breakGlass is the principal of the shared operator token.
var breakGlass = runs.Principal{Subject: "operator-token", Name: "Fælles operatørnøgle", Roles: []runs.Role{runs.RoleSekretariat}, BreakGlass: true}

// Bearer is the principal of an API bearer token: the shared token, or a
// JWT of the provider (signature, issuer, audience, expiry checked). A
// refusal is a *web.AuthError saying why, in Danish: 401 for a token
// that is not valid here, 403 for a valid one without a helhed role.
func (id *Identity) Bearer(ctx context.Context, token string) (runs.Principal, error) {
	if id.shared != "" && subtle.ConstantTimeCompare([]byte(token), []byte(id.shared)) == 1 {
		return breakGlass, nil
	}
	if !id.OIDC() {
		return runs.Principal{}, &web.AuthError{Status: http.StatusUnauthorized, Message: "manglende eller forkert operatørnøgle (Authorization: Bearer …)"}
	}
	if strings.Count(token, ".") != 2 {
		return runs.Principal{}, &web.AuthError{Status: http.StatusUnauthorized, Message: "nøglen er hverken operatørnøglen eller et JWT fra " + id.issuer}
	}
	t, err := id.verifier.Verify(ctx, token)
	if err != nil {
		return runs.Principal{}, &web.AuthError{Status: http.StatusUnauthorized, Message: id.why(token, err)}
	}
	return id.principal(t)
}

// why names what is wrong with a JWT the verifier refused.
func (id *Identity) why(token string, err error) string {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return "nøglen er udløbet (" + expired.Expiry.UTC().Format(time.RFC3339) + "); hent en ny hos identitetsudbyderen"
	}
	var claims struct {
		Issuer   string   `json:"iss"`
		Audience audience `json:"aud"`
	}
	if parts := strings.Split(token, "."); len(parts) == 3 {
		if raw, derr := base64.RawURLEncoding.DecodeString(parts[1]); derr == nil && json.Unmarshal(raw, &claims) == nil {
			switch {
			case claims.Issuer != id.issuer:
				return fmt.Sprintf("nøglen er udstedt af %q, ikke af identitetsudbyderen %q (OIDC_ISSUER)", claims.Issuer, id.issuer)
			case !slices.Contains(claims.Audience, id.audience):
				return fmt.Sprintf("nøglen er udstedt til %q, ikke til helhed (%q, OIDC_AUDIENCE)", strings.Join(claims.Audience, ", "), id.audience)
			}
		}
	}
	return "nøglen kunne ikke bekræftes (signatur eller form); hent en ny hos identitetsudbyderen"
}

// audience reads "aud", a string or a list.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// principal reads a verified token's person: subject, display name, the
// roles its role claim maps to and the organisations of its org claim.
func (id *Identity) principal(t *oidc.IDToken) (runs.Principal, error) {
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return runs.Principal{}, &web.AuthError{Status: http.StatusUnauthorized, Message: "nøglens oplysninger kunne ikke læses"}
	}
	p := runs.Principal{Subject: t.Subject}
	for _, k := range []string{"name", "preferred_username"} {
		if s, ok := claims[k].(string); ok && s != "" {
			p.Name = s
			break
		}
	}
	for _, v := range claimValues(claims[id.roleClaim]) {
		for _, r := range id.roles[v] {
			if !slices.Contains(p.Roles, r) {
				p.Roles = append(p.Roles, r)
			}
		}
	}
	p.Organisations = claimValues(claims[id.orgClaim])
	if len(p.Roles) == 0 {
		return runs.Principal{}, &web.AuthError{Status: http.StatusForbidden,
			Message: fmt.Sprintf("du har ingen rolle i helhed (kravet %q nævner ingen af rollerne %s); bed om en hos kommunens administrator", id.roleClaim, roleNames())}
	}
	return p, nil
}

// claimValues reads a claim that is a string or a list of strings.
func claimValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Require wraps an API handler: a request passes with a valid bearer
// token, carrying its principal (runs.PrincipalFrom); failed attempts are
// counted per client address in failures, as web.OperatorAuth does.
func (id *Identity) Require(failures *web.RateLimit, log *slog.Logger) func(http.Handler) http.Handler {
	return (&web.OperatorAuth{Failures: failures, Log: log, Authenticate: func(ctx context.Context, token string) (context.Context, error) {
		p, err := id.Bearer(ctx, token)
		if err != nil {
			return nil, err
		}
		return runs.WithPrincipal(ctx, p), nil
	}}).Require
}
