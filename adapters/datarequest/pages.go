package datarequest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"helhed/adapters/datarequest/tokens"
	"helhed/plan"
	"helhed/web"
	"helhed/workflows/datarequest"
)

// recentlyAnswered is how long an answered task stays on the list page.
const recentlyAnswered = 90 * 24 * time.Hour

// visitor is a request whose token checked out.
type visitor struct {
	partner   plan.Partner
	tokenHash string
	base      string // the partner's portal path, /portal/t/{token}
}

// visit rate-limits the client, resolves the token and renders the answer
// itself when it fails. A foreign, expired, revoked or made-up token all
// get the same page.
func (p *Portal) visit(w http.ResponseWriter, r *http.Request) (visitor, bool) {
	token := r.PathValue("token")
	partnerID, ok, err := p.tokens.Lookup(r.Context(), token)
	if err != nil {
		p.fail(w, "token look-up", err)
		return visitor{}, false
	}
	if ok {
		_, ok = p.plan.Partner(partnerID)
	}
	if !ok {
		// Guessing is pointless (256-bit tokens) but is still slowed down.
		if allowed, retry, err := p.badTokens.Allow(r.Context(), web.ClientIP(r)); err == nil && !allowed {
			p.tooMany(w, retry)
			return visitor{}, false
		}
		p.renderError(w, http.StatusNotFound, "Linket er ugyldigt eller udløbet. Bed sekretariatet om et nyt link.")
		return visitor{}, false
	}
	hash := tokens.Hash(token)
	if ok, retry, err := p.views.Allow(r.Context(), hash); err != nil {
		p.fail(w, "rate limit", err)
		return visitor{}, false
	} else if !ok {
		p.tooMany(w, retry)
		return visitor{}, false
	}
	partner, _ := p.plan.Partner(partnerID)
	return visitor{partner: partner, tokenHash: hash, base: "/portal/t/" + token}, true
}

// task loads the visitor's task named in the path; another partner's task
// is answered exactly like a task that does not exist.
func (p *Portal) task(w http.ResponseWriter, r *http.Request, v visitor) (datarequest.Task, bool) {
	t, ok, err := p.store.Get(r.Context(), r.PathValue("id"), time.Now())
	if err != nil {
		p.fail(w, "read task", err)
		return t, false
	}
	if !ok || t.Partner != v.partner.ID {
		p.renderError(w, http.StatusNotFound, "Opgaven findes ikke blandt jeres opgaver. Gå til oversigten via linket i e-mailen.")
		return t, false
	}
	return t, true
}

type row struct {
	Title, Period, URL, Status, Class string
	Due                               plan.Date
	Answered                          time.Time
}

type listView struct {
	PlanName string
	Partner  plan.Partner
	Open     []row
	Answered []row
}

func (p *Portal) list(w http.ResponseWriter, r *http.Request) {
	v, ok := p.visit(w, r)
	if !ok {
		return
	}
	now := time.Now()
	tasks, err := p.store.List(r.Context(), Filter{Partner: v.partner.ID}, now)
	if err != nil {
		p.fail(w, "list tasks", err)
		return
	}
	view := listView{PlanName: p.plan.Name, Partner: v.partner}
	for _, t := range tasks {
		due, _ := plan.ParseDate(t.Due)
		rw := row{Title: t.Title, Period: t.Period, Due: due, URL: v.base + "/opgave/" + url.PathEscape(t.RequestID)}
		switch {
		case t.Status == datarequest.StatusOpen:
			rw.Status, rw.Class = "Åben", "open"
			if a := attemptText(t); a != "" {
				rw.Status = "Afvist – send igen (" + a + ")"
			}
			if t.Overdue {
				rw.Status, rw.Class = "Fristen er overskredet", "overdue"
				if a := attemptText(t); a != "" {
					rw.Status = "Afvist – send igen (" + a + "), fristen er overskredet"
				}
			}
			view.Open = append(view.Open, rw)
		case t.Status == datarequest.StatusAnswered && now.Sub(t.AnsweredAt) < recentlyAnswered:
			rw.Answered = t.AnsweredAt
			rw.Status, rw.Class = "Besvaret", "done"
			if !t.OnTime {
				rw.Status = "Besvaret efter fristen"
			}
			view.Answered = append(view.Answered, rw)
		}
	}
	p.render(w, http.StatusOK, "list.html", view)
}

func (p *Portal) taskPage(w http.ResponseWriter, r *http.Request) {
	v, ok := p.visit(w, r)
	if !ok {
		return
	}
	t, ok := p.task(w, r, v)
	if !ok {
		return
	}
	receipt := r.URL.Query().Has("kvittering")
	if receipt && t.Status != datarequest.StatusCancelled {
		// Right after a first or a new answer the read model may lag.
		t = p.acceptedTask(r.Context(), t)
	}
	view := p.taskView(v, t, nil, nil)
	view.Receipt = receipt
	p.render(w, http.StatusOK, "task.html", view)
}

// acceptedTask is the task as the workflow holds it: the read model is
// written after the submit Update has returned, so right after a submit
// it may still say open.
func (p *Portal) acceptedTask(ctx context.Context, t datarequest.Task) datarequest.Task {
	res, err := p.temporal.QueryWorkflow(ctx, datarequest.WorkflowID(t.RequestID), "", datarequest.QueryState)
	if err != nil {
		return t
	}
	var st datarequest.State
	if err := res.Get(&st); err != nil {
		return t
	}
	return datarequest.TaskFromState(st)
}

