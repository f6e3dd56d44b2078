package calendar

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/redis/go-redis/v9"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/adapters/datarequest/tokens"
	evictionadapter "helhed/adapters/eviction"
	meetingadapter "helhed/adapters/meeting"
	"helhed/calendar"
	"helhed/danish"
	"helhed/operator"
	"helhed/plan"
	"helhed/web"
	"helhed/workflows/datarequest"
)

//go:embed templates/*.html
var templateFS embed.FS

// ContentType is the feed's media type: RFC 5545, no iTIP method (a
// subscription publishes, it invites no one).
const ContentType = "text/calendar; charset=UTF-8"

// DueDays is how far ahead the operator page looks.
const DueDays = 30

type server struct {
	plan      *plan.Plan
	redis     redis.UniversalClient
	log       *slog.Logger
	publicURL string
	tmpl      *template.Template
	tokens    *tokens.Tokens
	revisions *revisions
}

// What the derived calendar holds besides the plan's own dates.
type liveParts int

const (
	// everything: meetings, requests and eviction deadlines (feed, page).
	everything liveParts = iota
	// withoutCases leaves out eviction deadlines, whose counts read every
	// case (the metrics: a scrape must stay O(series)).
	withoutCases
)

// live reads what the calendar needs from the read model.
func (s *server) live(ctx context.Context, now time.Time, parts liveParts) (calendar.Live, error) {
	var live calendar.Live
	rounds, err := meetingadapter.ReadRounds(ctx, s.redis, s.plan.ID)
	if err != nil {
		return live, err
	}
	for _, r := range rounds {
		live.Rounds = append(live.Rounds, calendar.Round{Key: r.Key, Steering: r.Steering, Board: r.Board})
	}
	tasks, err := (&datarequestadapter.Store{R: s.redis, Loc: s.plan.Location()}).List(ctx, datarequestadapter.Filter{}, now)
	if err != nil {
		return live, err
	}
	type dueKey struct {
		due     plan.Date
		partner string
	}
	byDue := map[dueKey]*calendar.DueRequests{}
	var order []dueKey
	for _, t := range tasks {
		due, err := plan.ParseDate(t.Due)
		if err != nil || (t.Status != datarequest.StatusOpen && t.Status != datarequest.StatusAnswered) {
			continue
		}
		k := dueKey{due, t.Partner}
		if byDue[k] == nil {
			byDue[k] = &calendar.DueRequests{Due: due, Partner: t.Partner}
			order = append(order, k)
		}
		if t.Status == datarequest.StatusOpen {
			byDue[k].Open++
		} else {
			byDue[k].Answered++
		}
	}
	for _, k := range order {
		live.Requests = append(live.Requests, *byDue[k])
	}
	if parts == withoutCases {
		return live, nil
	}
	cases, err := (&evictionadapter.ReadModel{R: s.redis}).List(ctx, evictionadapter.Filter{})
	if err != nil {
		return live, err
	}
	type caseKey struct {
		due   plan.Date
		stage string
	}
	counts := map[caseKey]int{}
	var caseOrder []caseKey
	for _, c := range cases {
		if c.NextDue.IsZero() || !c.Closed.IsZero() {
			continue
		}
		k := caseKey{c.NextDue, string(c.Stage)}
		if counts[k] == 0 {
			caseOrder = append(caseOrder, k)
		}
		counts[k]++
	}
	for _, k := range caseOrder {
		live.Cases = append(live.Cases, calendar.CaseDeadline{Due: k.due, Stage: k.stage, Cases: counts[k]})
	}
	return live, nil
}

func (s *server) milestones(ctx context.Context, now time.Time, parts liveParts) ([]calendar.Milestone, error) {
	live, err := s.live(ctx, now, parts)
	if err != nil {
		return nil, err
	}
	return calendar.Derive(s.plan, live)
}

var feedFile = regexp.MustCompile(`^([A-Za-z0-9_-]{43})\.ics$`)

