package eviction

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"helhed/arrears"
	"helhed/danish"
	"helhed/operator"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

//go:embed templates/*.html
var templateFS embed.FS

// PageSize is how many cases the case list shows a page.
const PageSize = 50

// pages are the operators' pages of eviction prevention: the case list,
// a case, and the arrears import. They read the same read model as
// GET /api/v1/cases, steer cases through the run layer as the API does,
// and import with the importer of POST /api/v1/arrears.
type pages struct {
	plan     *plan.Plan
	model    *ReadModel
	importer *Importer
	runner   *runs.Runner
	tmpl     *template.Template
	log      *slog.Logger
	now      func() time.Time
}

func newPages(p *plan.Plan, model *ReadModel, importer *Importer, runner *runs.Runner, log *slog.Logger) (*pages, error) {
	tmpl, err := operator.Layout(p.Location()).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("eviction templates: %w", err)
	}
	return &pages{plan: p, model: model, importer: importer, runner: runner, tmpl: tmpl, log: log, now: time.Now}, nil
}

func (pg *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, v operator.View) {
	operator.Render(w, r, status, pg.tmpl, name, v, pg.log)
}

// --- the case list ---

// caseSorts are the case list's orders, by their query value.
var caseSorts = []runs.Choice{
	{Value: "frist", Label: "Næste frist først"},
	{Value: "nyeste", Label: "Nyeste sag først"},
	{Value: "restance", Label: "Største restance først"},
}

// caseList is the case list page.
type caseList struct {
	Stage, Area, Organisation, Sort string
	Stages, Areas, Organisations    []runs.Choice
	Sorts                           []runs.Choice
	Rows                            []caseListRow
	Total, From, To                 int
	Prev, Next                      string // the pages' addresses ("" at either end)
}

// caseListRow is one case in the list.
type caseListRow struct {
	Tenancy, Area, Organisation, Department, Stage, Outcome string
	Arrears                                                 eviction.Money
	NextDue                                                 plan.Date
	NextDueTitle                                            string
	Overdue                                                 bool
	Episode                                                 int
}

// GET /operator/cases?stage=&area=&organisation=&sort=&side=
func (pg *pages) cases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := caseList{Stage: q.Get("stage"), Area: q.Get("area"), Organisation: q.Get("organisation"), Sort: q.Get("sort"), Sorts: caseSorts}
	for _, st := range eviction.Stages {
		d.Stages = append(d.Stages, runs.Choice{Value: string(st), Label: eviction.StageTitles[string(st)]})
	}
	for _, a := range pg.plan.Areas {
		d.Areas = append(d.Areas, runs.Choice{Value: a.ID, Label: a.Name})
	}
	for _, o := range pg.plan.HousingOrganisations {
		d.Organisations = append(d.Organisations, runs.Choice{Value: o.ID, Label: o.Name})
	}
	v := operator.View{Title: "Sager", Data: &d}
	var bad []string
	if d.Stage != "" && !hasChoice(d.Stages, d.Stage) {
		bad, d.Stage = append(bad, "fase"), ""
	}
	if d.Area != "" && !hasChoice(d.Areas, d.Area) {
		bad, d.Area = append(bad, "boligområde"), ""
	}
	if d.Organisation != "" && !hasChoice(d.Organisations, d.Organisation) {
		bad, d.Organisation = append(bad, "boligorganisation"), ""
	}
	if d.Sort == "" || !hasChoice(caseSorts, d.Sort) {
		d.Sort = caseSorts[0].Value
	}
	page, err := strconv.Atoi(q.Get("side"))
	if err != nil || page < 1 {
		page = 1
	}
	if len(bad) > 0 {
		v.Error = "Ukendt " + strings.Join(bad, " og ") + " i filteret; det er ignoreret."
	}
	views, err := pg.model.List(r.Context(), Filter{Stage: eviction.Stage(d.Stage), Area: d.Area, Organisation: d.Organisation}.VisibleTo(r.Context()))
	if err != nil {
		pg.log.Error("list cases", "err", err)
		v.Error = "Sagsoversigten (Redis) svarer ikke; prøv igen om lidt."
		pg.render(w, r, http.StatusServiceUnavailable, "cases.html", v)
		return
	}
	sortCases(views, d.Sort)
	today := eviction.DateOf(pg.now())
	d.Total = len(views)
	start := min((page-1)*PageSize, d.Total)
	end := min(start+PageSize, d.Total)
	d.From, d.To = start+1, end
	link := func(p int) string {
		v := url.Values{}
		for k, s := range map[string]string{"stage": d.Stage, "area": d.Area, "organisation": d.Organisation, "sort": d.Sort} {
			if s != "" {
				v.Set(k, s)
			}
		}
		v.Set("side", strconv.Itoa(p))
		return "/operator/cases?" + v.Encode()
	}
	if start > 0 {
		d.Prev = link(page - 1)
	}
	if end < d.Total {
		d.Next = link(page + 1)
	}
	for _, c := range views[start:end] {
		d.Rows = append(d.Rows, caseListRow{
			Tenancy: c.Tenancy, Area: pg.areaName(c.Area), Organisation: pg.organisationName(c.Organisation), Department: c.Department,
			Stage: eviction.StageTitles[string(c.Stage)], Outcome: eviction.OutcomeTitles[c.Outcome], Arrears: c.Arrears,
			NextDue: c.NextDue, NextDueTitle: c.NextDueTitle(), Overdue: c.Overdue(today), Episode: c.Episode,
		})
	}
	pg.render(w, r, http.StatusOK, "cases.html", v)
}

