package datarequest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/api/serviceerror"

	"helhed/runs"
	"helhed/web"
	"helhed/workflows/datarequest"
)

// api is the operator API of data requests.
type api struct{ p *Portal }

// taskSummary is a task in the operator list: the read-model record
// without the form definition.
type taskSummary struct {
	datarequest.Task
	Fields       []datarequest.Field `json:"fields,omitempty"`
	Table        *datarequest.Table  `json:"table,omitempty"`
	Instructions string              `json:"instructions,omitempty"`
}

// GET /api/v1/tasks?partner=&status=open|overdue|done|cancelled
func (a *api) listTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Partner: q.Get("partner"), Status: q.Get("status")}
	if f.Partner != "" {
		if _, ok := a.p.plan.Partner(f.Partner); !ok {
			web.WriteError(w, http.StatusBadRequest, "ukendt partner "+f.Partner+" (brug en partners id fra planen)", "partner")
			return
		}
	}
	if !ValidFilterStatus(f.Status) {
		web.WriteError(w, http.StatusBadRequest, "status skal være en af open, overdue, done, cancelled", "status")
		return
	}
	tasks, err := a.p.store.List(r.Context(), f, time.Now())
	if err != nil {
		a.p.log.Error("api: list tasks", "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "læsemodellen (Redis) svarer ikke; prøv igen om lidt", "")
		return
	}
	out := make([]taskSummary, len(tasks))
	for i, t := range tasks {
		out[i] = taskSummary{Task: t}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tasks": out, "count": len(out)})
}

// validationBody is a rejected submission: the first error as error and
// field (the API's usual shape), and every error.
type validationBody struct {
	Error  string                   `json:"error"`
	Field  string                   `json:"field,omitempty"`
	Errors []datarequest.FieldError `json:"errors"`
}

// POST /api/v1/tasks/{id}/submit with a Submission as JSON, or a table
// task's CSV file as it is (Content-Type: text/csv; UTF-8 with or without
// BOM, or Windows-1252), decoded here.
func (a *api) submit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t, ok, err := a.p.store.Get(r.Context(), id, time.Now())
	if err != nil {
		a.p.log.Error("api: read task", "id", id, "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "læsemodellen (Redis) svarer ikke; prøv igen om lidt", "")
		return
	}
	if !ok {
		web.WriteError(w, http.StatusNotFound, "ingen dataanmodning med id "+id, "")
		return
	}
	tooBig := func() {
		web.WriteError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("indholdet er for stort; en CSV-fil må højst fylde %d MB", datarequest.MaxCSVBytes>>20), "csv")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, datarequest.MaxCSVBytes+256<<10))
	if err != nil {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			tooBig()
			return
		}
		web.WriteError(w, http.StatusBadRequest, "indholdet kunne ikke læses", "")
		return
	}
	var sub datarequest.Submission
	var file []byte
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "text/csv" {
		if len(body) > datarequest.MaxCSVBytes {
			tooBig()
			return
		}
		file = body
	} else {
		// Bytes that are not UTF-8 would become U+FFFD in JSON: a file in
		// another encoding is sent as text/csv.
		if !utf8.Valid(body) {
			web.WriteError(w, http.StatusBadRequest, "indholdet er ikke UTF-8; send en CSV-fil uændret med Content-Type: text/csv, så læses den som UTF-8 eller Windows-1252", "csv")
			return
		}
		if err := runs.Decode(body, &sub); err != nil {
			fe := runs.AsInvalid(err)
			web.WriteError(w, http.StatusBadRequest, fe.Message, fe.Field)
			return
		}
	}
	if sub.SubmittedBy == "" {
		sub.SubmittedBy = "operator"
	}
	sub, answer, err := prepare(t, sub, file)
	if err == nil {
		err = a.p.fits(t, sub, answer)
	}
	if err != nil {
		a.refuse(w, t, err)
		return
	}
	res, err := Submit(r.Context(), a.p.temporal, id, sub)
	if err != nil {
		a.refuse(w, t, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, res)
}