// GET /calendar/<token>.ics: the feed. An unknown, malformed, rotated or
// revoked token is 404, as is any other file name, so that a token cannot
// be told from a wrong address.
func (s *server) feed(w http.ResponseWriter, r *http.Request) {
	m := feedFile.FindStringSubmatch(r.PathValue("file"))
	if m == nil {
		http.NotFound(w, r)
		return
	}
	name, ok, err := s.tokens.Lookup(r.Context(), m[1])
	if err != nil {
		s.log.Error("calendar: look up token", "err", err)
		http.Error(w, "Kalenderen kan ikke vises lige nu; prøv igen om lidt.", http.StatusServiceUnavailable)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	now := time.Now()
	ms, err := s.milestones(r.Context(), now, everything)
	if err != nil {
		s.log.Error("calendar: derive", "subscriber", name, "err", err)
		http.Error(w, "Kalenderen kan ikke vises lige nu; prøv igen om lidt.", http.StatusServiceUnavailable)
		return
	}
	revs, err := s.revisions.of(r.Context(), ms, now)
	if err != nil {
		s.log.Error("calendar: revisions", "err", err)
		http.Error(w, "Kalenderen kan ikke vises lige nu; prøv igen om lidt.", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = io.WriteString(w, Render(s.plan, ms, revs))
}

// Render writes the milestones as one VCALENDAR (RFC 5545): one VEVENT
// each with its stable UID, SEQUENCE and LAST-MODIFIED (DTSTAMP, which
// without a METHOD is when the entry last changed).
func Render(p *plan.Plan, ms []calendar.Milestone, revs map[string]revision) string {
	cal := ics.NewCalendar()
	cal.SetProductId("-//helhed//helhedsplan kalender//DA")
	cal.SetName("Helhedsplan: " + p.Name)
	cal.SetXWRCalName("Helhedsplan: " + p.Name)
	cal.SetDescription("Helhedsplanens milepæle: møder, frister, fraværsrunder, statistikudtræk, årsrapport, teammøder og udsættelsesfrister (kun antal).")
	cal.SetXWRCalDesc("Helhedsplanens milepæle")
	cal.SetTimezoneId(p.Location().String())
	cal.SetXWRTimezone(p.Location().String())
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, m := range ms {
		rev := revs[m.UID]
		ev := cal.AddEvent(m.UID)
		ev.SetDtStampTime(rev.Modified)
		ev.SetLastModifiedAt(rev.Modified)
		ev.SetSequence(rev.Seq)
		if m.AllDay {
			ev.SetAllDayStartAt(m.Start.In(p.Location()))
			ev.SetAllDayEndAt(m.End.In(p.Location()))
			ev.SetTimeTransparency(ics.TransparencyTransparent)
		} else {
			ev.SetStartAt(m.Start.UTC())
			ev.SetEndAt(m.End.UTC())
		}
		ev.SetSummary(m.Summary)
		if m.Description != "" {
			ev.SetDescription(m.Description)
		}
		ev.AddProperty(ics.ComponentPropertyCategories, m.Kind)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// FeedURL is a subscriber's feed address.
func FeedURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/calendar/" + token + ".ics"
}

// subscriberName: a role or group, never a person ("sekretariatet",
// "styregruppen").
var subscriberName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

type tokenAnswer struct {
	Subscriber string    `json:"subscriber"`
	URL        string    `json:"url"`
	ExpiresAt  time.Time `json:"expiresAt"`
	Rotated    bool      `json:"rotated"`
}

// POST /api/v1/calendar/subscribers/{name}/token [?rotate=true or
// {"rotate": true}]: the subscriber's feed address, issued if there is
// none; rotate replaces it (the old address stops working).
func (s *server) issueToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !subscriberName.MatchString(name) {
		web.WriteError(w, http.StatusBadRequest, "navnet skal være 1–40 små bogstaver, cifre eller bindestreger og nævne en rolle eller gruppe (fx sekretariatet), ikke en person", "name")
		return
	}
	var req struct {
		Rotate bool `json:"rotate"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4096))
	if err != nil {
		web.WriteError(w, http.StatusBadRequest, "indholdet er for stort", "")
		return
	}
	if strings.TrimSpace(string(body)) != "" {
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
	issue := s.tokens.Ensure
	if req.Rotate {
		issue = s.tokens.Rotate
	}
	got, err := issue(r.Context(), name)
	if err != nil {
		s.log.Error("calendar: issue token", "subscriber", name, "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "adressen kunne ikke udstedes; prøv igen om lidt", "")
		return
	}
	web.WriteJSON(w, http.StatusOK, tokenAnswer{Subscriber: name, URL: FeedURL(s.publicURL, got.Token), ExpiresAt: got.ExpiresAt, Rotated: req.Rotate})
}

// DELETE /api/v1/calendar/subscribers/{name}/token: the address stops
// working.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !subscriberName.MatchString(name) {
		web.WriteError(w, http.StatusBadRequest, "ugyldigt abonnentnavn", "name")
		return
	}
	revoked, err := s.tokens.Revoke(r.Context(), name)
	if err != nil {
		s.log.Error("calendar: revoke token", "subscriber", name, "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "adressen kunne ikke tilbagekaldes; prøv igen om lidt", "")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"subscriber": name, "revoked": revoked})
}

// dueItem is one milestone of the next DueDays days.
type dueItem struct {
	Day         plan.Date `json:"day"`
	Start       time.Time `json:"start"`
	AllDay      bool      `json:"allDay"`
	Kind        string    `json:"kind"`
	Summary     string    `json:"summary"`
	Description string    `json:"description,omitempty"`
}

func (s *server) due(ctx context.Context, now time.Time) ([]dueItem, plan.Date, plan.Date, error) {
	ms, err := s.milestones(ctx, now, everything)
	if err != nil {
		return nil, plan.Date{}, plan.Date{}, err
	}
	loc := s.plan.Location()
	first := plan.DateOf(now.In(loc))
	last := first.AddDays(DueDays - 1)
	var out []dueItem
	for _, m := range calendar.Between(ms, loc, first, last) {
		out = append(out, dueItem{Day: m.Day(loc), Start: m.Start, AllDay: m.AllDay, Kind: m.Kind, Summary: m.Summary, Description: m.Description})
	}
	return out, first, last, nil
}

// GET /api/v1/calendar/due: what the operator page shows, as JSON.
func (s *server) dueJSON(w http.ResponseWriter, r *http.Request) {
	items, first, last, err := s.due(r.Context(), time.Now())
	if err != nil {
		s.log.Error("calendar: due", "err", err)
		web.WriteError(w, http.StatusServiceUnavailable, "kalenderen kan ikke læses lige nu; prøv igen om lidt", "")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"from": first, "to": last, "items": items})
}

// GET /operator/kalender: the next DueDays days, Danish, no JavaScript.
func (s *server) page(w http.ResponseWriter, r *http.Request) {
	items, first, last, err := s.due(r.Context(), time.Now())
	v := operator.View{Title: fmt.Sprintf("Kalender: de næste %d dage", DueDays),
		Data: map[string]any{"From": danish.Date(first), "To": danish.Date(last), "Items": items, "Days": DueDays, "Plan": s.plan.Name, "Loc": s.plan.Location()}}
	status := http.StatusOK
	if err != nil {
		s.log.Error("calendar: page", "err", err)
		status = http.StatusServiceUnavailable
		v.Error = "Kalenderen kan ikke læses lige nu (Redis svarer ikke). Prøv igen om lidt."
	}
	operator.Render(w, r, status, s.tmpl, "kalender.html", v, s.log)
}

// dayText writes a due item's day and time for the page.
func dayText(it dueItem, loc *time.Location) string {
	if it.AllDay {
		return danish.LongDate(it.Day)
	}
	return fmt.Sprintf("%s kl. %s", danish.LongDate(it.Day), it.Start.In(loc).Format("15.04"))
}
