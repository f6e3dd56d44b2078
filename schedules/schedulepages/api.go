package schedulepages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"helhed/capability"
	"helhed/plan"
	"helhed/runs"
	"helhed/schedules"
	"helhed/web"
)

// Sync makes Temporal hold the plan's schedules (schedules.Syncer.Sync
// for the process's plan).
type Sync func(ctx context.Context) ([]schedules.Change, error)

// API is the operator API of the schedules, what `starter schedules`
// calls, so an operator's machine needs no Temporal access and no payload
// key: GET /api/v1/schedules lists them as the page does; pause, unpause,
// trigger, backfill and sync change them (sekretariat only). {id} is a
// schedule ID (path-escaped) or a cycle name of the plan.
// Sources title the schedules, as on the page.
func API(c client.Client, p *plan.Plan, sources []schedules.Source, sync Sync, log *slog.Logger) capability.Capability {
	if log == nil {
		log = slog.Default()
	}
	// An error here fails the start's sync too; the list then shows IDs.
	specs, _ := schedules.Desired(p, sources)
	a := &api{server: &server{temporal: c, plan: p, specs: specs, log: log}, sync: sync}
	return capability.Capability{Name: "schedules-api", Routes: []capability.Route{
		{Pattern: "GET /api/v1/schedules", Handler: http.HandlerFunc(a.list), Access: capability.Operator},
		{Pattern: "POST /api/v1/schedules/sync", Handler: http.HandlerFunc(a.syncPlan), Access: capability.Operator},
		{Pattern: "POST /api/v1/schedules/{id}/pause", Handler: a.act("sætte en tidsplan på pause", a.pause), Access: capability.Operator},
		{Pattern: "POST /api/v1/schedules/{id}/unpause", Handler: a.act("genoptage en tidsplan", a.unpause), Access: capability.Operator},
		{Pattern: "POST /api/v1/schedules/{id}/trigger", Handler: a.act("udløse en tidsplan", a.trigger), Access: capability.Operator},
		{Pattern: "POST /api/v1/schedules/{id}/backfill", Handler: a.act("udløse en tidsplan for en periode", a.backfill), Access: capability.Operator},
	}}
}

type api struct {
	*server
	sync Sync
}

// Schedule is one schedule as the API lists it.
type Schedule struct {
	ID       string      `json:"id"`
	Title    string      `json:"title,omitempty"`
	Workflow string      `json:"workflow"`
	Paused   bool        `json:"paused"`
	Note     string      `json:"note,omitempty"`
	Next     []time.Time `json:"next"`
	Recent   []time.Time `json:"recent"`
}

// SyncChange is what a sync did to one schedule.
type SyncChange struct {
	ID      string   `json:"id"`
	Outcome string   `json:"outcome"`
	Differs []string `json:"differs,omitempty"`
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// GET /api/v1/schedules
func (a *api) list(w http.ResponseWriter, r *http.Request) {
	listed, err := schedules.List(r.Context(), a.temporal, a.specs)
	if err != nil {
		a.log.Error("schedules API: list", "err", err)
		web.WriteJSON(w, http.StatusServiceUnavailable, apiError{Error: "tidsplanerne kan ikke læses lige nu (Temporal svarer ikke)"})
		return
	}
	out := make([]Schedule, 0, len(listed))
	for _, l := range listed {
		a.refresh(r, &l)
		out = append(out, Schedule{ID: l.ID, Title: l.Title, Workflow: l.Workflow, Paused: l.Paused, Note: l.Note, Next: l.Next, Recent: l.Recent})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"schedules": out})
}

// POST /api/v1/schedules/sync
func (a *api) syncPlan(w http.ResponseWriter, r *http.Request) {
	if !a.allowed(w, r, "at synkronisere tidsplanerne") {
		return
	}
	changes, err := a.sync(r.Context())
	out := make([]SyncChange, 0, len(changes))
	for _, ch := range changes {
		out = append(out, SyncChange{ID: ch.ID, Outcome: ch.Outcome, Differs: ch.Differs})
	}
	if err != nil {
		a.log.Error("schedules API: sync", "err", err)
		web.WriteJSON(w, http.StatusBadGateway, map[string]any{"error": "tidsplanerne kunne ikke synkroniseres: " + err.Error(),
			"plan": a.plan.ID, "changes": out})
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"plan": a.plan.ID, "changes": out})
}

