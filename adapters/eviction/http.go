package eviction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"helhed/arrears"
	"helhed/plan"
	"helhed/suppress"
	"helhed/web"
	"helhed/workflows/eviction"
)

// MaxListBytes is the largest arrears list the API takes (10 MiB: some
// 60,000 lines, far above any organisation's monthly list).
const MaxListBytes = 10 << 20

// api serves the operator routes.
type api struct {
	plan     *plan.Plan
	importer *Importer
	model    *ReadModel
	log      *slog.Logger
	now      func() time.Time
}

// handleImport is POST /api/v1/arrears: the body is the CSV file.
func (h *api) handleImport(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" {
			web.WriteError(w, http.StatusUnsupportedMediaType,
				"send selve CSV-filen som forespørgslens indhold (Content-Type: text/csv), fx curl --data-binary @liste.csv", "")
			return
		}
	}
	today := eviction.DateOf(h.now())
	listDate := today
	if s := r.URL.Query().Get("listDate"); s != "" {
		d, err := plan.ParseDate(s)
		if err != nil {
			web.WriteError(w, http.StatusBadRequest, "ugyldig dato; skriv åååå-mm-dd", "listDate")
			return
		}
		if d.After(today) {
			web.WriteError(w, http.StatusBadRequest, fmt.Sprintf("%s ligger i fremtiden", d), "listDate")
			return
		}
		listDate = d
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxListBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		web.WriteError(w, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("filen er større end %d MiB; en restanceliste er langt mindre: tjek eksporten, eller del filen op og importér delene hver for sig", MaxListBytes>>20), "")
		return
	}
	if err != nil {
		h.log.Warn("arrears upload not received", "err", err)
		web.WriteError(w, http.StatusBadRequest, "filen kunne ikke modtages; send den igen", "")
		return
	}
	// Delivery goes on if the client hangs up: a list is delivered whole,
	// not cut off at the line a disconnect happened to reach.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Minute)
	defer cancel()
	res, err := h.importer.Import(ctx, body, listDate, nil)
	var fe *arrears.FileError
	if errors.As(err, &fe) {
		web.WriteError(w, http.StatusBadRequest, fe.Message, fe.Column)
		return
	}
	if err != nil {
		h.log.Error("arrears import failed", "err", err)
		web.WriteError(w, http.StatusInternalServerError, "importen mislykkedes; se workerens log", "")
		return
	}
	h.log.Info("arrears list imported", "list", res.ListID, "lines", res.Lines, "accepted", res.Accepted,
		"duplicates", res.Duplicates, "rejected", len(res.Rejected))
	web.WriteJSON(w, http.StatusAccepted, res)
}

// Count is one published stage × area count, or a total: area "alle"
// (the stage's total), stage "alle" (the area's), or both.
type Count struct {
	Stage      eviction.Stage `json:"stage"`
	Area       string         `json:"area"`
	Count      *int           `json:"count"` // null when suppressed
	Suppressed bool           `json:"suppressed,omitempty"`
}

// CasesResponse is GET /api/v1/cases.
type CasesResponse struct {
	Cases     []CaseRow `json:"cases"`
	Counts    []Count   `json:"counts"`
	Threshold int       `json:"discretionThreshold"`
	Note      string    `json:"note"`
}

// CaseRow is one pseudonymous case in the list.
type CaseRow struct {
	eviction.View
	Overdue bool `json:"overdue"`
}