func hasChoice(cs []runs.Choice, v string) bool {
	return slices.ContainsFunc(cs, func(c runs.Choice) bool { return c.Value == v })
}

// sortCases orders the list: by next deadline (cases without one last,
// then the newest first), newest case first, or largest arrears first.
func sortCases(vs []eviction.View, by string) {
	newest := func(a, b eviction.View) bool { return a.Opened.After(b.Opened) }
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		switch by {
		case "nyeste":
			return newest(a, b)
		case "restance":
			if a.Arrears != b.Arrears {
				return a.Arrears > b.Arrears
			}
			return newest(a, b)
		}
		switch {
		case a.NextDue.IsZero() != b.NextDue.IsZero():
			return !a.NextDue.IsZero()
		case a.NextDue != b.NextDue:
			return a.NextDue.Before(b.NextDue)
		}
		return newest(a, b)
	})
}

func (pg *pages) areaName(id string) string {
	if a, ok := pg.plan.Area(id); ok {
		return a.Name
	}
	return id
}

func (pg *pages) organisationName(id string) string {
	if o, ok := pg.plan.HousingOrganisation(id); ok {
		return o.Name
	}
	return id
}

// --- one case ---

// casePage is one case's page.
type casePage struct {
	runs.Description
	Tenancy      string
	State        eviction.State
	View         eviction.View
	StageTitle   string
	OutcomeTitle string
	Area         string
	Organisation string
	Legal        []legalDate
	Instalments  []instalmentRow
	Timeline     []timelineRow
	Actions      []caseAction
	StatusText   string // the run's status in Danish
	// ShowContact shows the tenant's contact details: every operator may
	// see them until roles come (issue 18), and then this is the check.
	ShowContact bool
}

// legalDate is one date of the legal clock with its reason.
type legalDate struct {
	Label  string
	Date   plan.Date
	Reason string
}

type instalmentRow struct {
	eviction.Instalment
	StatusTitle string
}

// timelineRow is one thing that happened to the case, in Danish.
type timelineRow struct {
	On   plan.Date // the day it concerns
	At   time.Time // when it was recorded
	What string
	By   string // who took the step ("" for the process: lists, timers, notices)
}

// caseAction is one Update the case's stage takes, as a form.
type caseAction struct {
	runs.Update
	Fields []operator.FormField
	Error  string
}

// GET /operator/cases/{tenancy}
func (pg *pages) casePage(w http.ResponseWriter, r *http.Request) {
	v := operator.View{Title: "Sag"}
	switch q := r.URL.Query(); {
	case q.Get("udfoert") != "":
		if u, ok := pg.kind().FindUpdate(q.Get("udfoert")); ok {
			v.Flash = "Registreret: " + u.Title + "."
		}
	}
	pg.showCase(w, r, v, http.StatusOK, "", nil, "")
}