// allowed refuses a caller who may not change schedules (sekretariat
// only) with 403 naming the role.
func (a *api) allowed(w http.ResponseWriter, r *http.Request, action string) bool {
	if p, ok := runs.PrincipalFrom(r.Context()); ok && !p.Can() {
		web.WriteJSON(w, http.StatusForbidden, apiError{Error: runs.Forbidden(action).Message})
		return false
	}
	return true
}

// act resolves {id}, checks the caller and that the schedule exists, and
// answers op's outcome: {"id": …} or the error.
func (a *api) act(action string, op func(r *http.Request, id string, body []byte) (int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !a.allowed(w, r, "at "+action) {
			return
		}
		id := schedules.Resolve(a.plan.ID, r.PathValue("id"))
		if strings.ContainsAny(id, " \t\r\n") {
			web.WriteJSON(w, http.StatusBadRequest, apiError{Error: "ugyldigt tidsplan-id", Field: "id"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			web.WriteJSON(w, http.StatusBadRequest, apiError{Error: "indholdet kunne ikke læses"})
			return
		}
		if _, err := a.temporal.ScheduleClient().GetHandle(r.Context(), id).Describe(r.Context()); err != nil {
			var nf *serviceerror.NotFound
			if errors.As(err, &nf) {
				web.WriteJSON(w, http.StatusNotFound, apiError{Error: fmt.Sprintf("tidsplanen %s findes ikke (`starter schedules list` viser dem)", id), Field: "id"})
				return
			}
			a.log.Warn("schedules API: describe", "schedule", id, "err", err)
			web.WriteJSON(w, http.StatusServiceUnavailable, apiError{Error: "Temporal svarer ikke; prøv igen om lidt"})
			return
		}
		if status, err := op(r, id, body); err != nil {
			if status == http.StatusBadGateway {
				a.log.Warn("schedules API", "schedule", id, "err", err)
			}
			web.WriteJSON(w, status, apiError{Error: err.Error()})
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]string{"id": id})
	}
}

// noteRequest is the optional body of pause and unpause.
type noteRequest struct {
	Note string `json:"note"`
}

// note reads the optional {"note": …}; def when there is none.
func note(body []byte, def string) (string, error) {
	var req noteRequest
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return "", errors.New(`indholdet skal være {"note": "…"}`)
		}
	}
	n := strings.TrimSpace(req.Note)
	if len(n) > maxNote {
		return "", fmt.Errorf("noten må højst fylde %d tegn", maxNote)
	}
	if n == "" {
		return def, nil
	}
	return n, nil
}

func (a *api) pause(r *http.Request, id string, body []byte) (int, error) {
	n, err := note(body, "sat på pause via operatør-API'et")
	if err != nil {
		return http.StatusBadRequest, err
	}
	if err := schedules.Pause(r.Context(), a.temporal, id, n); err != nil {
		return http.StatusBadGateway, err
	}
	return http.StatusOK, nil
}

func (a *api) unpause(r *http.Request, id string, body []byte) (int, error) {
	n, err := note(body, "genoptaget via operatør-API'et")
	if err != nil {
		return http.StatusBadRequest, err
	}
	if err := schedules.Unpause(r.Context(), a.temporal, id, n); err != nil {
		return http.StatusBadGateway, err
	}
	return http.StatusOK, nil
}

func (a *api) trigger(r *http.Request, id string, _ []byte) (int, error) {
	if err := schedules.Trigger(r.Context(), a.temporal, id); err != nil {
		return http.StatusBadGateway, err
	}
	return http.StatusOK, nil
}

// BackfillRequest is the body of POST /api/v1/schedules/{id}/backfill.
type BackfillRequest struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (a *api) backfill(r *http.Request, id string, body []byte) (int, error) {
	var req BackfillRequest
	if err := json.Unmarshal(body, &req); err != nil || req.From.IsZero() || req.To.IsZero() {
		return http.StatusBadRequest, errors.New(`indholdet skal være {"from": RFC 3339, "to": RFC 3339}`)
	}
	if !req.To.After(req.From) {
		return http.StatusBadRequest, fmt.Errorf("to (%s) ligger ikke efter from (%s)", req.To.Format(time.RFC3339), req.From.Format(time.RFC3339))
	}
	if err := schedules.Backfill(r.Context(), a.temporal, id, req.From, req.To); err != nil {
		return http.StatusBadGateway, err
	}
	return http.StatusOK, nil
}
