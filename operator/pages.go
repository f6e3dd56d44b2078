package operator

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"helhed/fielderr"
	"helhed/runs"
	"helhed/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages serves the Danish operator pages.
type pages struct {
	runner   *runs.Runner
	sessions *sessions
	identity *Identity
	logins   *web.RateLimit
	tmpl     *template.Template
	log      *slog.Logger
}

// View is what every operator page template gets, the capabilities'
// pages (Render) included: "head" in the layout reads Title, CSRF,
// LoggedIn, Flash and Error.
type View struct {
	Title    string
	CSRF     string // the session's token; empty when logged out
	Flash    string
	Error    string
	LoggedIn bool
	// SignedIn is the signed-in person's name, for the header.
	SignedIn string
	Data     any
	// Here is a workbench page's own path and query (Render fills it on
	// a GET), for a form's "return" field: the generic Update handler
	// sends the browser back to it.
	Here string
}

func (p *pages) render(w http.ResponseWriter, status int, name string, v View) {
	writePage(w, status, p.tmpl, name, v, p.log)
}

// writePage executes t's template name into a buffer and writes it with
// the headers every operator page has, so a failing template sends an
// error rather than half a page.
func writePage(w http.ResponseWriter, status int, t *template.Template, name string, v View, log *slog.Logger) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		log.Error("render operator page", "page", name, "error", err)
		http.Error(w, "Siden kunne ikke vises.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (p *pages) renderError(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, "error.html", View{Title: "Fejl", Error: msg})
}

// authed runs h with the request's session. Without one it sends the
// browser to the login page (saying so when the session expired), before
// anything is read or changed; a POST must also carry the session's CSRF
// token, or it is refused with 403.
func (p *pages) authed(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := p.sessions.get(r)
		switch {
		case errors.Is(err, errNoSession):
			http.Redirect(w, r, "/operator/login", http.StatusSeeOther)
			return
		case errors.Is(err, errExpired):
			http.SetCookie(w, p.sessions.cookie(sessionCookie, "", -1))
			http.Redirect(w, r, "/operator/login?udloebet=1", http.StatusSeeOther)
			return
		case err != nil:
			p.log.Error("operator session", "error", err)
			p.renderError(w, http.StatusServiceUnavailable, "Sessionen kunne ikke læses (Redis svarer ikke). Prøv igen om lidt.")
			return
		}
		if r.Method == http.MethodPost {
			limit, parse := int64(MaxBody), r.ParseForm
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				// A file upload (the arrears import): its fields, the CSRF
				// token among them, are in the multipart body.
				limit, parse = MaxUpload, func() error { return r.ParseMultipartForm(MaxUpload) }
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := parse(); err != nil {
				p.renderError(w, http.StatusRequestEntityTooLarge, "Formularen er for stor eller ugyldig.")
				return
			}
			if !validCSRF(sess.CSRF, r.PostForm.Get("csrf")) {
				p.renderError(w, http.StatusForbidden, "Formularen er ugyldig eller forældet (CSRF). Intet er ændret. Genindlæs siden og prøv igen.")
				return
			}
		}
		h(w, r.WithContext(runs.WithPrincipal(r.Context(), sess.Principal)), sess)
	})
}

func (p *pages) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := p.sessions.get(r); err == nil {
		http.Redirect(w, r, "/operator/", http.StatusSeeOther)
		return
	}
	v := View{Title: "Log ind"}
	switch {
	case r.URL.Query().Has("udloebet"):
		v.Flash = "Din session er udløbet. Log ind igen."
	case r.URL.Query().Has("ud"):
		v.Flash = "Du er logget ud."
	}
	p.renderLogin(w, http.StatusOK, v)
}

// renderLogin shows the login form with a fresh double-submit token.
func (p *pages) renderLogin(w http.ResponseWriter, status int, v View) {
	tok, err := randomToken()
	if err != nil {
		p.renderError(w, http.StatusInternalServerError, "Der opstod en fejl.")
		return
	}
	http.SetCookie(w, p.sessions.cookie(loginCookie, tok, 900))
	v.Data = loginData{CSRF: tok, OIDC: p.identity.OIDC(), Token: p.identity.shared != ""}
	p.render(w, status, "login.html", v)
}

