package report

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"helhed/capability"
	"helhed/operator"
	"helhed/operator/listing"
	"helhed/runs"
	"helhed/workflows/report"
)

// The operators' workbench page of annual report versions:
// /operator/reports lists every plan year's versions through the run
// layer (the report runs' state, as GET /api/v1/runs/{id} shows it). The
// version awaiting the board is approved or sent back with the kind's
// Updates, posted to the generic run form handler
// (/operator/runs/{id}/updates/approve|send-back), so the conversion,
// validation and error messages are the run page's.

//go:embed workbench/*.html
var workbenchFS embed.FS

type workbench struct {
	*operator.Pages
}

func workbenchRoutes(d capability.Deps) ([]capability.Route, error) {
	if d.Temporal == nil {
		return nil, nil
	}
	pages, err := operator.NewPages(d, workbenchFS, "workbench/*.html", "reports page", RunKind())
	if err != nil {
		return nil, err
	}
	wb := &workbench{Pages: pages}
	return []capability.Route{
		{Pattern: "GET /operator/reports", Handler: http.HandlerFunc(wb.list), Access: capability.OperatorPage},
		// The operator API's download, for the pages' session.
		{Pattern: "GET /operator/reports/{year}/{file}", Handler: fileHandler(d.Documents, wb.Log), Access: capability.OperatorPage},
	}, nil
}

// versionRow is one rendered version of a plan year's report.
type versionRow struct {
	report.Version
	PlanYear   string
	WorkflowID string
	StatusText string
	Comment    string // the board's comments when it sent the version back
	ApprovedBy string // who approved the version ("" before, or in runs recorded before decisions named who)
	// Document is the version's download without its extension
	// (/operator/reports/<plan year>/<N>).
	Document string
	// Awaiting: the board decides on this version now (the forms show).
	Awaiting bool
}

// Status filters of the page.
const (
	filterAwaiting = "afventer"
	filterApproved = "godkendt"
)

type listData struct {
	Years  []string
	Year   string
	Status string
	Sort   string
	Rows   []versionRow
	Page   listing.Page
	// Next is the version awaiting the board, oldest plan year first.
	Next *versionRow
}

// GET /operator/reports?aar=&status=&sort=&side=
func (wb *workbench) list(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Årsrapporter"}
	q := r.URL.Query()
	d := listData{Year: q.Get("aar"), Status: q.Get("status"), Sort: q.Get("sort")}
	for _, y := range wb.Runner.Plan.PlanYears() {
		d.Years = append(d.Years, y.Label)
	}
	sums, err := wb.Runner.List(r.Context(), runs.Filter{Kind: report.Kind, Limit: 1000})
	status := http.StatusOK
	if err != nil {
		wb.Log.Error("reports page: list", "err", err)
		v.Error, status = "Årsrapporterne kan ikke læses lige nu (Temporal svarer ikke). Prøv igen om lidt.", runs.HTTPStatus(err)
	}
	var rows []versionRow
	seen := map[string]bool{}
	for _, s := range sums { // newest first: a plan year's latest run wins
		if seen[s.WorkflowID] {
			continue
		}
		seen[s.WorkflowID] = true
		if year := strings.TrimPrefix(s.WorkflowID, report.Kind+"/"); d.Year != "" && year != d.Year {
			continue
		}
		for _, row := range wb.versions(r, s) {
			if (d.Status == filterAwaiting && !row.Awaiting) || (d.Status == filterApproved && !strings.HasPrefix(row.StatusText, "Godkendt")) {
				continue
			}
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(a, b versionRow) int {
		if d.Sort == "aeldste" {
			return cmp.Or(strings.Compare(a.PlanYear, b.PlanYear), cmp.Compare(a.Version.Version, b.Version.Version))
		}
		return cmp.Or(strings.Compare(b.PlanYear, a.PlanYear), cmp.Compare(b.Version.Version, a.Version.Version))
	})
	for i := range rows {
		if rows[i].Awaiting && (d.Next == nil || rows[i].PlanYear < d.Next.PlanYear) {
			next := rows[i]
			d.Next = &next
		}
	}
	d.Rows, d.Page = listing.Paginate(rows, r)
	v.Data = d
	wb.Render(w, r, status, "reports.html", v)
}

// versions reads a report run's state and lists its versions.
func (wb *workbench) versions(r *http.Request, s runs.Summary) []versionRow {
	desc, err := wb.Runner.Describe(r.Context(), s.WorkflowID)
	var st report.State
	if err == nil && (len(desc.State) == 0 || json.Unmarshal(desc.State, &st) != nil) {
		err = fmt.Errorf("no state: %s", desc.StateError)
	}
	if err != nil {
		wb.Log.Warn("reports page: describe run", "workflow", s.WorkflowID, "err", err)
		return nil
	}
	comments := map[int]string{}
	for _, c := range st.Comments {
		comments[c.Version] = c.Text
	}
	awaiting := desc.Status == runs.StatusRunning && slices.Contains(desc.Accepts, report.UpdateApprove)
	out := make([]versionRow, 0, len(st.Versions))
	for _, v := range st.Versions {
		row := versionRow{Version: v, PlanYear: st.PlanYear, WorkflowID: s.WorkflowID, Comment: comments[v.Version],
			Document: fmt.Sprintf("/operator/reports/%s/%d", st.PlanYear, v.Version)}
		if st.Approved == v.Version {
			row.ApprovedBy = st.ApprovedBy.Label()
		}
		switch {
		case st.Approved == v.Version && st.Stage == report.StageSent:
			row.StatusText = "Godkendt og sendt til fagudvalgene"
		case st.Approved == v.Version:
			row.StatusText = "Godkendt"
		case row.Comment != "":
			row.StatusText = "Sendt tilbage"
		case awaiting && v.Version == st.Version:
			row.StatusText, row.Awaiting = "Afventer bestyrelsen", true
		case desc.Status == runs.StatusRunning:
			row.StatusText = "Dannes"
		default:
			row.StatusText = "Ikke godkendt (" + runs.StatusTitle(desc.Status) + ")"
		}
		out = append(out, row)
	}
	return out
}
