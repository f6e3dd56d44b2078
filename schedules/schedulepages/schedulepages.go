// Package schedulepages is the operators' workbench page of the plan's
// Temporal Schedules: /operator/schedules lists them with their state,
// next and last fire and note, and pauses, unpauses and triggers them
// through package schedules, as `starter schedules` does.
package schedulepages

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/capability"
	"helhed/operator"
	"helhed/operator/listing"
	"helhed/plan"
	"helhed/schedules"
)

//go:embed templates/*.html
var templateFS embed.FS

// maxNote bounds a pause note.
const maxNote = 500

// Pages is the schedules page as a capability of routes only (the
// schedules belong to no capability), for app to wire with the others';
// sources are the capabilities' schedule sources, which title the
// schedules.
func Pages(c client.Client, p *plan.Plan, sources []schedules.Source, log *slog.Logger) capability.Capability {
	if log == nil {
		log = slog.Default()
	}
	specs, err := schedules.Desired(p, sources)
	if err != nil {
		// The start's sync fails on the same error; the page still lists
		// the schedules, by ID.
		log.Error("schedules page: the plan's schedules", "err", err)
	}
	tmpl := template.Must(operator.Layout(p.Location()).ParseFS(templateFS, "templates/*.html"))
	s := &server{temporal: c, plan: p, specs: specs, tmpl: tmpl, log: log}
	return capability.Capability{Name: "schedules", Routes: []capability.Route{
		{Pattern: "GET /operator/schedules", Handler: http.HandlerFunc(s.page), Access: capability.OperatorPage},
		{Pattern: "POST /operator/schedules/pause", Handler: http.HandlerFunc(s.pause), Access: capability.OperatorPage},
		{Pattern: "POST /operator/schedules/unpause", Handler: http.HandlerFunc(s.unpause), Access: capability.OperatorPage},
		{Pattern: "POST /operator/schedules/trigger", Handler: http.HandlerFunc(s.trigger), Access: capability.OperatorPage},
	}}
}

type server struct {
	temporal client.Client
	plan     *plan.Plan
	specs    []schedules.Spec // the plan's, for the titles
	tmpl     *template.Template
	log      *slog.Logger
}

// row is one schedule on the page.
type row struct {
	schedules.Listed
	Cycle string     // the ID after helhed/<plan>/
	Name  string     // the Title, or Cycle for a schedule without one
	Next  *time.Time // the next fire time, nil when none
	Last  *time.Time
}

type pageData struct {
	State string // "", "aktive", "pause"
	Sort  string // "naeste" (default), "navn"
	Rows  []row
	Page  listing.Page
	Next  *row // the schedule that fires next
}

// GET /operator/schedules?tilstand=&sort=&side=
func (s *server) page(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Tidsplaner"}
	switch q := r.URL.Query(); {
	case q.Get("pause") != "":
		v.Flash = "Tidsplanen " + q.Get("pause") + " er sat på pause."
	case q.Get("genoptaget") != "":
		v.Flash = "Tidsplanen " + q.Get("genoptaget") + " er genoptaget."
	case q.Get("udloest") != "":
		v.Flash = "Tidsplanen " + q.Get("udloest") + " er udløst nu."
	}
	s.render(w, r, http.StatusOK, v)
}