// loginData is the login page's: the ways in it offers.
type loginData struct {
	CSRF  string
	OIDC  bool // sign in with the identity provider
	Token bool // the shared operator token (dev, break-glass)
}

func (p *pages) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.renderError(w, http.StatusRequestEntityTooLarge, "Formularen er for stor eller ugyldig.")
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || !validCSRF(c.Value, r.PostForm.Get("csrf")) {
		p.renderError(w, http.StatusForbidden, "Login-formularen er ugyldig eller forældet (CSRF). Åbn login-siden igen.")
		return
	}
	ok, retry, err := p.logins.Allow(r.Context(), web.ClientIP(r))
	if err != nil {
		p.log.Error("operator login rate limit", "error", err)
		p.renderError(w, http.StatusServiceUnavailable, "Login er ikke muligt lige nu (Redis svarer ikke).")
		return
	}
	if !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
		p.renderError(w, http.StatusTooManyRequests, "For mange loginforsøg. Vent et kvarter og prøv igen.")
		return
	}
	if p.identity.shared == "" {
		p.renderLogin(w, http.StatusForbidden, View{Title: "Log ind", Error: "Operatørnøglen er slået fra; log ind med kommunens login."})
		return
	}
	if !validCSRF(p.identity.shared, strings.TrimSpace(r.PostForm.Get("token"))) {
		p.log.Warn("operator login refused: wrong token")
		p.renderLogin(w, http.StatusUnauthorized, View{Title: "Log ind", Error: "Forkert operatørnøgle."})
		return
	}
	if _, err := p.sessions.create(r.Context(), w, breakGlass); err != nil {
		p.log.Error("operator login", "error", err)
		p.renderError(w, http.StatusServiceUnavailable, "Login er ikke muligt lige nu.")
		return
	}
	http.SetCookie(w, p.sessions.cookie(loginCookie, "", -1))
	http.Redirect(w, r, "/operator/", http.StatusSeeOther)
}

func (p *pages) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := p.sessions.destroy(r.Context(), w, sess); err != nil {
		p.log.Warn("operator logout", "error", err)
	}
	http.Redirect(w, r, "/operator/login?ud=1", http.StatusSeeOther)
}

// overviewData is the list of running work.
type overviewData struct {
	Kinds []runs.Kind
	Kind  string
	Runs  []runRow
}

type runRow struct {
	runs.Summary
	KindTitle string
}

func (p *pages) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.URL.Query().Get("kind")
	v := View{Title: "Igangværende arbejde", CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name}
	list, err := p.runner.List(r.Context(), runs.Filter{Kind: kind, Status: runs.StatusRunning})
	if err != nil {
		v.Error = ErrorMessage(err, p.log)
	}
	d := overviewData{Kinds: p.runner.Kinds.Kinds(), Kind: kind}
	for _, s := range list {
		row := runRow{Summary: s, KindTitle: s.Kind}
		if k, ok := p.runner.Kinds.Lookup(s.Kind); ok {
			row.KindTitle = k.Title
		}
		d.Runs = append(d.Runs, row)
	}
	v.Data = d
	p.render(w, http.StatusOK, "overview.html", v)
}

// startData is a kind's start form.
type startData struct {
	Kind           runs.Kind
	Fields         []FormField
	Existing       string // the run with the key a refused start ran into
	ExistingClosed bool   // it has closed (the kind does not rerun a key)
}

func (p *pages) startPage(w http.ResponseWriter, r *http.Request, sess *session) {
	k, ok := p.runner.Kinds.Lookup(r.PathValue("kind"))
	if !ok {
		p.renderError(w, http.StatusNotFound, fmt.Sprintf("Ukendt type %q.", r.PathValue("kind")))
		return
	}
	p.render(w, http.StatusOK, "start.html", View{Title: k.Title, CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name,
		Data: startData{Kind: k, Fields: FormFields(k.InputFields(p.runner.Plan), nil, nil)}})
}

