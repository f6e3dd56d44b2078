package meeting

import (
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"helhed/capability"
	"helhed/docstore"
	"helhed/operator"
	"helhed/operator/listing"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// The operators' workbench pages of meeting rounds: /operator/meetings
// lists the rounds through the run layer (as GET /api/v1/runs?kind=
// meeting-round) with their timeline, and /operator/meetings/{key} shows
// one round with the Updates it takes now, as links to the run page's
// generated forms.

//go:embed workbench/*.html
var workbenchFS embed.FS

type workbench struct {
	plan *plan.Plan
	docs docstore.Store
	*operator.Pages
}

func workbenchRoutes(d capability.Deps) ([]capability.Route, error) {
	if d.Temporal == nil {
		return nil, nil
	}
	pages, err := operator.NewPages(d, workbenchFS, "workbench/*.html", "meeting pages", RunKind())
	if err != nil {
		return nil, err
	}
	wb := &workbench{plan: d.Plan, docs: d.Documents, Pages: pages}
	return []capability.Route{
		{Pattern: "GET /operator/meetings", Handler: http.HandlerFunc(wb.list), Access: capability.OperatorPage},
		{Pattern: "GET /operator/meetings/{key}", Handler: http.HandlerFunc(wb.round), Access: capability.OperatorPage},
		{Pattern: "GET /operator/meetings/documents/{key...}", Handler: http.HandlerFunc(wb.document), Access: capability.OperatorPage},
	}, nil
}

// roundRow is one round: its run, its key's date and plan year, and (for
// the rows on the page) its state.
type roundRow struct {
	runs.Summary
	Key    string
	Date   plan.Date // the board date, or the summer meeting's
	Summer bool
	Year   string
	State  *meeting.State
	// NextDate and NextWhat are the round's next date ahead and what
	// happens then.
	NextDate plan.Date
	NextWhat string
	// Events are the round's dates in order, Answered and Asked its
	// data requests.
	Events          []event
	Answered, Asked int
	// Documents are the round's documents as links.
	Documents []document
	Accepts   []runs.Update
}

type document struct{ Key, Name string }

type listData struct {
	Years []string
	Year  string
	Sort  string
	Rows  []roundRow
	Page  listing.Page
	Next  *roundRow
}

// GET /operator/meetings?aar=&sort=&side=
func (wb *workbench) list(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Mødeforløb"}
	q := r.URL.Query()
	d := listData{Year: q.Get("aar"), Sort: q.Get("sort")}
	for _, y := range wb.plan.PlanYears() {
		d.Years = append(d.Years, y.Label)
	}
	sums, err := wb.Runner.List(r.Context(), runs.Filter{Kind: meeting.Kind, Limit: 1000})
	status := http.StatusOK
	if err != nil {
		wb.Log.Error("meetings page: list", "err", err)
		v.Error, status = "Mødeforløbene kan ikke læses lige nu (Temporal svarer ikke). Prøv igen om lidt.", runs.HTTPStatus(err)
	}
	var rows []roundRow
	seen := map[string]bool{}
	for _, s := range sums { // newest first: a rerun's latest run wins
		if seen[s.WorkflowID] {
			continue
		}
		seen[s.WorkflowID] = true
		row := wb.row(s)
		if d.Year == "" || row.Year == d.Year {
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(a, b roundRow) int {
		if d.Sort == "nyeste" {
			return b.Date.Compare(a.Date)
		}
		// Running rounds first, by date; closed ones after, newest first.
		if ar, br := a.Status == runs.StatusRunning, b.Status == runs.StatusRunning; ar != br {
			if ar {
				return -1
			}
			return 1
		} else if !ar {
			return b.Date.Compare(a.Date)
		}
		return a.Date.Compare(b.Date)
	})
	d.Rows, d.Page = listing.Paginate(rows, r)
	today := wb.plan.DateOf(time.Now())
	for i := range d.Rows {
		wb.describe(r, &d.Rows[i], today)
		if x := &d.Rows[i]; x.NextWhat != "" && (d.Next == nil || x.NextDate.Before(d.Next.NextDate)) {
			d.Next = x
		}
	}
	v.Data = d
	wb.Render(w, r, status, "meetings.html", v)
}

// GET /operator/meetings/{key}: one round (key: its board date, or
// summer-<date>).
func (wb *workbench) round(w http.ResponseWriter, r *http.Request) {
	id := meeting.Kind + "/" + wb.plan.ID + "/" + r.PathValue("key")
	s, err := wb.Runner.Describe(r.Context(), id)
	if err != nil {
		msg := "Mødeforløbet kan ikke læses: " + runs.Message(err)
		if runs.HTTPStatus(err) == http.StatusNotFound {
			msg = "Mødeforløbet findes ikke."
		}
		wb.Error(w, r, runs.HTTPStatus(err), msg)
		return
	}
	row := wb.row(s.Summary)
	wb.fill(&row, s, wb.plan.DateOf(time.Now()))
	wb.Render(w, r, http.StatusOK, "meeting.html", operator.View{Title: "Mødeforløb " + row.Key, Data: row})
}

// GET /operator/meetings/documents/{key...}: a round's kept document
// (key meetings/…), for the pages' session.
func (wb *workbench) document(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !strings.HasPrefix(key, "meetings/") || docstore.CheckKey(key) != nil {
		wb.Error(w, r, http.StatusBadRequest, "Ugyldigt dokumentnavn.")
		return
	}
	doc, err := wb.docs.Get(r.Context(), key)
	if errors.Is(err, docstore.ErrNotFound) {
		wb.Error(w, r, http.StatusNotFound, "Dokumentet findes ikke.")
		return
	}
	if err != nil {
		wb.Log.Error("meetings page: read document", "key", key, "err", err)
		wb.Error(w, r, http.StatusServiceUnavailable, "Dokumentet kan ikke læses lige nu. Prøv igen om lidt.")
		return
	}
	docstore.Serve(w, r, doc)
}

// row reads a round's key, date and plan year from its workflow ID.
func (wb *workbench) row(s runs.Summary) roundRow {
	row := roundRow{Summary: s, Key: strings.TrimPrefix(s.WorkflowID, meeting.Kind+"/"+wb.plan.ID+"/")}
	date := row.Key
	if after, ok := strings.CutPrefix(row.Key, "summer-"); ok {
		row.Summer, date = true, after
	}
	if d, err := plan.ParseDate(date); err == nil {
		row.Date = d
		if y, ok := wb.plan.YearOf(d); ok {
			row.Year = y.Label
		}
	}
	return row
}

// describe adds the round's state (its run's query) to a row on the page.
func (wb *workbench) describe(r *http.Request, row *roundRow, today plan.Date) {
	d, err := wb.Runner.Describe(r.Context(), row.WorkflowID)
	if err != nil {
		wb.Log.Warn("meetings page: describe round", "workflow", row.WorkflowID, "err", err)
		return
	}
	wb.fill(row, d, today)
}

func (wb *workbench) fill(row *roundRow, d runs.Description, today plan.Date) {
	var st meeting.State
	if len(d.State) == 0 || json.Unmarshal(d.State, &st) != nil {
		return
	}
	row.State = &st
	row.StageTitle = d.StageTitle
	if row.StageTitle == "" {
		row.StageTitle = meeting.StageTitles[st.Stage]
	}
	row.Events = timeline(st.Timeline)
	for _, q := range st.Requests {
		row.Asked++
		if q.Status == datarequest.StatusAnswered {
			row.Answered++
		}
	}
	for _, k := range st.Documents {
		row.Documents = append(row.Documents, document{Key: k, Name: path.Base(k)})
	}
	k, _ := wb.Runner.Kinds.Lookup(meeting.Kind)
	for _, name := range d.Accepts {
		if u, ok := k.FindUpdate(name); ok {
			row.Accepts = append(row.Accepts, u)
		}
	}
	if d.Status != runs.StatusRunning {
		return
	}
	for _, e := range row.Events {
		if !e.Date.IsZero() && !e.Date.Before(today) {
			row.NextDate, row.NextWhat = e.Date, e.What
			return
		}
	}
}

// event is one date of a round's timeline.
type event struct {
	Date plan.Date
	What string
}

// timeline lists a round's dates in order, with what happens on each.
func timeline(t meeting.Timeline) []event {
	all := []event{
		{t.Open, "Dataanmodningerne sendes"},
		{t.Due, "Frist for partnernes data"},
		{t.Report, "Fremdriftsrapport og dagsorden udsendes"},
		{t.SteeringReminder, "Påmindelse om styregruppens møde"},
		{t.Steering, "Styregruppens møde"},
		{t.Pack, "Bestyrelsens mødemateriale udsendes"},
		{t.BoardReminder, "Påmindelse om bestyrelsens møde"},
		{t.Board, "Bestyrelsens møde"},
		{t.Close, "Forløbet afsluttes (frist for beslutningerne)"},
	}
	out := all[:0]
	for _, e := range all {
		if !e.Date.IsZero() {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b event) int { return a.Date.Compare(b.Date) })
	return out
}