func (p *Portal) submit(w http.ResponseWriter, r *http.Request) {
	v, ok := p.visit(w, r)
	if !ok {
		return
	}
	if ok, retry, err := p.submits.Allow(r.Context(), v.tokenHash); err != nil {
		p.fail(w, "rate limit", err)
		return
	} else if !ok {
		p.tooMany(w, retry)
		return
	}
	t, ok := p.task(w, r, v)
	if !ok {
		return
	}
	sub, file, typed, formErr := p.readForm(w, r, t)
	if formErr == errFormExpired {
		p.renderError(w, http.StatusForbidden, "Formularen er udløbet eller ikke sendt fra portalen. Indlæs siden igen og indsend på ny.")
		return
	}
	scope := v.tokenHash + "\x00" + t.RequestID
	if formErr == nil && !p.csrf.Valid(scope, r.PostFormValue("csrf")) {
		p.renderError(w, http.StatusForbidden, "Formularen er udløbet eller ikke sendt fra portalen. Indlæs siden igen og indsend på ny.")
		return
	}
	if t.Status != datarequest.StatusOpen && !canResubmit(t, time.Now()) {
		view := p.taskView(v, t, typed, nil)
		p.render(w, http.StatusConflict, "task.html", view)
		return
	}
	var ve *datarequest.ValidationError
	if formErr != nil {
		errors.As(formErr, &ve)
	} else {
		// The workflow's own rules and what it can carry, checked here
		// first: a refused answer never reaches Temporal, so it leaves
		// nothing in the request's history.
		prepared, answer, err := prepare(t, sub, file)
		if err == nil {
			err = p.fits(t, prepared, answer)
		}
		if err != nil && !errors.As(err, &ve) {
			p.fail(w, "check submission", err)
			return
		}
		sub = prepared
	}
	if ve == nil {
		_, err := Submit(r.Context(), p.temporal, t.RequestID, sub)
		if err == nil {
			http.Redirect(w, r, v.base+"/opgave/"+url.PathEscape(t.RequestID)+"?kvittering", http.StatusSeeOther)
			return
		}
		status, got, msg := classify(err)
		if got == nil {
			if status >= 500 {
				p.log.Warn("portal submit failed", "workflow", t.WorkflowID, "err", err)
			}
			got = &datarequest.ValidationError{Errors: []datarequest.FieldError{{Message: msg}}}
		}
		ve = got
	}
	p.render(w, http.StatusUnprocessableEntity, "task.html", p.taskView(v, t, typed, ve))
}

var errFormExpired = errors.New("form token missing")

// readForm reads the posted answer: form values, or the bytes of a table
// task's CSV file (nil when none was chosen), which prepare decodes. Too
// large a body becomes a field error, not a failure.
func (p *Portal) readForm(w http.ResponseWriter, r *http.Request, t datarequest.Task) (datarequest.Submission, []byte, map[string]string, error) {
	sub := datarequest.Submission{SubmittedBy: "portal"}
	if t.Table != nil {
		r.Body = http.MaxBytesReader(w, r.Body, datarequest.MaxCSVBytes+64<<10)
		if err := r.ParseMultipartForm(datarequest.MaxCSVBytes + 64<<10); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return sub, nil, nil, &datarequest.ValidationError{Errors: []datarequest.FieldError{{Field: "csv",
					Message: fmt.Sprintf("Filen er for stor. Den må højst fylde %d MB.", datarequest.MaxCSVBytes>>20)}}}
			}
			return sub, nil, nil, errFormExpired
		}
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		f, _, err := r.FormFile("csv")
		if err != nil {
			return sub, nil, nil, nil // Check says a file is missing
		}
		defer f.Close()
		file, err := io.ReadAll(io.LimitReader(f, datarequest.MaxCSVBytes+1))
		if err != nil {
			return sub, nil, nil, errFormExpired
		}
		return sub, file, nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 512<<10)
	if err := r.ParseForm(); err != nil {
		return sub, nil, nil, errFormExpired
	}
	in := inputOf(t)
	sub.Values = map[string]string{}
	typed := map[string]string{}
	for _, s := range datarequest.Slots(in.Fields, in.Areas) {
		raw := r.PostFormValue(s.Key)
		typed[s.Key] = raw
		if strings.TrimSpace(raw) != "" {
			sub.Values[s.Key] = raw
		}
	}
	return sub, nil, typed, nil
}

// inputOf is the part of a request's input the form and Check need.
func inputOf(t datarequest.Task) datarequest.Input {
	return datarequest.Input{RequestID: t.RequestID, Partner: t.Partner, Title: t.Title, Due: t.Due,
		Areas: t.Areas, Fields: t.Fields, Table: t.Table}
}

func (p *Portal) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		p.log.Error("portal template", "template", name, "err", err)
		http.Error(w, "Der opstod en fejl. Prøv igen om lidt.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorView struct {
	Message string
}

func (p *Portal) renderError(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, "error.html", errorView{Message: msg})
}

func (p *Portal) tooMany(w http.ResponseWriter, retry time.Duration) {
	w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
	p.renderError(w, http.StatusTooManyRequests, fmt.Sprintf("For mange forsøg på kort tid. Vent %d minut(ter), og prøv igen.", int(retry.Minutes())+1))
}

func (p *Portal) fail(w http.ResponseWriter, what string, err error) {
	p.log.Error("portal: "+what, "err", err)
	p.renderError(w, http.StatusServiceUnavailable, "Portalen kan ikke svare lige nu. Prøv igen om lidt.")
}
