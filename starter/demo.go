package main

// The demo verb: a synthetic plan year driven through the interfaces an
// operator and the partners use (operator API, partner portal), so every
// page and dashboard has something to show. Everything it creates carries
// a demo business key, so a second run finds it and adds nothing.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/absence"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/eviction"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// The demo's business keys and markers.
const (
	// demoTenancies is the number of tenancies on the demo's arrears list.
	demoTenancies = 60
	// demoTenancy starts the demo's tenancy numbers: a later run finds its
	// cases by it in their runs' state and touches no other case.
	demoTenancy = "DEMO-"
	// demoReason starts every reason and text the demo writes.
	demoReason = "Demo: "
	// demoCrisisRef is the crisis activation's reference (its business key).
	demoCrisisRef = "demo"
	// demoWait bounds each wait for a workflow to reach a state.
	demoWait = 3 * time.Minute
)

// demo drives the demo year against a running workers -dev.
type demo struct {
	ctx   context.Context
	e     *env
	p     *plan.Plan
	today plan.Date
	// created counts what this run added; 0 on a second run.
	created int
	// open lists what a person should look at, printed at the end.
	open   []string
	portal *portal
	// cases are the workflow IDs of the demo's eviction cases.
	cases []string
}

func demoVerb(ctx context.Context, e *env, args []string) error {
	f := newFlags("demo", "demo")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	p, err := resolvePlan(e, "")
	if err != nil {
		return fmt.Errorf("planen kunne ikke indlæses: %w", err)
	}
	d := &demo{ctx: ctx, e: e, p: p, today: p.DateOf(time.Now())}
	start := time.Now()
	steps := []struct {
		title string
		run   func() error
	}{
		{"forbindelse", d.checkServer},
		{"restanceliste", d.importArrears},
		{"udsættelsessager", d.progressCases},
		{"dataanmodninger", d.dataRequests},
		{"mødeforløb", d.meetingRound},
		{"fraværsrunde", d.absenceRound},
		{"årsrapport", d.annualReport},
		{"krise", d.crisisActivation},
	}
	for i, s := range steps {
		if err := s.run(); err != nil {
			return fmt.Errorf("trin %d (%s): %w", i+1, s.title, err)
		}
	}
	if d.created == 0 {
		d.say("Intet nyt: demoen var allerede kørt (%s)", time.Since(start).Round(time.Second))
	} else {
		d.say("Demoen er færdig: %d ting oprettet eller ændret (%s)", d.created, time.Since(start).Round(time.Second))
	}
	base := apiBase(e)
	fmt.Fprintln(e.stdout, "Åbn:")
	for _, o := range append([]string{
		base + "/operator/  (operatørsiderne: kørsler, sager, opgaver)",
		base + "/operator/kalender  (hvad forfalder de næste 30 dage)",
		"Grafana-tavlerne i dashboards/ (Udsættelser, Partnere, Fravær, Overblik) mod Prometheus, der skraber METRICS_ADDR",
	}, d.open...) {
		fmt.Fprintln(e.stdout, "  "+o)
	}
	return nil
}

// say prints one progress line.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.e.stdout, format+"\n", args...)
}

func (d *demo) api(method, path string, body, out any) error {
	var rd io.Reader
	ct := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd, ct = bytes.NewReader(b), "application/json"
	}
	return apiCall(d.ctx, d.e, method, path, ct, rd, out)
}

// checkServer makes sure the API answers and runs the plan the demo read.
func (d *demo) checkServer() error {
	var got struct {
		Kinds []json.RawMessage `json:"kinds"`
	}
	if err := d.api("GET", "/api/v1/kinds", nil, &got); err != nil {
		return err
	}
	d.say("Forbundet til %s: plan %s, %d slags kørsler", apiBase(d.e), d.p.ID, len(got.Kinds))
	return nil
}