// handleCases is GET /api/v1/cases?stage=&area=&organisation=. The
// organisation narrows the case list only: the counts are the stage ×
// area table, which the read model keeps for the whole plan.
func (h *api) handleCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Stage: eviction.Stage(q.Get("stage")), Area: q.Get("area")}
	if o := q.Get("organisation"); o != "" {
		// An id, name or alias, as in a case's input.
		org, ok := h.plan.HousingOrganisation(o)
		if !ok {
			web.WriteError(w, http.StatusBadRequest, fmt.Sprintf("ukendt boligorganisation %s; brug en af: %s", arrears.Quote(o), organisationList(h.plan)), "organisation")
			return
		}
		f.Organisation = org.ID
	}
	if f.Stage != "" && !slices.Contains(eviction.Stages, f.Stage) {
		web.WriteError(w, http.StatusBadRequest, fmt.Sprintf("ukendt fase %s; brug en af: %s", arrears.Quote(string(f.Stage)), stageList()), "stage")
		return
	}
	if f.Area != "" {
		if _, ok := h.plan.Area(f.Area); !ok {
			web.WriteError(w, http.StatusBadRequest, fmt.Sprintf("ukendt boligområde %s; brug en af: %s", arrears.Quote(f.Area), areaList(h.plan)), "area")
			return
		}
	}
	views, err := h.model.List(r.Context(), f.VisibleTo(r.Context()))
	if err != nil {
		h.log.Error("list cases", "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "sagsoversigten (Redis) svarer ikke; prøv igen om lidt", "")
		return
	}
	agg, err := h.model.Aggregates(r.Context())
	if err != nil {
		h.log.Error("count cases", "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "sagsoversigten (Redis) svarer ikke; prøv igen om lidt", "")
		return
	}
	today := eviction.DateOf(h.now())
	resp := CasesResponse{Cases: []CaseRow{}, Threshold: h.plan.DiscretionThreshold}
	for _, v := range views {
		resp.Cases = append(resp.Cases, CaseRow{View: v, Overdue: v.Overdue(today)})
	}
	resp.Counts = countTable(newCasesTable(h.plan, agg), f)
	resp.Note = fmt.Sprintf("Antal over 0 og under planens diskretionsgrænse (%d) er diskretioneret, så ingen enkeltperson kan genkendes, "+
		"og så mange andre antal, at et diskretioneret ikke kan regnes ud af totalerne (område eller fase »%s«) eller af faseskiftene i /metrics: "+
		"count er null, og suppressed er true. Sagslisten er pseudonymiseret og til sagsbehandling, ikke til offentliggørelse.", h.plan.DiscretionThreshold, totalLabel)
	web.WriteJSON(w, http.StatusOK, resp)
}

// stageList names the stages for a message: "arrears (Restance), …".
func stageList() string {
	names := make([]string, len(eviction.Stages))
	for i, st := range eviction.Stages {
		names[i] = fmt.Sprintf("%s (%s)", st, eviction.StageTitles[string(st)])
	}
	return strings.Join(names, ", ")
}

// areaList names the plan's area ids for a message.
func areaList(p *plan.Plan) string {
	ids := make([]string, len(p.Areas))
	for i, a := range p.Areas {
		ids[i] = a.ID
	}
	return strings.Join(ids, ", ")
}

// organisationList names the plan's housing organisation ids for a
// message.
func organisationList(p *plan.Plan) string {
	ids := make([]string, len(p.HousingOrganisations))
	for i, o := range p.HousingOrganisations {
		ids[i] = o.ID
	}
	return strings.Join(ids, ", ")
}

// countTable is every count of the stage × area table the filter
// selects, totals included (area or stage "alle"), as the table publishes
// them.
func countTable(ct casesTable, f Filter) []Count {
	out := []Count{}
	add := func(st eviction.Stage, area string, c suppress.Cell) {
		if (f.Stage != "" && st != f.Stage) || (f.Area != "" && area != f.Area) {
			return
		}
		row := Count{Stage: st, Area: area, Suppressed: c.Suppressed}
		if !c.Suppressed {
			n := int(c.Value)
			row.Count = &n
		}
		out = append(out, row)
	}
	for i, st := range ct.stages {
		for j, a := range ct.areas {
			add(st, a, ct.cells[i][j])
		}
		add(st, totalLabel, ct.stageTotals[i])
	}
	for j, a := range ct.areas {
		add(totalLabel, a, ct.areaTotals[j])
	}
	add(totalLabel, totalLabel, ct.total)
	return out
}
