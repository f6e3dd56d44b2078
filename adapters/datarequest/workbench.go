package datarequest

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"helhed/capability"
	"helhed/operator"
	"helhed/operator/listing"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// The operators' workbench page of partner tasks: /operator/tasks lists
// the data requests from the read model the API's GET /api/v1/tasks reads,
// overdue first; a task's deadline is extended through the run layer's
// generic Update form (POST /operator/runs/{id}/updates/extend), and its
// link is mailed again here.

//go:embed workbench/*.html
var workbenchFS embed.FS

// workbench serves the tasks page.
type workbench struct {
	plan  *plan.Plan
	store *Store
	*operator.Pages
}

func newWorkbench(d capability.Deps, store *Store) (*workbench, error) {
	pages, err := operator.NewPages(d, workbenchFS, "workbench/*.html", "tasks page", RunKind())
	if err != nil {
		return nil, err
	}
	return &workbench{plan: d.Plan, store: store, Pages: pages}, nil
}

func (wb *workbench) routes() []capability.Route {
	return []capability.Route{
		{Pattern: "GET /operator/tasks", Handler: http.HandlerFunc(wb.page), Access: capability.OperatorPage},
		{Pattern: "POST /operator/tasks/resend", Handler: http.HandlerFunc(wb.resend), Access: capability.OperatorPage},
	}
}

// Sort orders of the tasks page.
const (
	sortDue     = "frist"   // overdue first, then by deadline (the default)
	sortPartner = "partner" // by partner, then by deadline
	sortNewest  = "nyeste"  // newest request first
)

// taskRow is one task on the page.
type taskRow struct {
	datarequest.Task
	PartnerName string
	StatusText  string
	Open        bool
	// MinDue is the earliest new deadline the extend form offers.
	MinDue string
}

type tasksData struct {
	Partners []plan.Partner
	Partner  string
	Status   string
	Sort     string
	Rows     []taskRow
	Page     listing.Page
	// Next is the nearest deadline of an open task and what it is.
	Next     *taskRow
	Statuses []statusChoice
}

type statusChoice struct{ Value, Label string }

var taskStatuses = []statusChoice{
	{"", "Alle"}, {datarequest.StatusOpen, "Åbne"}, {FilterOverdue, "Overskredne"},
	{FilterDone, "Besvarede"}, {datarequest.StatusCancelled, "Annullerede"},
}

// GET /operator/tasks?partner=&status=&sort=&side=
func (wb *workbench) page(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Opgaver til partnerne"}
	switch q := r.URL.Query(); {
	case q.Get("sendt") != "":
		v.Flash = "Linket er sendt igen til partneren: " + q.Get("sendt") + "."
	}
	wb.render(w, r, http.StatusOK, v)
}

func (wb *workbench) render(w http.ResponseWriter, r *http.Request, status int, v operator.View) {
	q := r.URL.Query()
	d := tasksData{Partners: wb.plan.Partners, Partner: q.Get("partner"), Status: q.Get("status"), Sort: q.Get("sort"), Statuses: taskStatuses}
	if d.Partner != "" {
		if _, ok := wb.plan.Partner(d.Partner); !ok {
			v.Error, d.Partner = fmt.Sprintf("Ukendt partner %q; alle partneres opgaver vises.", d.Partner), ""
		}
	}
	if !ValidFilterStatus(d.Status) {
		v.Error, d.Status = fmt.Sprintf("Ukendt status %q; alle opgaver vises.", d.Status), ""
	}
	now := time.Now()
	tasks, err := wb.store.List(r.Context(), Filter{Partner: d.Partner, Status: d.Status}, now)
	if err != nil {
		wb.Log.Error("tasks page: list tasks", "err", err)
		v.Error, status = "Opgaverne kan ikke læses lige nu (Redis svarer ikke). Prøv igen om lidt.", http.StatusServiceUnavailable
	}
	rows := make([]taskRow, len(tasks))
	for i, t := range tasks {
		rows[i] = wb.row(t)
	}
	sortTasks(rows, d.Sort)
	for i := range rows {
		if rows[i].Open && (d.Next == nil || rows[i].Due < d.Next.Due) {
			d.Next = &rows[i]
		}
	}
	d.Rows, d.Page = listing.Paginate(rows, r)
	v.Data = d
	wb.Render(w, r, status, "tasks.html", v)
}