func (pg *pages) kind() runs.Kind {
	k, _ := pg.runner.Kinds.Lookup(eviction.Kind)
	return k
}

// showCase renders the case's page; failed names the action whose form
// gets errs and msg.
func (pg *pages) showCase(w http.ResponseWriter, r *http.Request, v operator.View, status int, failed string, errs map[string]string, msg string) {
	tenancy := r.PathValue("tenancy")
	d, err := pg.runner.Describe(r.Context(), eviction.WorkflowID(tenancy))
	var re *runs.Error
	if errors.As(err, &re) && re.Code == runs.CodeNotFound {
		operator.RenderError(w, r, http.StatusNotFound, pg.tmpl, "Sagen findes ikke (ukendt lejemål).", pg.log)
		return
	}
	if err != nil {
		operator.RenderError(w, r, runs.HTTPStatus(err), pg.tmpl, operator.ErrorMessage(err, pg.log), pg.log)
		return
	}
	c := casePage{Description: d, Tenancy: tenancy, StatusText: runs.StatusTitle(d.Status), ShowContact: true}
	if d.StateError != "" || json.Unmarshal(d.State, &c.State) != nil {
		v.Error = "Sagens oplysninger kunne ikke læses lige nu: " + d.StateError
	}
	c.View = eviction.NewView(c.State, d.WorkflowID)
	c.StageTitle = eviction.StageTitles[string(c.State.Stage)]
	c.OutcomeTitle = eviction.OutcomeTitles[c.State.Outcome]
	c.Area, c.Organisation = pg.areaName(c.State.Area), pg.organisationName(c.State.Organisation)
	c.Legal = legalDates(c.State.Legal)
	if pl := c.State.Plan; pl != nil {
		for _, in := range pl.Instalments {
			c.Instalments = append(c.Instalments, instalmentRow{Instalment: in, StatusTitle: instalmentTitles[in.Status]})
		}
	}
	for _, s := range c.State.Steps {
		c.Timeline = append(c.Timeline, timelineRow{On: s.On, At: s.At, What: stepText(s.Step), By: s.By.Label()})
	}
	accepts := map[string]bool{}
	for _, a := range d.Accepts {
		accepts[a] = true
	}
	for _, u := range pg.kind().Updates {
		if !accepts[u.Name] {
			continue
		}
		a := caseAction{Update: u, Fields: operator.FormFields(u.ArgFields(pg.plan), nil, nil)}
		if u.Name == failed {
			a.Fields, a.Error = operator.FormFields(u.ArgFields(pg.plan), r.PostForm, errs), msg
		}
		c.Actions = append(c.Actions, a)
	}
	if failed != "" && v.Error == "" {
		v.Error = msg
	}
	v.Title = "Sag " + tenancy
	v.Data = c
	pg.render(w, r, status, "case.html", v)
}

// POST /operator/cases/{tenancy}/actions/{name}: the form's Update, sent
// through the run layer; back to the case with a flash, or the form again
// with the errors beside its fields.
func (pg *pages) action(w http.ResponseWriter, r *http.Request) {
	tenancy, name := r.PathValue("tenancy"), r.PathValue("name")
	u, ok := pg.kind().FindUpdate(name)
	if !ok {
		pg.showCase(w, r, operator.View{}, http.StatusBadRequest, "", nil, fmt.Sprintf("Ukendt handling %s.", arrears.Quote(name)))
		return
	}
	body, err := operator.FormJSON(u.ArgFields(pg.plan), r.PostForm, pg.plan.Location())
	if err == nil {
		_, err = pg.runner.Update(r.Context(), eviction.WorkflowID(tenancy), name, body)
	}
	if err != nil {
		status, msg, errs := operator.FormErrors(err, "", pg.log)
		pg.showCase(w, r, operator.View{}, status, name, errs, msg)
		return
	}
	http.Redirect(w, r, "/operator/cases/"+url.PathEscape(tenancy)+"?udfoert="+url.QueryEscape(name), http.StatusSeeOther)
}

var instalmentTitles = map[string]string{
	eviction.InstalmentPending: "afventer", eviction.InstalmentKept: "betalt", eviction.InstalmentMissed: "ikke betalt",
}