// describeRun reads a run's description and decodes its state into state
// (when non-nil); found is false when there is no such run.
func (d *demo) describeRun(id string, state any) (status string, found bool, err error) {
	var desc struct {
		Status string          `json:"status"`
		State  json.RawMessage `json:"state"`
	}
	if err := d.api("GET", "/api/v1/runs/"+url.PathEscape(id), nil, &desc); err != nil {
		if strings.Contains(err.Error(), "HTTP 404") {
			return "", false, nil
		}
		return "", false, err
	}
	if state != nil && len(desc.State) > 0 {
		if err := json.Unmarshal(desc.State, state); err != nil {
			return "", false, fmt.Errorf("%s: tilstanden kunne ikke læses: %w", id, err)
		}
	}
	return desc.Status, true, nil
}

// startOnce starts kind with input unless the run id exists already (in
// any status); it reports whether it started one.
func (d *demo) startOnce(kind, id string, input any) (bool, error) {
	if _, found, err := d.describeRun(id, nil); err != nil || found {
		return false, err
	}
	var started struct {
		WorkflowID string `json:"workflowId"`
	}
	if err := d.api("POST", "/api/v1/runs", map[string]any{"kind": kind, "input": input}, &started); err != nil {
		return false, err
	}
	d.created++
	return true, nil
}

func (d *demo) update(id, name string, arg any) error {
	if err := d.api("POST", "/api/v1/runs/"+url.PathEscape(id)+"/updates/"+name, arg, nil); err != nil {
		return fmt.Errorf("%s %s: %w", id, name, err)
	}
	d.created++
	return nil
}

