// Package operator serves the operators' ways to start and steer work ad
// hoc, both over the run layer (package runs):
//
//   - the operator API under /api/v1 (JSON, bearer token): start a run,
//     list runs by kind and status, describe one, send a kind's Updates,
//     cancel with a reason, list the kinds;
//   - the operator pages under /operator/ (Danish, server-rendered, no
//     JavaScript): sign-in with the identity provider (or the operator
//     token under -dev and as break-glass; a session in Redis), a
//     start form per kind generated from its input type, the list of
//     running work with stage and next deadline, and a run's page with its
//     Update actions as forms. Every form carries a CSRF token.
package operator

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/runs"
	"helhed/web"
)

// Deps are what the operator surface needs.
type Deps struct {
	Runner *runs.Runner
	// Redis keeps the page sessions (helhed:session:*).
	Redis redis.Cmdable
	// Identity decides who signs in: the identity provider and/or the
	// shared operator token.
	Identity *Identity
	// Operator wraps API handlers in the bearer-token check (app.Operator,
	// Identity.Require).
	Operator func(http.Handler) http.Handler
	// PublicURL decides whether cookies are Secure (https).
	PublicURL string
	// SessionTTL is how long a login lasts [8h].
	SessionTTL time.Duration
	Log        *slog.Logger
}

// MaxBody bounds a request body (start input, Update argument, form).
const MaxBody = 1 << 20

// MaxUpload bounds a page's file upload (multipart/form-data): the
// arrears list, up to 10 MiB as the API takes it.
const MaxUpload = 10<<20 + 64<<10

// Routes adds the API and the pages to mux. It returns the guard for the
// pages capabilities serve under /operator/ themselves
// (capability.OperatorPage): the same login session, CSRF check and
// cross-origin refusal as these pages.
func Routes(mux *http.ServeMux, d Deps) (guard func(http.Handler) http.Handler, err error) {
	switch {
	case d.Runner == nil || d.Runner.Kinds == nil || d.Runner.Plan == nil:
		return nil, errors.New("operator: no run layer")
	case d.Redis == nil:
		return nil, errors.New("operator: no Redis for sessions")
	case d.Operator == nil:
		return nil, errors.New("operator: operator auth not set")
	case d.Identity == nil:
		return nil, errors.New("operator: no identity (sign-in) set")
	case !d.Identity.OIDC() && len(d.Identity.shared) < 16:
		return nil, errors.New("operator: no identity provider, and the operator token is shorter than 16 characters")
	}
	if d.SessionTTL <= 0 {
		d.SessionTTL = 8 * time.Hour
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	a := &api{runner: d.Runner, log: d.Log}
	op := d.Operator
	mux.Handle("POST /api/v1/runs", op(http.HandlerFunc(a.start)))
	mux.Handle("GET /api/v1/runs", op(http.HandlerFunc(a.list)))
	mux.Handle("GET /api/v1/runs/{id}", op(http.HandlerFunc(a.describe)))
	mux.Handle("POST /api/v1/runs/{id}/updates/{name}", op(http.HandlerFunc(a.update)))
	mux.Handle("POST /api/v1/runs/{id}/cancel", op(http.HandlerFunc(a.cancel)))
	mux.Handle("GET /api/v1/kinds", op(http.HandlerFunc(a.kinds)))

	tmpl, err := parseTemplates(d.Runner.Plan.Location())
	if err != nil {
		return nil, err
	}
	p := &pages{
		runner: d.Runner, tmpl: tmpl, log: d.Log,
		sessions: &sessions{r: d.Redis, ttl: d.SessionTTL, secure: strings.HasPrefix(d.PublicURL, "https://")},
		identity: d.Identity,
		logins:   &web.RateLimit{R: d.Redis, Prefix: "helhed:session:login-rate:", Limit: 10, Window: 15 * time.Minute},
	}
	// Cross-origin POSTs are refused before any form is read.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, http.StatusForbidden, "Formularen blev sendt fra en anden side og er afvist.")
	}))
	mux.Handle("GET /operator/login", http.HandlerFunc(p.loginPage))
	mux.Handle("POST /operator/login", cop.Handler(http.HandlerFunc(p.login)))
	mux.Handle("POST /operator/logout", cop.Handler(p.authed(p.logout)))
	if d.Identity.OIDC() {
		mux.Handle("GET /operator/oidc/login", http.HandlerFunc(p.oidcLogin))
		mux.Handle("GET "+CallbackPath, http.HandlerFunc(p.oidcCallback))
	}
	mux.Handle("GET /operator", http.RedirectHandler("/operator/", http.StatusSeeOther))
	mux.Handle("GET /operator/{$}", p.authed(p.overview))
	mux.Handle("GET /operator/start/{kind}", p.authed(p.startPage))
	mux.Handle("POST /operator/start/{kind}", cop.Handler(p.authed(p.start)))
	mux.Handle("GET /operator/runs/{id}", p.authed(p.runPage))
	mux.Handle("POST /operator/runs/{id}/updates/{name}", cop.Handler(p.authed(p.update)))
	mux.Handle("POST /operator/runs/{id}/cancel", cop.Handler(p.authed(p.cancel)))
	return func(next http.Handler) http.Handler {
		// Any signed-in operator passes; a page checks the role its action
		// needs with runs.PrincipalFrom(r.Context()).
		return cop.Handler(p.authed(func(w http.ResponseWriter, r *http.Request, sess *session) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKeyCtx{}, sess)))
		}))
	}, nil
}

// parseTemplates reads the embedded page templates; times show in loc.
func parseTemplates(loc *time.Location) (*template.Template, error) {
	t, err := template.New("").Funcs(pageFuncs(loc)).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("operator templates: %w", err)
	}
	return t, nil
}