// legalDates are the legal clock's dates in order, each with its reason.
func legalDates(l *eviction.Legal) []legalDate {
	if l == nil {
		return nil
	}
	sent := ""
	if l.DemandMethod != "" {
		sent = "Sendt som " + legal.MethodTitles[l.DemandMethod] + "."
	}
	deadline := l.DeadlineReason
	if l.DeadlinePassed {
		deadline = strings.TrimSpace(deadline + " Fristen er udløbet.")
	}
	notice := ""
	if !l.KommuneNoticeFailedOn.IsZero() {
		notice = l.KommuneNoticeFailure
	}
	all := []legalDate{
		{"Juridisk forløb startet", l.StartedOn, ""},
		{"Ubetalt forfaldsdato", l.DueDate, "Den ubetalte leje, forløbet regnes fra."},
		{"Sidste rettidige betalingsdag", l.LastDayToPay, l.LastDayToPayReason},
		{"Påkrav tidligst", l.DemandEarliest, l.DemandEarliestReason},
		{"Påkrav sendt", l.DemandSentOn, sent},
		{"Påkrav modtaget", l.DemandReceivedOn, l.DemandReceivedReason},
		{"Betalingsfrist efter påkrav", l.Deadline, deadline},
		{"Ophævelse tidligst", l.TerminationEarliest, l.TerminationEarliestReason},
		{"Lejemålet ophævet", l.TerminatedOn, ""},
		{"Kommunen underrettet (almenlejeloven § 92)", l.KommuneNotifiedOn, ""},
		{"Underretning af kommunen mislykkedes", l.KommuneNoticeFailedOn, notice},
		{"Begæring til fogedretten", l.CourtRequestedOn, ""},
	}
	var out []legalDate
	for _, d := range all {
		if !d.Date.IsZero() {
			out = append(out, d)
		}
	}
	return out
}

// The workflow logs its steps in English (its history keeps them as
// written); stepTexts says them in Danish for the timeline, dates in
// Danish form. A step no pattern knows shows as it was logged.
var stepTexts = []struct {
	re   *regexp.Regexp
	text func(m []string) string
}{
	{regexp.MustCompile(`^opened from (list|operator)$`), func(m []string) string {
		return map[string]string{"list": "oprettet fra en rykkerliste", "operator": "oprettet af en operatør"}[m[1]]
	}},
	{regexp.MustCompile(`^outreach task created$`), func([]string) string { return "opgave om opsøgende kontakt oprettet" }},
	{regexp.MustCompile(`^contact made; budget counselling started$`), func([]string) string { return "kontakt opnået; økonomisk rådgivning startet" }},
	{regexp.MustCompile(`^payment plan agreed: (\d+) instalment\(s\)$`), func(m []string) string { return "afdragsordning aftalt: " + m[1] + " rate(r)" }},
	{regexp.MustCompile(`^arrears paid$`), func([]string) string { return "restancen er betalt" }},
	{regexp.MustCompile(`^payment plan paid in full$`), func([]string) string { return "afdragsordningen er betalt fuldt ud" }},
	{regexp.MustCompile(`^arrears cleared \(recorded by operator\)(?:: (.*))?$`), func(m []string) string {
		return strings.TrimSuffix("restancen indfriet (registreret af en operatør): "+m[1], ": ")
	}},
	{regexp.MustCompile(`^missed instalment due (\S+)$`), func(m []string) string { return "rate med forfald " + isoDate(m[1]) + " ikke betalt" }},
	{regexp.MustCompile(`^operator: (.*)$`), func(m []string) string { return "besluttet af en operatør: " + m[1] }},
	{regexp.MustCompile(`^outreach: not reached; try again by (\S+)$`), func(m []string) string {
		return "Opsøgende kontakt: ikke truffet; nyt forsøg senest " + isoDate(m[1])
	}},
	{regexp.MustCompile(`^payment of (.*)$`), func(m []string) string { return "Indbetaling på " + m[1] }},
	{regexp.MustCompile(`^påkrav sent; payment deadline (\S+)$`), func(m []string) string { return "Påkrav sendt; betalingsfrist " + isoDate(m[1]) }},
	{regexp.MustCompile(`^tenancy terminated \(ophævelse\)$`), func([]string) string { return "Lejemålet ophævet" }},
	{regexp.MustCompile(`^kommune notified in writing \(almenlejeloven § 92\)$`), func([]string) string {
		return "Kommunen underrettet skriftligt (almenlejeloven § 92)"
	}},
	{regexp.MustCompile(`^kommune notice failed; waiting for an operator to send it again$`), func([]string) string {
		return "Underretningen af kommunen mislykkedes; den venter på, at en operatør sender den igen"
	}},
	{regexp.MustCompile(`^kommune notice sent again by an operator$`), func([]string) string { return "Underretningen af kommunen sendt igen af en operatør" }},
	{regexp.MustCompile(`^bailiff court request \(begæring om udsættelse\)$`), func([]string) string { return "Begæring om udsættelse sendt til fogedretten" }},
	{regexp.MustCompile(`^list (\S+) received after the case closed$`), func(m []string) string { return "Rykkerliste " + m[1] + " modtaget efter sagens afslutning" }},
	{regexp.MustCompile(`^on list (\S+)$`), func(m []string) string { return "På rykkerliste " + m[1] }},
	{regexp.MustCompile(`^payment deadline (\S+) passed; termination possible$`), func(m []string) string {
		return "Betalingsfristen " + isoDate(m[1]) + " er udløbet; lejemålet kan ophæves"
	}},
	{regexp.MustCompile(`^instalment due (\S+) kept$`), func(m []string) string { return "Rate med forfald " + isoDate(m[1]) + " betalt" }},
	{regexp.MustCompile(`^instalment due (\S+) missed$`), func(m []string) string { return "Rate med forfald " + isoDate(m[1]) + " ikke betalt" }},
}