func (p *pages) start(w http.ResponseWriter, r *http.Request, sess *session) {
	k, ok := p.runner.Kinds.Lookup(r.PathValue("kind"))
	if !ok {
		p.renderError(w, http.StatusNotFound, fmt.Sprintf("Ukendt type %q.", r.PathValue("kind")))
		return
	}
	specs := k.InputFields(p.runner.Plan)
	body, err := FormJSON(specs, r.PostForm, p.runner.Plan.Location())
	var started runs.Started
	if err == nil {
		started, err = p.runner.Start(r.Context(), k.Name, body)
	}
	if err == nil {
		flash := "?startet=1"
		if started.Previous != nil {
			flash = "?startet=igen&forrige=" + url.QueryEscape(started.Previous.Status)
		}
		http.Redirect(w, r, "/operator/runs/"+url.PathEscape(started.WorkflowID)+flash, http.StatusSeeOther)
		return
	}
	status, msg, errs := FormErrors(err, "input.", p.log)
	d := startData{Kind: k, Fields: FormFields(specs, r.PostForm, errs)}
	var re *runs.Error
	if errors.As(err, &re) {
		switch re.Code {
		case runs.CodeAlreadyRunning:
			d.Existing = re.WorkflowID
			msg = "Der kører allerede en sag med samme nøgle. Intet nyt er startet."
		case runs.CodeKeyUsed:
			d.Existing, d.ExistingClosed = re.WorkflowID, true
			msg = "Intet nyt er startet: " + re.Message + "."
		}
	}
	p.render(w, status, "start.html", View{Title: k.Title, CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name, Error: msg, Data: d})
}

// FormErrors splits an error from FormJSON or the run layer into a
// status, a page message and messages beside the form's fields (field
// paths under prefix), for a page that shows a generated form again.
func FormErrors(err error, prefix string, log *slog.Logger) (int, string, map[string]string) {
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		// From the form conversion, before the run layer.
		return http.StatusBadRequest, "Ret de markerede felter.", map[string]string{fe.Field: fe.Message}
	}
	var re *runs.Error
	if errors.As(err, &re) && re.Code == runs.CodeInvalid && re.Field != "" {
		field := strings.TrimPrefix(re.Field, prefix)
		// A nested path ("fields[2].type") belongs to its top-level field.
		top, _, _ := strings.Cut(field, ".")
		top, _, _ = strings.Cut(top, "[")
		msg := re.Message
		if top != field {
			msg = field + ": " + msg
		}
		return http.StatusBadRequest, "Ret de markerede felter.", map[string]string{top: msg}
	}
	return runs.HTTPStatus(err), ErrorMessage(err, log), nil
}

// ErrorMessage is a run-layer error as a Danish sentence for a page;
// another error is logged and reported as internal.
func ErrorMessage(err error, log *slog.Logger) string {
	var re *runs.Error
	if !errors.As(err, &re) {
		log.Error("operator page", "error", err)
		return "Der opstod en intern fejl; se workerens log."
	}
	switch re.Code {
	case runs.CodeNotFound:
		return "Kørslen findes ikke."
	case runs.CodeClosed:
		return "Kørslen er afsluttet og tager ikke imod flere handlinger."
	case runs.CodeRejected:
		return "Handlingen blev afvist: " + re.Message
	case runs.CodeUnavailable:
		return "Temporal svarer ikke lige nu. Intet er ændret; prøv igen om lidt."
	case runs.CodeUnknownUpdate, runs.CodeUnknownKind:
		return "Ukendt handling eller type: " + re.Message
	case runs.CodeAlreadyRunning:
		return "Der kører allerede en sag med samme nøgle."
	case runs.CodeKeyUsed:
		return "Intet nyt er startet: " + re.Message + "."
	}
	if re.Field != "" {
		return re.Field + ": " + re.Message
	}
	return re.Message
}

// runData is a run's page.
type runData struct {
	runs.Description
	KindTitle  string
	StateJSON  string
	Actions    []action
	OwnCancel  bool // the kind cancels through its own Update
	CanCancel  bool
	CancelErr  string
	CancelText string
}

// action is one Update offered as a form.
type action struct {
	runs.Update
	Fields []FormField
	Error  string
}

func (p *pages) runPage(w http.ResponseWriter, r *http.Request, sess *session) {
	v := View{Title: "Kørsel", CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name}
	q := r.URL.Query()
	switch {
	case q.Get("startet") == "igen":
		v.Flash = "En ny kørsel er startet med samme nøgle."
		if prev := q.Get("forrige"); slices.Contains(runs.Statuses(), prev) {
			v.Flash += " Den forrige kørsel er " + runs.StatusTitle(prev) + "."
		}
	case q.Has("startet"):
		v.Flash = "Kørslen er startet."
	case q.Has("annulleret"):
		v.Flash = "Annulleringen er sendt."
	case q.Get(doneParam) != "":
		v.Flash = doneFlash(q.Get(doneParam))
	}
	p.showRun(w, r, v, http.StatusOK, "", nil, "")
}