// waitFor polls cond until it says done, for at most demoWait.
func (d *demo) waitFor(what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(demoWait)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gav op efter %s: %s", demoWait, what)
		}
		select {
		case <-d.ctx.Done():
			return d.ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// arrearsList is the demo's rykkerliste: demoTenancies synthetic tenants
// spread over the plan's departments, due on the first of the month.
func (d *demo) arrearsList() []byte {
	var b strings.Builder
	b.WriteString("lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\n")
	due := plan.NewDate(d.today.Year, d.today.Month, 1)
	for i := 1; i <= demoTenancies; i++ {
		dep := d.p.Departments[i%len(d.p.Departments)]
		kr := 1500 + (i*733)%14000
		fmt.Fprintf(&b, "%s%d;%s;%s;Demo Lejer %d;Demovej %d, 9999 Demoby;;%s;%s;%d\n",
			demoTenancy, i, dep.Organisation, dep.Number, i, i, danish.FormatAmount(int64(kr*100)), danish.ShortDate(due), 1+i%3)
	}
	return []byte(b.String())
}

func (d *demo) importArrears() error {
	if len(d.p.Departments) == 0 {
		d.say("Restanceliste: planen har ingen afdelinger; springes over")
		return nil
	}
	// A tenancy whose case has closed would get a new case from the same
	// list again, so the list goes in once.
	if known, err := d.listDemoCases(); err != nil {
		return err
	} else if len(known) >= demoTenancies {
		d.say("Restanceliste: allerede importeret (%d demosager)", len(known))
		return nil
	}
	var res importResult
	if err := apiCall(d.ctx, d.e, "POST", "/api/v1/arrears?"+query("listDate", d.today.String()), "text/csv",
		bytes.NewReader(d.arrearsList()), &res); err != nil {
		return err
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("linje %d afvist: %s", res.Rejected[0].Line, res.Rejected[0].Error)
	}
	d.created += res.Accepted
	for _, dl := range res.Delivered {
		d.cases = append(d.cases, dl.WorkflowID)
	}
	d.say("Restanceliste importeret: %d linjer, %d nye sager, %d kendt i forvejen", res.Lines, res.Accepted, res.Duplicates)
	return nil
}

// demoCases are the workflow IDs of the demo's cases, sorted: the ones
// the import's answer named, or on a later run, the ones found.
func (d *demo) demoCases() ([]string, error) {
	if len(d.cases) == 0 {
		var err error
		if d.cases, err = d.listDemoCases(); err != nil {
			return nil, err
		}
	}
	ids := append([]string(nil), d.cases...)
	sort.Strings(ids)
	return ids, nil
}

// listDemoCases are the cases in the read model whose run holds a demo
// tenancy number.
func (d *demo) listDemoCases() ([]string, error) {
	var resp struct {
		Cases []caseRow `json:"cases"`
	}
	if err := d.api("GET", "/api/v1/cases", nil, &resp); err != nil {
		return nil, err
	}
	var got []string
	for _, c := range resp.Cases {
		var st eviction.State
		if _, _, err := d.describeRun(c.WorkflowID, &st); err != nil {
			return nil, err
		}
		if strings.HasPrefix(st.TenancyNumber, demoTenancy) {
			got = append(got, c.WorkflowID)
		}
	}
	return got, nil
}

// progressCases moves the demo cases on by the operator's Updates, a
// share to each stage, as months of outreach and counselling would. Each
// case's target stage follows from its place in the sorted list; a case
// already past outreach is left as it is.
func (d *demo) progressCases() error {
	cases, err := d.demoCases()
	if err != nil {
		return err
	}
	moved := map[eviction.Stage]int{}
	for i, id := range cases {
		var st eviction.State
		// A case the import opened a moment ago has not yet taken its
		// list (stage ""): wait for it.
		if err := d.waitFor(id+" har modtaget restancelisten", func() (bool, error) {
			_, _, err := d.describeRun(id, &st)
			return st.Stage != "", err
		}); err != nil {
			return err
		}
		if st.Stage != eviction.StageOutreach && st.Stage != eviction.StageArrears {
			continue
		}
		target := []eviction.Stage{eviction.StageOutreach, eviction.StageCounselling, eviction.StagePaymentPlan,
			eviction.StageResolved, eviction.StageEscalated, eviction.StageOutreach}[i%6]
		if target == eviction.StageOutreach {
			continue
		}
		if err := d.moveCase(id, st, target); err != nil {
			return err
		}
		moved[target]++
	}
	d.say("Udsættelsessager: %d demosager; flyttet nu: %d til rådgivning, %d med afdragsordning, %d afsluttet, %d i juridisk forløb",
		len(cases), moved[eviction.StageCounselling], moved[eviction.StagePaymentPlan], moved[eviction.StageResolved], moved[eviction.StageEscalated])
	d.open = append(d.open, apiBase(d.e)+"/api/v1/cases  (sager pr. fase og boligområde)")
	return nil
}

func (d *demo) moveCase(id string, st eviction.State, target eviction.Stage) error {
	switch target {
	case eviction.StageResolved:
		return d.update(id, eviction.UpdateResolve, eviction.ResolveArg{Reason: demoReason + "restancen er betalt"})
	case eviction.StageEscalated:
		if err := d.update(id, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.NotReached, Note: demoReason + "ikke truffet"}); err != nil {
			return err
		}
		return d.update(id, eviction.UpdateEscalate, eviction.EscalateArg{Reason: demoReason + "ingen kontakt efter tre forsøg"})
	}
	if err := d.update(id, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, Note: demoReason + "hjemmebesøg"}); err != nil {
		return err
	}
	if target == eviction.StageCounselling {
		return nil
	}
	// Three monthly instalments that together pay the arrears.
	third := st.Arrears / 3
	var rates []eviction.InstalmentSpec
	for k := 1; k <= 3; k++ {
		amount := third
		if k == 3 {
			amount = st.Arrears - 2*third
		}
		rates = append(rates, eviction.InstalmentSpec{Due: workdays.OnOrAfter(d.today.AddDays(30 * k)), Amount: amount})
	}
	return d.update(id, eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{Instalments: rates})
}

