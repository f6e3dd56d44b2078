package operator

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"helhed/runs"
	"helhed/web"
)

// api is the JSON operator API over the run layer.
type api struct {
	runner *runs.Runner
	log    *slog.Logger
}

// apiError is every error body: the message, the field at fault, for a
// conflict the run that is in the way, and for a refused start its outcome
// (refused-running or refused-closed).
type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	// Code is the run layer's (runs.Code), so a client (the starter)
	// tells the failures apart as the run layer does.
	Code       string `json:"code,omitempty"`
	WorkflowID string `json:"workflowId,omitempty"`
	RunID      string `json:"runId,omitempty"`
	Outcome    string `json:"outcome,omitempty"`
}

// writeErr answers err with the status that says what it means; unknown
// errors are logged and answered without detail.
func (a *api) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var re *runs.Error
	if !errors.As(err, &re) {
		a.log.Error("operator API", "method", r.Method, "path", r.URL.Path, "error", err)
		web.WriteJSON(w, http.StatusInternalServerError, apiError{Error: "intern fejl; se workerens log"})
		return
	}
	if re.Code == runs.CodeUnavailable {
		a.log.Warn("operator API: temporal unavailable", "error", err)
	}
	web.WriteJSON(w, runs.HTTPStatus(err), apiError{Error: re.Message, Field: re.Field, Code: string(re.Code), WorkflowID: re.WorkflowID, RunID: re.RunID,
		Outcome: string(re.Outcome)})
}

// readJSON reads a JSON request body: 415 unless the content type is
// JSON, 413 above MaxBody.
func readJSON(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || media != "application/json" {
		web.WriteJSON(w, http.StatusUnsupportedMediaType, apiError{Error: "Content-Type skal være application/json"})
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			web.WriteJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: "indholdet er større end " + strconv.Itoa(MaxBody) + " bytes"})
			return nil, false
		}
		web.WriteJSON(w, http.StatusBadRequest, apiError{Error: "indholdet kunne ikke læses"})
		return nil, false
	}
	return body, true
}

// decodeBody reads a JSON body strictly into v, answering the error
// itself when it cannot.
func (a *api) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readJSON(w, r)
	if !ok {
		return false
	}
	if err := runs.Decode(body, v); err != nil {
		a.writeErr(w, r, runs.AsInvalid(err))
		return false
	}
	return true
}

// startRequest is the body of POST /api/v1/runs.
type startRequest struct {
	Kind  string          `json:"kind"`
	Input json.RawMessage `json:"input"`
}

func (a *api) start(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if !a.decodeBody(w, r, &req) {
		return
	}
	if _, known := a.runner.Kinds.Lookup(req.Kind); known && (len(req.Input) == 0 || string(req.Input) == "null") {
		web.WriteJSON(w, http.StatusBadRequest, apiError{Error: "angiv input", Field: "input"})
		return
	}
	started, err := a.runner.Start(r.Context(), req.Kind, req.Input)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/runs/"+url.PathEscape(started.WorkflowID))
	web.WriteJSON(w, http.StatusCreated, started)
}

func (a *api) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := runs.Filter{Kind: q.Get("kind"), Status: q.Get("status")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			web.WriteJSON(w, http.StatusBadRequest, apiError{Error: "limit skal være mellem 1 og 1000", Field: "limit"})
			return
		}
		f.Limit = n
	}
	list, err := a.runner.List(r.Context(), f)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	if list == nil {
		list = []runs.Summary{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"runs": list})
}

func (a *api) describe(w http.ResponseWriter, r *http.Request) {
	d, err := a.runner.Describe(r.Context(), r.PathValue("id"))
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, d)
}

// updateResponse is the answer to an Update.
type updateResponse struct {
	WorkflowID string          `json:"workflowId"`
	Update     string          `json:"update"`
	Result     json.RawMessage `json:"result,omitempty"`
}

func (a *api) update(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSON(w, r)
	if !ok {
		return
	}
	id, name := r.PathValue("id"), r.PathValue("name")
	out, err := a.runner.Update(r.Context(), id, name, body)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, updateResponse{WorkflowID: id, Update: name, Result: out})
}

// cancelRequest is the body of POST /api/v1/runs/{id}/cancel.
type cancelRequest struct {
	Reason string `json:"reason"`
}

func (a *api) cancel(w http.ResponseWriter, r *http.Request) {
	var req cancelRequest
	if !a.decodeBody(w, r, &req) {
		return
	}
	out, err := a.runner.Cancel(r.Context(), r.PathValue("id"), req.Reason)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (a *api) kinds(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, map[string]any{"kinds": a.runner.Kinds.Info(a.runner.Plan)})
}