// A stage change and an outcome carry their cause, itself a step text.
var (
	stageStep   = regexp.MustCompile(`^stage (\S+) → (\S+): (.*)$`)
	outcomeStep = regexp.MustCompile(`^outcome (\S+): (.*)$`)
)

// stepText is a logged step in Danish.
func stepText(step string) string {
	if m := stageStep.FindStringSubmatch(step); m != nil {
		from := eviction.StageTitles[m[1]]
		if from == "" {
			from = "ny sag"
		}
		return fmt.Sprintf("Fase: %s → %s (%s)", from, eviction.StageTitles[m[2]], stepText(m[3]))
	}
	if m := outcomeStep.FindStringSubmatch(step); m != nil {
		return "Udfald: " + eviction.OutcomeTitles[m[1]] + " (" + stepText(m[2]) + ")"
	}
	for _, s := range stepTexts {
		if m := s.re.FindStringSubmatch(step); m != nil {
			return s.text(m)
		}
	}
	return step
}

// isoDate writes a yyyy-mm-dd date of a step the Danish way.
func isoDate(s string) string {
	if d, err := plan.ParseDate(s); err == nil {
		return danish.Date(d)
	}
	return s
}

// --- the arrears import ---

// importPage is the import form and, after an upload, its result.
type importPage struct {
	ListDate plan.Date
	File     string
	Result   *ImportResult
	Rows     []importRow
	New      int
	Updated  int
	Refused  int
	Field    string // the column a file error names
	Encoding string // the file's, in Danish
}

// importRow is one line's result.
type importRow struct {
	Line    int
	Tenancy string // pseudonym; "" for a refused line
	Outcome string // Danish: ny sag, opdateret, afvist, dublet
	Refused bool
	Message string
}

// GET /operator/imports
func (pg *pages) imports(w http.ResponseWriter, r *http.Request) {
	pg.render(w, r, http.StatusOK, "imports.html", operator.View{Title: "Import af rykkerliste",
		Data: importPage{ListDate: eviction.DateOf(pg.now())}})
}

