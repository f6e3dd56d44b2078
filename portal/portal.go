// Package portal is the partner portal and the operator API of data
// requests: server-rendered Danish pages under /portal/t/{token} that list
// a partner's tasks and take their answers (forms and CSV uploads, no
// JavaScript needed), and JSON routes under /api/v1 for the task list and
// the partners' links. It also wires the data-request capability into a
// process (Worker, Routes).
package portal

import (
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"

	"helhed/config"
	"helhed/mailer"
	"helhed/plan"
	"helhed/portal/tokens"
	"helhed/web"
	"helhed/workflows/datarequest"
)

// Deps are what the capability takes from the process (app.App).
type Deps struct {
	Plan     *plan.Plan
	Temporal client.Client
	Redis    redis.Cmdable
	Mail     mailer.Sender
	Config   *config.Config
	Metrics  prometheus.Registerer
	// Operator wraps operator routes in the bearer-token check.
	Operator func(http.Handler) http.Handler
	Log      *slog.Logger
}

func (d Deps) store() *datarequest.Store {
	return &datarequest.Store{R: d.Redis, Loc: d.Plan.Location()}
}

func (d Deps) secret(purpose string) ([]byte, error) {
	key, err := config.DecodeKey(d.Config.PayloadKey)
	if err != nil {
		return nil, fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	return tokens.DeriveSecret(key, purpose), nil
}

func (d Deps) tokens() (*tokens.Tokens, error) {
	s, err := d.secret("tokens")
	if err != nil {
		return nil, err
	}
	return &tokens.Tokens{R: d.Redis, Secret: s}, nil
}

func (d Deps) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// Activities are the DataRequest workflow's activities.
func Activities(d Deps) (*datarequest.Activities, error) {
	tk, err := d.tokens()
	if err != nil {
		return nil, err
	}
	return &datarequest.Activities{Plan: d.Plan, Store: d.store(), Tokens: tk, Mail: d.Mail, PublicURL: d.Config.PublicURL}, nil
}

// Rate limits, per 10 minutes. Submissions are few (one per task); page
// views let a partner's staff click around; failed token look-ups are
// held low.
const (
	submitLimit   = 20  // per partner link
	viewLimit     = 600 // per partner link
	badTokenLimit = 30  // per client address
	rateWindow    = 10 * time.Minute
)

//go:embed templates/*.html
var templateFS embed.FS

// Routes adds the portal and the operator API.
func Routes(mux *http.ServeMux, d Deps) error {
	p, err := newPortal(d)
	if err != nil {
		return err
	}
	// Cross-origin POSTs are refused before the form token is even read.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, http.StatusForbidden, "Formularen blev sendt fra en anden side og er afvist. Åbn linket fra e-mailen og prøv igen.")
	}))
	mux.Handle("GET /portal/t/{token}", p.secure(http.HandlerFunc(p.list)))
	mux.Handle("GET /portal/t/{token}/opgave/{id}", p.secure(http.HandlerFunc(p.taskPage)))
	mux.Handle("POST /portal/t/{token}/opgave/{id}", p.secure(cop.Handler(http.HandlerFunc(p.submit))))

	op := d.Operator
	if op == nil {
		return fmt.Errorf("portal: operator auth not set")
	}
	a := &api{p: p}
	mux.Handle("GET /api/v1/tasks", op(http.HandlerFunc(a.listTasks)))
	mux.Handle("POST /api/v1/tasks/{id}/submit", op(http.HandlerFunc(a.submit)))
	mux.Handle("POST /api/v1/partners/{partner}/token", op(http.HandlerFunc(a.issueToken)))
	mux.Handle("DELETE /api/v1/partners/{partner}/token", op(http.HandlerFunc(a.revokeToken)))
	return nil
}

// Portal serves the partner pages.
type Portal struct {
	plan      *plan.Plan
	temporal  client.Client
	store     *datarequest.Store
	tokens    *tokens.Tokens
	csrf      web.CSRF
	submits   *web.RateLimit
	views     *web.RateLimit
	badTokens *web.RateLimit
	publicURL string
	log       *slog.Logger
	tmpl      *template.Template
}

func newPortal(d Deps) (*Portal, error) {
	tk, err := d.tokens()
	if err != nil {
		return nil, err
	}
	csrfKey, err := d.secret("csrf")
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{"danishDate": datarequest.DanishDate}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("portal templates: %w", err)
	}
	limit := func(name string, n int) *web.RateLimit {
		return &web.RateLimit{R: d.Redis, Prefix: tokens.KeyPrefix + "rate:" + name + ":", Limit: n, Window: rateWindow}
	}
	return &Portal{
		plan: d.Plan, temporal: d.Temporal, store: d.store(), tokens: tk, csrf: web.CSRF{Key: csrfKey},
		submits: limit("submit", submitLimit), views: limit("view", viewLimit), badTokens: limit("badtoken", badTokenLimit),
		publicURL: d.Config.PublicURL, log: d.log(), tmpl: tmpl,
	}, nil
}

// secure sets the headers every portal page needs: the token is in the
// URL, so no referrer leaves the page and nothing is cached.
func (p *Portal) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
