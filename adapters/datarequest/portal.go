package datarequest

import (
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"helhed/adapters/datarequest/tokens"
	"helhed/capability"
	"helhed/codec"
	"helhed/danish"
	"helhed/plan"
	"helhed/web"
	"helhed/workflows/datarequest"
)

// The partner portal: server-rendered Danish pages under /portal/t/{token}
// that list a partner's tasks and take their answers (forms and CSV
// uploads, no JavaScript needed), and the operator API of data requests:
// JSON routes under /api/v1 for the task list and the partners' links.

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

// Portal serves the partner pages and the operator API.
type Portal struct {
	plan      *plan.Plan
	temporal  client.Client
	store     *Store
	tokens    *tokens.Tokens
	csrf      web.CSRF
	submits   *web.RateLimit
	views     *web.RateLimit
	badTokens *web.RateLimit
	publicURL string
	log       *slog.Logger
	tmpl      *template.Template
	// payloads encodes as the Temporal client does, to measure what an
	// answer becomes (fits).
	payloads converter.DataConverter
}

// newPortal builds the portal; csrfKey signs its form tokens.
func newPortal(d capability.Deps, store *Store, tk *tokens.Tokens, csrfKey []byte) (*Portal, error) {
	loc := d.Plan.Location()
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"longDate":   danish.LongDate,
		"moment":     func(t time.Time) string { return danish.Moment(t, loc) },
		"fileReadAs": datarequest.FileReadAs,
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("portal templates: %w", err)
	}
	keys, err := d.Config.PayloadKeys()
	if err != nil {
		return nil, fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	sealer, err := codec.New(keys)
	if err != nil {
		return nil, fmt.Errorf("PAYLOAD_KEY: %w", err)
	}
	limit := func(name string, n int) *web.RateLimit {
		return &web.RateLimit{R: d.Redis, Prefix: tokens.KeyPrefix + "rate:" + name + ":", Limit: n, Window: rateWindow}
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	return &Portal{
		plan: d.Plan, temporal: d.Temporal, store: store, tokens: tk, csrf: web.CSRF{Key: csrfKey},
		submits: limit("submit", submitLimit), views: limit("view", viewLimit), badTokens: limit("badtoken", badTokenLimit),
		publicURL: d.Config.PublicURL, log: log, tmpl: tmpl, payloads: codec.DataConverter(sealer),
	}, nil
}

// routes are the partner pages, public because the link token in the
// path authenticates them, and the operator API, which app puts behind the
// operator's authentication.
func (p *Portal) routes() []capability.Route {
	// Cross-origin POSTs are refused before the form token is even read.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, http.StatusForbidden, "Formularen blev sendt fra en anden side og er afvist. Åbn linket fra e-mailen og prøv igen.")
	}))
	a := &api{p: p}
	return []capability.Route{
		{Pattern: "GET /portal/t/{token}", Handler: p.secure(http.HandlerFunc(p.list)), Access: capability.Public},
		{Pattern: "GET /portal/t/{token}/opgave/{id}", Handler: p.secure(http.HandlerFunc(p.taskPage)), Access: capability.Public},
		{Pattern: "POST /portal/t/{token}/opgave/{id}", Handler: p.secure(cop.Handler(http.HandlerFunc(p.submit))), Access: capability.Public},
		{Pattern: "GET /api/v1/tasks", Handler: http.HandlerFunc(a.listTasks), Access: capability.Operator},
		{Pattern: "POST /api/v1/tasks/{id}/submit", Handler: http.HandlerFunc(a.submit), Access: capability.Operator},
		{Pattern: "POST /api/v1/partners/{partner}/token", Handler: http.HandlerFunc(a.issueToken), Access: capability.Operator},
		{Pattern: "DELETE /api/v1/partners/{partner}/token", Handler: http.HandlerFunc(a.revokeToken), Access: capability.Operator},
	}
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