// POST /operator/imports: a multipart form with the list as "file" and
// its date as "listDate". The file goes through the importer of
// POST /api/v1/arrears; a file error imports nothing.
func (pg *pages) importList(w http.ResponseWriter, r *http.Request) {
	today := eviction.DateOf(pg.now())
	d := importPage{ListDate: today}
	fail := func(status int, msg string) {
		pg.render(w, r, status, "imports.html", operator.View{Title: "Import af rykkerliste", Error: msg, Data: d})
	}
	if s := strings.TrimSpace(r.PostFormValue("listDate")); s != "" {
		ld, err := plan.ParseDate(s)
		switch {
		case err != nil:
			d.Field = "listDate"
			fail(http.StatusBadRequest, "Listens dato: ugyldig dato; skriv åååå-mm-dd. Intet er importeret.")
			return
		case ld.After(today):
			d.Field = "listDate"
			fail(http.StatusBadRequest, fmt.Sprintf("Listens dato: %s ligger i fremtiden. Intet er importeret.", danish.Date(ld)))
			return
		}
		d.ListDate = ld
	}
	body, name, err := uploaded(r, "file")
	if err != nil {
		d.Field = "file"
		fail(http.StatusBadRequest, err.Error())
		return
	}
	d.File = name
	// As the API: a list is delivered whole, not cut off where a closed
	// browser tab happened to leave it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Minute)
	defer cancel()
	res, err := pg.importer.Import(ctx, body, d.ListDate, nil)
	var fe *arrears.FileError
	if errors.As(err, &fe) {
		d.Field = fe.Column
		msg := fe.Message
		if fe.Column != "" {
			msg = "Kolonnen " + arrears.Quote(fe.Column) + ": " + msg
		}
		fail(http.StatusBadRequest, "Filen kan ikke importeres: "+msg+". Intet er importeret.")
		return
	}
	if err != nil {
		pg.log.Error("arrears import failed", "err", err)
		fail(http.StatusInternalServerError, "Importen mislykkedes; se workerens log.")
		return
	}
	pg.log.Info("arrears list imported", "list", res.ListID, "lines", res.Lines, "accepted", res.Accepted,
		"duplicates", res.Duplicates, "rejected", len(res.Rejected))
	d.Result, d.Encoding = res, danish.EncodingName(res.Encoding)
	d.Rows, d.New, d.Updated, d.Refused = importRows(res)
	pg.render(w, r, http.StatusOK, "imports.html", operator.View{Title: "Import af rykkerliste",
		Flash: fmt.Sprintf("Rykkerlisten er indlæst: %d linjer, %d nye sager, %d opdaterede, %d afvist.", res.Lines, d.New, d.Updated, d.Refused),
		Data:  d})
}

// uploaded reads the form's file field whole (at most MaxListBytes).
func uploaded(r *http.Request, field string) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", errors.New("Vælg rykkerlisten (en CSV-fil). Intet er importeret.")
	}
	if err != nil {
		return nil, "", errors.New("Filen kunne ikke modtages; send den igen. Intet er importeret.")
	}
	defer func(f multipart.File) { _ = f.Close() }(f)
	if h.Size > MaxListBytes {
		return nil, "", fmt.Errorf("Filen er større end %d MiB; en rykkerliste er langt mindre: tjek eksporten. Intet er importeret.", MaxListBytes>>20)
	}
	body, err := io.ReadAll(io.LimitReader(f, MaxListBytes+1))
	if err != nil {
		return nil, "", errors.New("Filen kunne ikke læses; send den igen. Intet er importeret.")
	}
	return body, h.Filename, nil
}

// importRows is the result line by line, with the counts of new cases,
// updated cases and refused lines (duplicates among them).
func importRows(res *ImportResult) (rows []importRow, created, updated, refused int) {
	for _, d := range res.Delivered {
		row := importRow{Line: d.Line, Tenancy: strings.TrimPrefix(d.WorkflowID, eviction.Kind+"/"), Message: d.Message}
		if d.Outcome == DeliveredOpenCase {
			row.Outcome = "opdateret"
			updated++
		} else {
			row.Outcome = "ny sag"
			created++
		}
		rows = append(rows, row)
	}
	for _, rj := range res.Rejected {
		rows = append(rows, importRow{Line: rj.Line, Outcome: "afvist", Refused: true, Message: rj.Error})
		refused++
	}
	for _, dup := range res.DuplicateLines {
		rows = append(rows, importRow{Line: dup.Line, Outcome: "afvist", Refused: true,
			Message: fmt.Sprintf("samme lejemål som linje %d; kun den første er importeret", dup.FirstLine)})
		refused++
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	return rows, created, updated, refused
}
