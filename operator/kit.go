package operator

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"helhed/capability"
	"helhed/danish"
	"helhed/plan"
	"helhed/runs"
)

// The workbench kit: a capability serves its own operator pages (the
// eviction cases, the partner tasks, the schedules, …) under /operator/
// with Access capability.OperatorPage, and builds them with what is here,
// so every page has one layout, one session, one CSRF check and one way of
// writing dates:
//
//	t := template.Must(operator.Layout(loc).ParseFS(fsys, "templates/*.html"))
//	// in a handler (wrapped by the guard Routes returns):
//	operator.Render(w, r, http.StatusOK, t, "cases.html", operator.View{Title: "Sager", Data: d}, log)
//
// A template defines its page as {{template "head" .}} … {{template "foot" .}};
// a form posts a hidden field csrf with {{.CSRF}}. A list's form that posts
// a run's Update (/operator/runs/{id}/updates/{name}) adds a hidden field
// return with {{.Here}}, and the operator comes back to the list with the
// flash instead of to the run's page.

// sessionKeyCtx carries the guarded request's session.
type sessionKeyCtx struct{}

// LoggedIn reports whether the guard let r through with a session.
func LoggedIn(r *http.Request) bool {
	_, ok := r.Context().Value(sessionKeyCtx{}).(*session)
	return ok
}

// CSRFToken is the session's CSRF token for forms on a guarded page ("" on
// a request the guard did not pass).
func CSRFToken(ctx context.Context) string {
	if s, ok := ctx.Value(sessionKeyCtx{}).(*session); ok {
		return s.CSRF
	}
	return ""
}

// Layout returns a new template set holding the operator pages' layout
// ("head", "foot", "fields"), their error page ("error.html") and the
// page functions, for a capability to add its pages to. Dates and times
// show in loc (the plan's zone).
func Layout(loc *time.Location) *template.Template {
	return template.Must(template.New("").Funcs(pageFuncs(loc)).ParseFS(templateFS, "templates/layout.html", "templates/error.html"))
}

// Render writes the page name of t with v, the session's CSRF token and
// login state filled in from r, and the operator pages' headers.
func Render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, name string, v View, log *slog.Logger) {
	v.CSRF = CSRFToken(r.Context())
	v.LoggedIn = LoggedIn(r)
	if sess, ok := r.Context().Value(sessionKeyCtx{}).(*session); ok {
		v.SignedIn = sess.Principal.Name
	}
	if r.Method == http.MethodGet {
		v.Here = r.URL.RequestURI()
	}
	if done := r.URL.Query().Get(doneParam); done != "" && v.Flash == "" {
		v.Flash = doneFlash(done)
	}
	if log == nil {
		log = slog.Default()
	}
	writePage(w, status, t, name, v, log)
}

// doneParam is the query parameter with which the generic Update form
// (POST /operator/runs/{id}/updates/{name}) sends the browser back, to the
// run's page or its "return" page: the Update's title, shown as the flash.
const doneParam = "udfoert"

func doneFlash(title string) string { return "Handlingen er udført: " + title + "." }

// returnPath is a form's "return" field when it is an operator page of
// this site (a path under /operator/, with an optional query); anything
// else (another host, a scheme, "//host", "..", a backslash) is refused,
// so the redirect cannot leave the operator pages.
func returnPath(raw string) (*url.URL, bool) {
	if !strings.HasPrefix(raw, "/operator/") || strings.ContainsAny(raw, "\\\x00\r\n\t ") {
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Fragment != "" || !strings.HasPrefix(u.Path, "/operator/") {
		return nil, false
	}
	if clean := path.Clean(u.Path); u.Path != clean && u.Path != clean+"/" {
		return nil, false
	}
	return u, true
}

// RenderError writes t's error page with a Danish message.
func RenderError(w http.ResponseWriter, r *http.Request, status int, t *template.Template, msg string, log *slog.Logger) {
	Render(w, r, status, t, "error.html", View{Title: "Fejl", Error: msg}, log)
}

// pageFuncs are the functions every operator template may use. Dates are
// written one way on every page: "date" for a civil date (a rule's day:
// a deadline, a meeting day; "4. december 2026"), "when" for a moment
// ("4.12.2026 kl. 08.00" in the plan's zone), "longDate" with the weekday.
func pageFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"pathEscape":  url.PathEscape,
		"queryEscape": url.QueryEscape,
		"when": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				if !v.IsZero() {
					return v.In(loc).Format("2.1.2006 kl. 15.04")
				}
			case *time.Time:
				if v != nil && !v.IsZero() {
					return v.In(loc).Format("2.1.2006 kl. 15.04")
				}
			}
			return ""
		},
		"date": func(d any) string {
			switch v := d.(type) {
			case plan.Date:
				return danish.Date(v)
			case *plan.Date:
				if v != nil {
					return danish.Date(*v)
				}
			case string:
				if pd, err := plan.ParseDate(v); err == nil {
					return danish.Date(pd)
				}
				return v
			}
			return ""
		},
		"longDate": func(d plan.Date) string { return danish.LongDate(d) },
		// statusTitle is a run's status in Danish ("running" → "i gang").
		"statusTitle": runs.StatusTitle,
	}
}

// Pages is what a capability's operator pages hold: its templates on the
// operators' layout, the run layer over its own kinds (a Runner of a
// registry holding only them), and a logger.
type Pages struct {
	Runner *runs.Runner
	Tmpl   *template.Template
	Log    *slog.Logger
}

// NewPages parses the templates of fsys matching pattern onto Layout and
// builds the run layer over kinds. what names the pages in an error.
func NewPages(d capability.Deps, fsys fs.FS, pattern, what string, kinds ...runs.Kind) (*Pages, error) {
	tmpl, err := Layout(d.Plan.Location()).ParseFS(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("%s templates: %w", what, err)
	}
	reg, err := runs.NewRegistry(kinds)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	return &Pages{Runner: &runs.Runner{Client: d.Temporal, Plan: d.Plan, Kinds: reg}, Tmpl: tmpl, Log: log}, nil
}

// Render writes the page name with v (see the package function Render).
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, v View) {
	Render(w, r, status, p.Tmpl, name, v, p.Log)
}

// Error writes the error page with a Danish message.
func (p *Pages) Error(w http.ResponseWriter, r *http.Request, status int, msg string) {
	RenderError(w, r, status, p.Tmpl, msg, p.Log)
}