// render shows the list with v's messages.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, v operator.View) {
	q := r.URL.Query()
	d := pageData{State: q.Get("tilstand"), Sort: q.Get("sort")}
	listed, err := schedules.List(r.Context(), s.temporal, s.specs)
	if err != nil {
		s.log.Error("schedules page: list", "err", err)
		v.Error, status = "Tidsplanerne kan ikke læses lige nu (Temporal svarer ikke). Prøv igen om lidt.", http.StatusServiceUnavailable
	}
	rows := make([]row, 0, len(listed))
	for _, l := range listed {
		s.refresh(r, &l)
		if (d.State == "aktive" && l.Paused) || (d.State == "pause" && !l.Paused) {
			continue
		}
		rw := row{Listed: l, Cycle: strings.TrimPrefix(l.ID, schedules.ID(s.plan.ID, ""))}
		rw.Name = cmp.Or(l.Title, rw.Cycle)
		if len(l.Next) > 0 {
			rw.Next = &l.Next[0]
		}
		if n := len(l.Recent); n > 0 {
			rw.Last = &l.Recent[n-1]
		}
		rows = append(rows, rw)
	}
	if d.Sort == "navn" {
		slices.SortStableFunc(rows, func(a, b row) int { return strings.Compare(a.Name, b.Name) })
	} else {
		// The next to fire first; paused ones (no next time) last, by ID.
		slices.SortStableFunc(rows, func(a, b row) int {
			switch {
			case a.Next == nil && b.Next == nil:
				return strings.Compare(a.ID, b.ID)
			case a.Next == nil:
				return 1
			case b.Next == nil:
				return -1
			}
			return a.Next.Compare(*b.Next)
		})
	}
	for i := range rows {
		if rows[i].Next != nil && !rows[i].Paused && (d.Next == nil || rows[i].Next.Before(*d.Next.Next)) {
			d.Next = &rows[i]
		}
	}
	d.Rows, d.Page = listing.Paginate(rows, r)
	v.Data = d
	operator.Render(w, r, status, s.tmpl, "schedules.html", v, s.log)
}

// refresh reads l's state from its description: the list comes from
// Temporal's visibility store, which shows a pause or a trigger a moment
// late, and the page is usually read right after one.
func (s *server) refresh(r *http.Request, l *schedules.Listed) {
	d, err := s.temporal.ScheduleClient().GetHandle(r.Context(), l.ID).Describe(r.Context())
	if err != nil {
		s.log.Warn("schedules page: describe", "schedule", l.ID, "err", err)
		return
	}
	if st := d.Schedule.State; st != nil {
		l.Paused, l.Note = st.Paused, st.Note
	}
	l.Next, l.Recent = d.Info.NextActionTimes, nil
	for _, a := range d.Info.RecentActions {
		l.Recent = append(l.Recent, a.ScheduleTime)
	}
}

// scheduleID is the posted schedule's ID, or "" when it is not a helhed
// schedule.
func scheduleID(r *http.Request) string {
	id := r.PostForm.Get("id")
	if !strings.HasPrefix(id, schedules.Prefix) || strings.ContainsAny(id, " \t\r\n") {
		return ""
	}
	return id
}

// act runs op on the posted schedule and sends the browser back to the
// list with flash=ID, or shows the list with the error.
func (s *server) act(w http.ResponseWriter, r *http.Request, flash string, op func(id string) error) {
	id := scheduleID(r)
	if id == "" {
		s.render(w, r, http.StatusBadRequest, operator.View{Title: "Tidsplaner", Error: "Ukendt tidsplan. Intet er ændret."})
		return
	}
	if err := op(id); err != nil {
		s.log.Warn("schedules page", "schedule", id, "err", err)
		s.render(w, r, http.StatusBadGateway, operator.View{Title: "Tidsplaner", Error: "Intet er ændret: " + err.Error() + "."})
		return
	}
	http.Redirect(w, r, "/operator/schedules?"+flash+"="+url.QueryEscape(id), http.StatusSeeOther)
}

// POST /operator/schedules/pause (id, note): the note is required, so
// the next operator sees why.
func (s *server) pause(w http.ResponseWriter, r *http.Request) {
	note := strings.TrimSpace(r.PostForm.Get("note"))
	switch {
	case note == "":
		s.render(w, r, http.StatusBadRequest, operator.View{Title: "Tidsplaner", Error: "Skriv en note om, hvorfor tidsplanen sættes på pause. Intet er ændret."})
		return
	case len(note) > maxNote:
		s.render(w, r, http.StatusBadRequest, operator.View{Title: "Tidsplaner", Error: fmt.Sprintf("Noten må højst fylde %d tegn. Intet er ændret.", maxNote)})
		return
	}
	s.act(w, r, "pause", func(id string) error { return schedules.Pause(r.Context(), s.temporal, id, note) })
}

// POST /operator/schedules/unpause (id)
func (s *server) unpause(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "genoptaget", func(id string) error {
		return schedules.Unpause(r.Context(), s.temporal, id, "genoptaget fra operatørsiden")
	})
}

// POST /operator/schedules/trigger (id)
func (s *server) trigger(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "udloest", func(id string) error { return schedules.Trigger(r.Context(), s.temporal, id) })
}