func (wb *workbench) row(t datarequest.Task) taskRow {
	row := taskRow{Task: t, PartnerName: t.Partner, Open: t.Status == datarequest.StatusOpen}
	if p, ok := wb.plan.Partner(t.Partner); ok {
		row.PartnerName = p.Name
	}
	switch {
	case t.Overdue:
		row.StatusText = "Fristen er overskredet"
	case t.Status == datarequest.StatusOpen:
		row.StatusText = "Åben"
	case t.Status == datarequest.StatusAnswered && t.OnTime:
		row.StatusText = "Besvaret til tiden"
	case t.Status == datarequest.StatusAnswered:
		row.StatusText = "Besvaret efter fristen"
	case t.Status == datarequest.StatusCancelled:
		row.StatusText = "Annulleret"
	default:
		row.StatusText = t.Status
	}
	if t.Escalated {
		row.StatusText += ", eskaleret"
	}
	if d, err := plan.ParseDate(t.Due); err == nil {
		row.MinDue = d.AddDays(1).String()
	}
	return row
}

// sortTasks orders rows by the page's sort; overdue ones come first in
// the default order.
func sortTasks(rows []taskRow, by string) {
	slices.SortStableFunc(rows, func(a, b taskRow) int {
		switch by {
		case sortPartner:
			if c := strings.Compare(a.PartnerName, b.PartnerName); c != 0 {
				return c
			}
		case sortNewest:
			return b.CreatedAt.Compare(a.CreatedAt)
		default:
			if a.Overdue != b.Overdue {
				if a.Overdue {
					return -1
				}
				return 1
			}
			if a.Open != b.Open {
				if a.Open {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a.Due, b.Due)
	})
}

// POST /operator/tasks/resend (request=…): the partner's contact gets the
// task's e-mail with the portal link again. It is the kind's reassign
// Update to the contact the task already has, so the mail carries a new
// key (it is sent, not deduplicated) and the run's history records it.
func (wb *workbench) resend(w http.ResponseWriter, r *http.Request) {
	id := r.PostForm.Get("request")
	fail := func(status int, msg string) {
		wb.render(w, r, status, operator.View{Title: "Opgaver til partnerne", Error: msg})
	}
	t, ok, err := wb.store.Get(r.Context(), id, time.Now())
	switch {
	case err != nil:
		wb.Log.Error("tasks page: read task", "err", err)
		fail(http.StatusServiceUnavailable, "Opgaven kan ikke læses lige nu (Redis svarer ikke). Intet er sendt; prøv igen om lidt.")
		return
	case !ok:
		fail(http.StatusNotFound, "Opgaven findes ikke. Intet er sendt.")
		return
	case t.Status != datarequest.StatusOpen:
		fail(http.StatusConflict, "Opgaven er ikke åben længere. Intet er sendt.")
		return
	}
	run, err := wb.Runner.Describe(r.Context(), t.WorkflowID)
	var st struct {
		Contact string `json:"contact"`
	}
	if err == nil && json.Unmarshal(run.State, &st) == nil && st.Contact == "" {
		err = fmt.Errorf("the state of %s names no contact (%s)", t.WorkflowID, run.StateError)
	}
	if err == nil {
		arg, _ := json.Marshal(datarequest.Reassignment{Contact: st.Contact, Reason: "Linket er sendt igen fra operatørsiden."})
		_, err = wb.Runner.Update(r.Context(), t.WorkflowID, datarequest.UpdateReassign, arg)
	}
	if err != nil {
		wb.Log.Warn("tasks page: resend link", "workflow", t.WorkflowID, "err", err)
		fail(runs.HTTPStatus(err), "Linket kunne ikke sendes igen: "+runs.Message(err))
		return
	}
	http.Redirect(w, r, "/operator/tasks?sendt="+url.QueryEscape(t.Title), http.StatusSeeOther)
}
