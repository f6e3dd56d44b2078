package operator

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"helhed/danish"
	"helhed/plan"
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
// a form posts a hidden field csrf with {{.CSRF}}.

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
	if log == nil {
		log = slog.Default()
	}
	writePage(w, status, t, name, v, log)
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
	}
}