// portal answers tasks as a partner does: through the link the operator
// issues (POST /api/v1/partners/{p}/token), the task page's form token and
// a form post or CSV upload, like a browser.
type portal struct {
	d     *demo
	links map[string]string // partner → portal path
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// link is the partner's portal path, issued if the partner has none.
func (pt *portal) link(partner string) (string, error) {
	if l, ok := pt.links[partner]; ok {
		return l, nil
	}
	var res struct {
		Link string `json:"link"`
	}
	if err := pt.d.api("POST", "/api/v1/partners/"+url.PathEscape(partner)+"/token", map[string]bool{"rotate": false}, &res); err != nil {
		return "", err
	}
	u, err := url.Parse(res.Link)
	if err != nil {
		return "", fmt.Errorf("portallinket for %s kan ikke læses", partner)
	}
	// The link names PUBLIC_URL; the demo talks to the API's address.
	pt.links[partner] = u.Path
	return u.Path, nil
}

// answer submits a synthetic answer to the task in the portal.
func (pt *portal) answer(partner, requestID string, in datarequest.Input, csvFile []byte) error {
	path, err := pt.link(partner)
	if err != nil {
		return err
	}
	taskURL := apiBase(pt.d.e) + path + "/opgave/" + url.PathEscape(requestID)
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page, err := portalGet(pt.d.ctx, client, taskURL)
	if err != nil {
		return err
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("%s: portalsiden har ingen formular (er opgaven åben?)", requestID)
	}
	var body bytes.Buffer
	contentType := "application/x-www-form-urlencoded"
	if in.Table != nil {
		if csvFile == nil {
			csvFile = tableCSV(*in.Table, pt.d.today)
		}
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", m[1])
		fw, err := mw.CreateFormFile("csv", "demo.csv")
		if err != nil {
			return err
		}
		fw.Write(csvFile)
		mw.Close()
		contentType = mw.FormDataContentType()
	} else {
		form := url.Values{"csrf": {m[1]}}
		for _, s := range datarequest.Slots(in.Fields, in.Areas) {
			form.Set(s.Key, demoValue(s.Field.Type, s.Field.Choices, s.Field.Min, s.Field.Max, pt.d.today))
		}
		body.WriteString(form.Encode())
	}
	req, err := http.NewRequestWithContext(pt.d.ctx, "POST", taskURL, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("portalen svarer ikke: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		raw, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: portalen afviste svaret (HTTP %d): %s", requestID, resp.StatusCode, portalErrors(string(raw)))
	}
	pt.d.created++
	return nil
}

func portalGet(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("portalen svarer ikke: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("portalen svarede HTTP %d på %s", resp.StatusCode, u)
	}
	return string(raw), nil
}

var tagRe = regexp.MustCompile(`<[^>]+>`)

// portalErrors is the text of a refused portal page, for the error.
func portalErrors(page string) string {
	text := strings.Join(strings.Fields(tagRe.ReplaceAllString(page, " ")), " ")
	if len(text) > 400 {
		text = text[:400] + " …"
	}
	return text
}

// demoValue is a plausible answer of the type, inside its bounds.
func demoValue(t datarequest.FieldType, choices []string, lo, hi *float64, today plan.Date) string {
	switch t {
	case datarequest.Choice:
		if len(choices) > 0 {
			return choices[0]
		}
	case datarequest.Text:
		return demoReason + "syntetisk svar"
	case datarequest.DateField:
		return today.String()
	case datarequest.Percentage:
		return "12"
	case datarequest.Amount:
		return "25.000"
	}
	n := 7.0
	if lo != nil && n < *lo {
		n = *lo
	}
	if hi != nil && n > *hi {
		n = *hi
	}
	if t == datarequest.Decimal {
		return danish.FormatNumber(n, 1)
	}
	return fmt.Sprint(int(n))
}

// tableCSV is a one-row table of the columns' demo values.
func tableCSV(t datarequest.Table, today plan.Date) []byte {
	var head, row []string
	for _, c := range t.Columns {
		head = append(head, c.Key)
		row = append(row, demoValue(c.Type, c.Choices, nil, nil, today))
	}
	return []byte(strings.Join(head, ";") + "\n" + strings.Join(row, ";") + "\n")
}

// requestInput reads a data request's input from its run.
func (d *demo) requestInput(requestID string) (datarequest.State, error) {
	var st datarequest.State
	_, found, err := d.describeRun(datarequest.WorkflowID(requestID), &st)
	if err == nil && !found {
		err = fmt.Errorf("dataanmodningen %s findes ikke", requestID)
	}
	return st, err
}

// answerOpen answers the request in the portal if it is still open, once
// the task is in the read model (the portal reads it from there).
func (d *demo) answerOpen(pt *portal, requestID string, csvFile []byte) (bool, error) {
	st, err := d.requestInput(requestID)
	if err != nil || st.Status != datarequest.StatusOpen {
		return false, err
	}
	if err := d.waitFor(requestID+" i læsemodellen", func() (bool, error) {
		var got struct {
			Tasks []task `json:"tasks"`
		}
		if err := d.api("GET", "/api/v1/tasks?"+query("partner", st.Input.Partner), nil, &got); err != nil {
			return false, err
		}
		for _, t := range got.Tasks {
			if t.RequestID == requestID {
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		return false, err
	}
	return true, pt.answer(st.Input.Partner, requestID, st.Input, csvFile)
}

// dataRequests asks up to five partners for participant numbers: two
// answer in the portal, one gets a week more, and two were asked by
// e-mail four weeks ago with a deadline a week ago and are registered
// after the fact (sentOn): one of them answers in the portal now, late,
// and one has not answered, overdue.
func (d *demo) dataRequests() error {
	pt := &portal{d: d, links: map[string]string{}}
	d.portal = pt
	var areas []string
	for _, a := range d.p.Areas {
		if len(areas) < 3 {
			areas = append(areas, a.ID)
		}
	}
	period := ""
	if y, ok := d.p.YearOf(d.today); ok {
		period = y.Label
	}
	started, answered, extended, late := 0, 0, 0, 0
	for i, partner := range d.p.Partners {
		if i == 5 {
			break
		}
		due := workdays.OnOrAfter(d.today.AddDays(21))
		key := "demo/" + partner.ID + "/deltagere"
		sentOn := ""
		if i >= 3 {
			due, key = workdays.OnOrBefore(d.today.AddDays(-7)), "demo/"+partner.ID+"/sendt-pr-mail"
			sentOn = workdays.OnOrBefore(d.today.AddDays(-28)).String()
		}
		in := datarequest.Input{RequestID: key, Partner: partner.ID, Title: "Demo: antal deltagere i aktiviteterne",
			Instructions: "Syntetisk demoopgave: oplys antal deltagere pr. boligområde.", Period: period, Areas: areas, Due: due.String(),
			Fields: []datarequest.Field{
				{Key: "deltagere", Label: "Antal deltagere", Type: datarequest.Integer, Unit: "personer", Required: true, PerArea: true},
				{Key: "bemaerkning", Label: "Bemærkning", Type: datarequest.Text},
			}, Origin: "operator", SentOn: sentOn}
		ok, err := d.startOnce(datarequest.Kind, datarequest.WorkflowID(key), in)
		if err != nil {
			return err
		}
		if ok {
			started++
		}
		switch i {
		case 0, 1, 3:
			ok, err := d.answerOpen(pt, key, nil)
			if err != nil {
				return err
			}
			if ok && i == 3 {
				late++
			} else if ok {
				answered++
			}
		case 2:
			st, err := d.requestInput(key)
			if err != nil {
				return err
			}
			if st.Status == datarequest.StatusOpen && st.Due == due.String() {
				if err := d.update(datarequest.WorkflowID(key), datarequest.UpdateExtend,
					datarequest.Extension{Due: workdays.OnOrAfter(due.AddDays(7)).String(), Reason: demoReason + "partneren bad om en uge mere"}); err != nil {
					return err
				}
				extended++
			}
		}
	}
	d.say("Dataanmodninger: %d startet, %d besvaret i portalen, %d forlænget, %d besvaret for sent; 1 sendt pr. mail står ubesvaret efter fristen",
		started, answered, extended, late)
	return nil
}

// meetingRound runs a steering-group round that opens now: the next board
// date whose round has already opened, run with a stated deviation from
// the plan (the plan's own rounds open months from now). The partners
// answer in the portal except one, and the board meeting is then moved a
// week, as a chair's calendar would.
func (d *demo) meetingRound() error {
	id, st, err := d.findDemoRound()
	if err != nil {
		return err
	}
	if id == "" {
		board, ok := d.openRoundDate()
		if !ok {
			d.say("Mødeforløb: ingen bestyrelsesdato i planperioden giver et forløb, der er åbent nu; springes over")
			return nil
		}
		in := meeting.Input{Plan: d.p.ID, BoardDate: board.String(), DeviationReason: demoReason + "forløbet køres nu, så det kan ses uden at vente på planens møde"}
		id = meeting.WorkflowID(in)
		if _, err := d.startOnce(meeting.Kind, id, in); err != nil {
			return err
		}
	}
	if err := d.waitFor("mødeforløbet åbner og sender dataanmodninger", func() (bool, error) {
		_, _, err := d.describeRun(id, &st)
		if err != nil {
			return false, err
		}
		return st.Stage != meeting.StageWaiting && len(st.Requests) > 0 && st.Requests[0].Due != "", nil
	}); err != nil {
		return err
	}
	answered, refused := 0, 0
	for i, r := range st.Requests {
		if i == len(st.Requests)-1 {
			break // one partner has not answered
		}
		ok, err := d.answerOpen(d.portal, r.RequestID, nil)
		if err != nil {
			d.say("  advarsel: %v", err)
			refused++
			continue
		}
		if ok {
			answered++
		}
	}
	moved := 0
	if len(st.Moves) == 0 {
		to := workdays.OnOrAfter(st.Timeline.Board.AddDays(7))
		if err := d.update(id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: to.String(), Reason: demoReason + "formanden er forhindret"}); err != nil {
			return err
		}
		moved++
	}
	// The progress report would go out a week before the steering
	// group's meeting; the secretariat sends it now with the answers in.
	if st.EarlyReport == nil {
		if err := d.update(id, meeting.UpdateReportNow, meeting.ReportNow{Reason: demoReason + "styregruppen vil se rapporten nu"}); err != nil {
			return err
		}
	}
	if err := d.waitFor("fremdriftsrapporten er udarbejdet", func() (bool, error) {
		_, _, err := d.describeRun(id, &st)
		return st.Stage != meeting.StageCollecting && st.Stage != meeting.StageWaiting, err
	}); err != nil {
		return err
	}
	d.say("Mødeforløb %s: %d dataanmodninger, %d besvaret nu, %d afvist, 1 ubesvaret; bestyrelsesmødet flyttet %d gang(e); fremdriftsrapporten er sendt (%s)",
		id, len(st.Requests), answered, refused, moved, st.Stage)
	d.open = append(d.open, apiBase(d.e)+"/operator/runs/"+url.PathEscape(id)+"  (mødeforløbet: tidslinje, svar, flytning)")
	return nil
}

// findDemoRound is the demo's meeting round, if an earlier run started one.
func (d *demo) findDemoRound() (string, meeting.State, error) {
	var list struct {
		Runs []struct {
			WorkflowID string `json:"workflowId"`
		} `json:"runs"`
	}
	if err := d.api("GET", "/api/v1/runs?"+query("kind", meeting.Kind), nil, &list); err != nil {
		return "", meeting.State{}, err
	}
	for _, r := range list.Runs {
		var st meeting.State
		if _, _, err := d.describeRun(r.WorkflowID, &st); err != nil {
			return "", st, err
		}
		if strings.HasPrefix(st.Input.DeviationReason, demoReason) {
			return r.WorkflowID, st, nil
		}
	}
	return "", meeting.State{}, nil
}

// openRoundDate is the first board date from today whose round the
// meeting kind accepts (with a reason) and whose opening day has passed,
// so it opens at once.
func (d *demo) openRoundDate() (plan.Date, bool) {
	for b := d.today; d.p.Period.Contains(b); b = b.AddDays(1) {
		in := meeting.Input{Plan: d.p.ID, BoardDate: b.String(), DeviationReason: demoReason}
		if in.Check(d.p, d.today, true) != nil {
			continue
		}
		if meeting.Derive(b, d.p.Governance.SteeringGroup.OffsetDays).Open.Before(d.today) {
			return b, true
		}
	}
	return plan.Date{}, false
}

// absenceRound runs last quarter's absence round: each school uploads a
// synthetic file (pupils "demo-elev-NN") in the portal, and the round
// closes with its note once every school is accepted.
func (d *demo) absenceRound() error {
	q := demoQuarter(d.p, d.today)
	in := absence.Input{Plan: d.p.ID, Quarter: q.String()}
	setup, err := absence.BuildSetup(d.p, in)
	if err != nil {
		return err
	}
	if len(setup.Schools) == 0 {
		d.say("Fraværsrunde: planen har ingen skoler; springes over")
		return nil
	}
	id := absence.WorkflowID(in)
	if _, err := d.startOnce(absence.Kind, id, in); err != nil {
		return err
	}
	var st absence.State
	if err := d.waitFor("fraværsrunden beder skolerne om data", func() (bool, error) {
		if _, _, err := d.describeRun(id, &st); err != nil {
			return false, err
		}
		if st.Stage != absence.StageCollecting {
			return true, nil
		}
		for _, s := range st.Schools {
			if s.RequestID == "" {
				return false, nil
			}
		}
		return len(st.Schools) > 0, nil
	}); err != nil {
		return err
	}
	uploaded := 0
	for i, s := range st.Schools {
		if s.Status != absence.SchoolOpen {
			continue
		}
		ok, err := d.answerOpen(d.portal, s.RequestID, absenceFile(setup, setup.Schools[i], i))
		if err != nil {
			return err
		}
		if ok {
			uploaded++
		}
	}
	if err := d.waitFor("fraværsrunden afsluttes med sit notat", func() (bool, error) {
		status, _, err := d.describeRun(id, &st)
		return status != "" && status != "running", err
	}); err != nil {
		return err
	}
	accepted := 0
	for _, s := range st.Schools {
		if s.Status == absence.SchoolAccepted {
			accepted++
		}
	}
	d.say("Fraværsrunde %s: %d skoler, %d filer uploadet nu, %d godkendt; kvartalsnotatet er skrevet", q, len(st.Schools), uploaded, accepted)
	return nil
}

// demoQuarter is the quarter of the demo's absence round: the last one
// that has ended, inside the plan period.
func demoQuarter(p *plan.Plan, today plan.Date) absence.Quarter {
	q := absence.QuarterOf(today).Prev()
	if last := absence.QuarterOf(p.Period.End); q.Start().After(last.Start()) {
		q = last
	}
	return q
}

// absenceFile is a school's synthetic absence file: twelve pupils in its
// areas, a few above the 10 % and 15 % thresholds.
func absenceFile(setup absence.Setup, sc absence.School, n int) []byte {
	var areas []string
	for _, a := range setup.Areas {
		for _, id := range sc.Areas {
			if a.ID == id {
				areas = append(areas, a.Name)
			}
		}
	}
	if len(areas) == 0 {
		for _, a := range setup.Areas {
			areas = append(areas, a.Name)
		}
	}
	var b strings.Builder
	b.WriteString("elev_id;omraade;skoledage;fravaersdage;ulovligt_fravaer\n")
	for i := 1; i <= 12; i++ {
		absent := (i*7 + n*3) % 14
		unlawful := absent / 2
		fmt.Fprintf(&b, "demo-elev-%02d-%02d;%s;62;%d;%d\n", n+1, i, areas[i%len(areas)], absent, unlawful)
	}
	return []byte(b.String())
}

// annualReport renders the first plan year's report and has the board
// approve it.
func (d *demo) annualReport() error {
	in := report.Input{PlanYear: statistics.ExamplePlanYear(d.p)}
	id := report.WorkflowID(in)
	if _, err := d.startOnce(report.Kind, id, in); err != nil {
		return err
	}
	var st report.State
	if err := d.waitFor("årsrapporten er dannet", func() (bool, error) {
		status, _, err := d.describeRun(id, &st)
		return st.Stage != "" && st.Stage != report.StageRendering || (status != "" && status != "running"), err
	}); err != nil {
		return err
	}
	approved := false
	if st.Stage == report.StageAwaiting {
		if err := d.update(id, report.UpdateApprove, report.Approval{Version: st.Version, Comment: demoReason + "godkendt på mødet"}); err != nil {
			return err
		}
		approved = true
	}
	if err := d.waitFor("årsrapporten er godkendt", func() (bool, error) {
		_, _, err := d.describeRun(id, &st)
		return st.Stage == report.StageApproved || st.Stage == report.StageSent, err
	}); err != nil {
		return err
	}
	verb := "var allerede godkendt"
	if approved {
		verb = "godkendt nu"
	}
	d.say("Årsrapport %s: version %d %s", in.PlanYear, st.Version, verb)
	d.open = append(d.open, apiBase(d.e)+"/api/v1/reports  (årsrapportens versioner, HTML og PDF)")
	return nil
}

// crisisActivation activates the crisis plan for a (synthetic) fire and
// confirms the crisis group's meeting for tomorrow.
func (d *demo) crisisActivation() error {
	var list struct {
		Runs []struct {
			WorkflowID string `json:"workflowId"`
		} `json:"runs"`
	}
	if err := d.api("GET", "/api/v1/runs?"+query("kind", crisis.Kind), nil, &list); err != nil {
		return err
	}
	for _, r := range list.Runs {
		if strings.HasSuffix(r.WorkflowID, "/"+demoCrisisRef) {
			d.say("Krise: demoaktiveringen %s findes allerede", r.WorkflowID)
			return nil
		}
	}
	in := crisis.Example(d.p, time.Now())
	in.Reference, in.Summary = demoCrisisRef, demoReason+"brand i en kælder på Demovej; ingen tilskadekomne."
	id := crisis.WorkflowID(in)
	if _, err := d.startOnce(crisis.Kind, id, in); err != nil {
		return err
	}
	if err := d.waitFor("krisegruppen er underrettet", func() (bool, error) {
		var st struct {
			Stage string `json:"stage"`
		}
		_, _, err := d.describeRun(id, &st)
		return st.Stage == crisis.StageConvening, err
	}); err != nil {
		return err
	}
	tomorrow := d.today.AddDays(1).In(d.p.Location()).Add(10 * time.Hour)
	if err := d.update(id, crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: tomorrow, Place: "Demo: beboerhuset, Demovej 1"}); err != nil {
		return err
	}
	// SSP and the residents' information are recorded after the meeting,
	// which is tomorrow.
	d.say("Krise %s: aktiveret, krisegruppens møde bekræftet til %s", id, danish.Moment(tomorrow, d.p.Location()))
	return nil
}