// showRun renders a run's page; failed names the Update whose form gets
// errs and the page message msg.
func (p *pages) showRun(w http.ResponseWriter, r *http.Request, v View, status int, failed string, errs map[string]string, msg string) {
	id := r.PathValue("id")
	d, err := p.runner.Describe(r.Context(), id)
	if err != nil {
		p.render(w, runs.HTTPStatus(err), "error.html", View{Title: "Kørsel", LoggedIn: true, SignedIn: v.SignedIn, CSRF: v.CSRF, Error: ErrorMessage(err, p.log)})
		return
	}
	k, _ := p.runner.Kinds.Lookup(d.Kind)
	data := runData{Description: d, KindTitle: k.Title}
	if len(d.State) > 0 {
		var pretty bytes.Buffer
		if json.Indent(&pretty, d.State, "", "  ") == nil {
			data.StateJSON = pretty.String()
		}
	}
	accepts := map[string]bool{}
	for _, a := range d.Accepts {
		accepts[a] = true
	}
	_, data.OwnCancel = k.FindUpdate("cancel")
	data.CanCancel = d.Status == runs.StatusRunning && !data.OwnCancel
	for _, u := range k.Updates {
		if !accepts[u.Name] {
			continue
		}
		a := action{Update: u, Fields: FormFields(u.ArgFields(p.runner.Plan), nil, nil)}
		if u.Name == failed {
			a.Fields = FormFields(u.ArgFields(p.runner.Plan), r.PostForm, errs)
			a.Error = msg
		}
		data.Actions = append(data.Actions, a)
	}
	if failed == "cancel" && !data.OwnCancel {
		data.CancelErr, data.CancelText = msg, r.PostForm.Get("reason")
	}
	if failed != "" && v.Error == "" {
		v.Error = msg
	}
	v.Data = data
	v.Title = k.Title
	p.render(w, status, "run.html", v)
}

func (p *pages) update(w http.ResponseWriter, r *http.Request, sess *session) {
	id, name := r.PathValue("id"), r.PathValue("name")
	v := View{Title: "Kørsel", CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name}
	d, err := p.runner.Describe(r.Context(), id)
	if err != nil {
		p.render(w, runs.HTTPStatus(err), "error.html", View{Title: "Kørsel", LoggedIn: true, SignedIn: sess.Principal.Name, CSRF: sess.CSRF, Error: ErrorMessage(err, p.log)})
		return
	}
	k, _ := p.runner.Kinds.Lookup(d.Kind)
	u, ok := k.FindUpdate(name)
	if !ok {
		p.showRun(w, r, v, http.StatusBadRequest, "", nil, fmt.Sprintf("Ukendt handling %q.", name))
		return
	}
	body, err := FormJSON(u.ArgFields(p.runner.Plan), r.PostForm, p.runner.Plan.Location())
	if err == nil {
		_, err = p.runner.Update(r.Context(), id, name, body)
	}
	if err != nil {
		status, msg, errs := FormErrors(err, "", p.log)
		p.showRun(w, r, v, status, name, errs, msg)
		return
	}
	back, ok := returnPath(r.PostForm.Get("return"))
	if !ok {
		back = &url.URL{Path: "/operator/runs/" + id, RawPath: "/operator/runs/" + url.PathEscape(id)}
	}
	q := back.Query()
	q.Set(doneParam, u.Title)
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}

func (p *pages) cancel(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	if _, err := p.runner.Cancel(r.Context(), id, r.PostForm.Get("reason")); err != nil {
		status, msg, _ := FormErrors(err, "", p.log)
		p.showRun(w, r, View{Title: "Kørsel", CSRF: sess.CSRF, LoggedIn: true, SignedIn: sess.Principal.Name}, status, "cancel", nil, msg)
		return
	}
	http.Redirect(w, r, "/operator/runs/"+url.PathEscape(id)+"?annulleret=1", http.StatusSeeOther)
}