// refuse answers a submission that was not accepted (classify).
func (a *api) refuse(w http.ResponseWriter, t datarequest.Task, err error) {
	status, ve, msg := classify(err)
	if ve != nil {
		body := validationBody{Error: ve.Error(), Errors: ve.Errors}
		if len(ve.Errors) > 0 {
			body.Field = ve.Errors[0].Field
		}
		web.WriteJSON(w, status, body)
		return
	}
	if status >= 500 {
		a.p.log.Warn("api: submit failed", "workflow", t.WorkflowID, "err", err)
	}
	web.WriteError(w, status, msg, "")
}

// classify turns a submit error into an HTTP status and either the
// per-field errors or one Danish message.
func classify(err error) (int, *datarequest.ValidationError, string) {
	if ve, ok := datarequest.AsValidationError(err); ok {
		return http.StatusBadRequest, ve, ""
	}
	if msg, ok := datarequest.IsNotOpen(err); ok {
		return http.StatusConflict, nil, msg
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) || strings.Contains(err.Error(), "workflow execution already completed") {
		return http.StatusConflict, nil, "Opgaven er ikke længere åben."
	}
	// Temporal or the worker did not answer in time (or at all).
	return http.StatusServiceUnavailable, nil, "Svaret kunne ikke modtages lige nu. Prøv igen om lidt."
}

type tokenRequest struct {
	Rotate bool `json:"rotate"`
}

type tokenAnswer struct {
	Partner   string    `json:"partner"`
	Link      string    `json:"link"`
	ExpiresAt time.Time `json:"expiresAt"`
	Rotated   bool      `json:"rotated"`
}

// POST /api/v1/partners/{partner}/token [{"rotate": true}]: the partner's
// portal link, issued if there is none; rotate replaces it.
func (a *api) issueToken(w http.ResponseWriter, r *http.Request) {
	partner := r.PathValue("partner")
	if _, ok := a.p.plan.Partner(partner); !ok {
		web.WriteError(w, http.StatusNotFound, "ukendt partner "+partner+" (brug en partners id fra planen)", "partner")
		return
	}
	var req tokenRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4096))
	if err != nil {
		web.WriteError(w, http.StatusBadRequest, "indholdet er for stort", "")
		return
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			web.WriteError(w, http.StatusBadRequest, `indholdet skal være {"rotate": true} eller {"rotate": false}`, "rotate")
			return
		}
	}
	if r.URL.Query().Get("rotate") == "true" {
		req.Rotate = true
	}
	issue := a.p.tokens.Ensure
	if req.Rotate {
		issue = a.p.tokens.Rotate
	}
	got, err := issue(r.Context(), partner)
	if err != nil {
		a.p.log.Error("api: issue token", "partner", partner, "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "linket kunne ikke udstedes; prøv igen om lidt", "")
		return
	}
	web.WriteJSON(w, http.StatusOK, tokenAnswer{Partner: partner, Link: PortalURL(a.p.publicURL, got.Token), ExpiresAt: got.ExpiresAt, Rotated: req.Rotate})
}

// DELETE /api/v1/partners/{partner}/token: the link stops working.
func (a *api) revokeToken(w http.ResponseWriter, r *http.Request) {
	partner := r.PathValue("partner")
	if _, ok := a.p.plan.Partner(partner); !ok {
		web.WriteError(w, http.StatusNotFound, "ukendt partner "+partner+" (brug en partners id fra planen)", "partner")
		return
	}
	revoked, err := a.p.tokens.Revoke(r.Context(), partner)
	if err != nil {
		a.p.log.Error("api: revoke token", "partner", partner, "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "linket kunne ikke tilbagekaldes; prøv igen om lidt", "")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"partner": partner, "revoked": revoked})
}
