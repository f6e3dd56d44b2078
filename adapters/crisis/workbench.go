package crisis

import (
	"embed"
	"net/http"
	"slices"
	"time"

	"helhed/capability"
	"helhed/operator"
	"helhed/operator/listing"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

// The operators' workbench page of crisis activations: /operator/crises
// lists them through the run layer (as GET /api/v1/runs?kind=crisis),
// open ones first, with their stage and next step; a new activation
// starts on the generic start form (/operator/start/crisis).

//go:embed workbench/*.html
var workbenchFS embed.FS

type workbench struct {
	plan *plan.Plan
	*operator.Pages
}

func workbenchRoutes(d capability.Deps) ([]capability.Route, error) {
	if d.Temporal == nil {
		return nil, nil
	}
	pages, err := operator.NewPages(d, workbenchFS, "workbench/*.html", "crisis page", RunKind())
	if err != nil {
		return nil, err
	}
	wb := &workbench{plan: d.Plan, Pages: pages}
	return []capability.Route{
		{Pattern: "GET /operator/crises", Handler: http.HandlerFunc(wb.list), Access: capability.OperatorPage},
	}, nil
}

// activationRow is one activation on the page.
type activationRow struct {
	runs.Summary
	Open     bool
	AreaName string
	// Next is the activation's first open task: its next step and when
	// it is due (nil when none, or for rows not on the page).
	Next    *workflows.OpenTask
	NextDue *time.Time
}

type listData struct {
	Areas  []plan.Area
	Area   string
	Status string // "" (all), "aabne", "afsluttede"
	Sort   string // "" (open first), "nyeste"
	Rows   []activationRow
	Page   listing.Page
	// Next is the open activation due first.
	Next *activationRow
}

// GET /operator/crises?omraade=&status=&sort=&side=
func (wb *workbench) list(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Kriseaktiveringer"}
	q := r.URL.Query()
	d := listData{Areas: wb.plan.Areas, Area: q.Get("omraade"), Status: q.Get("status"), Sort: q.Get("sort")}
	sums, err := wb.Runner.List(r.Context(), runs.Filter{Kind: crisis.Kind, Limit: 1000})
	status := http.StatusOK
	if err != nil {
		wb.Log.Error("crises page: list", "err", err)
		v.Error, status = "Aktiveringerne kan ikke læses lige nu (Temporal svarer ikke). Prøv igen om lidt.", runs.HTTPStatus(err)
	}
	var rows []activationRow
	for _, s := range sums {
		row := activationRow{Summary: s, Open: s.Status == runs.StatusRunning, AreaName: s.Area}
		if a, ok := wb.plan.Area(s.Area); ok {
			row.AreaName = a.Name
		}
		if row.StageTitle == "" {
			row.StageTitle = runs.StatusTitle(s.Status)
		}
		switch {
		case d.Area != "" && s.Area != d.Area,
			d.Status == "aabne" && !row.Open,
			d.Status == "afsluttede" && row.Open:
			continue
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b activationRow) int {
		if d.Sort != "nyeste" && a.Open != b.Open {
			if a.Open {
				return -1
			}
			return 1
		}
		if d.Sort != "nyeste" && a.Open && a.DueAt != nil && b.DueAt != nil {
			return a.DueAt.Compare(*b.DueAt)
		}
		return b.StartedAt.Compare(a.StartedAt)
	})
	for i := range rows {
		if rows[i].Open && rows[i].DueAt != nil && (d.Next == nil || rows[i].DueAt.Before(*d.Next.DueAt)) {
			d.Next = &rows[i]
		}
	}
	d.Rows, d.Page = listing.Paginate(rows, r)
	for i := range d.Rows {
		if d.Rows[i].Open {
			wb.nextStep(r, &d.Rows[i])
		}
	}
	if d.Next != nil {
		next := *d.Next
		wb.nextStep(r, &next)
		d.Next = &next
	}
	v.Data = d
	wb.Render(w, r, status, "crises.html", v)
}

// nextStep reads an open activation's first open task from its state.
func (wb *workbench) nextStep(r *http.Request, row *activationRow) {
	desc, err := wb.Runner.Describe(r.Context(), row.WorkflowID)
	if err != nil {
		wb.Log.Warn("crises page: describe", "workflow", row.WorkflowID, "err", err)
		return
	}
	if desc.StageTitle != "" {
		// Right after a start the list's search attributes may lag the
		// run's state.
		row.StageTitle = desc.StageTitle
	}
	if len(desc.OpenTasks) == 0 {
		return
	}
	t := desc.OpenTasks[0]
	row.Next = &t
	if due, err := time.Parse(time.RFC3339, t.Due); err == nil {
		row.NextDue = &due
	}
}
