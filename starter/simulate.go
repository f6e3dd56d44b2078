package main

// The plan simulate verb: the plan period run on the SDK's time-skipping
// environment with the real workflow code, so a secretariat sees the
// calendar a plan file produces before it goes live. Activities that would
// send, write or render are recorders; the pure setup activities run for
// real. Nobody answers: the calendar shows every reminder a round can send.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	absenceadapter "helhed/adapters/absence"
	"helhed/app"
	"helhed/capability"
	"helhed/config"
	"helhed/danish"
	"helhed/internal/cycletest"
	"helhed/mail"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// simulatedWorkflows are the cycles the simulation runs; the other
// occurrences (statistics pull, annual report, crisis status meeting)
// wait for data or people outside the plan and are listed at their dates.
var simulatedWorkflows = map[string]bool{
	meeting.WorkflowName:            true,
	absence.WorkflowName:            true,
	absence.TeamMeetingWorkflowName: true,
}

// simEvent is one dated thing the calendar produces.
type simEvent struct {
	Date  string `json:"date"` // yyyy-mm-dd in the plan's zone
	Title string `json:"title"`
}

// simMonth is what one calendar month holds.
type simMonth struct {
	Month     string     `json:"month"` // yyyy-mm
	Meetings  []simEvent `json:"meetings"`
	Requests  []simEvent `json:"requests"`
	Reminders []simEvent `json:"reminders"`
	Documents []simEvent `json:"documents"`
	Runs      []simEvent `json:"runs"` // occurrences not simulated
	Mails     int        `json:"mails"`
}

// simulation is the verb's result.
type simulation struct {
	Plan   string     `json:"plan"`
	Period string     `json:"period"`
	Months []simMonth `json:"months"`
	// Failed lists runs that failed in the simulation (a plan problem).
	Failed []string `json:"failed,omitempty"`
}

func planSimulate(_ context.Context, e *env, args []string) error {
	f := newFlags("plan simulate", "plan simulate [--json] FILE|ID").withJSON()
	pos, err := f.parse(args, 1)
	if err != nil {
		return err
	}
	p, err := resolvePlan(e, pos[0])
	if err != nil {
		return err
	}
	sim, err := simulatePlan(p)
	if err != nil {
		return err
	}
	if f.asJSON {
		return printJSON(e.stdout, sim)
	}
	printSimulation(e, p, sim)
	if len(sim.Failed) > 0 {
		return fmt.Errorf("%d kørsler fejlede i simuleringen: %s", len(sim.Failed), strings.Join(sim.Failed, "; "))
	}
	return nil
}

// simRecorder collects the events by date, from activities running on
// the environment's goroutines.
type simRecorder struct {
	p   *plan.Plan
	env *testsuite.TestWorkflowEnvironment

	mu     sync.Mutex
	months map[string]*simMonth
}

func (r *simRecorder) month(d plan.Date) *simMonth {
	key := fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	if r.months[key] == nil {
		r.months[key] = &simMonth{Month: key, Meetings: []simEvent{}, Requests: []simEvent{}, Reminders: []simEvent{}, Documents: []simEvent{}, Runs: []simEvent{}}
	}
	return r.months[key]
}

// add records an event on d into the list pick chooses.
func (r *simRecorder) add(d plan.Date, title string, pick func(*simMonth) *[]simEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := pick(r.month(d))
	*l = append(*l, simEvent{Date: d.String(), Title: title})
}

func (r *simRecorder) today() plan.Date { return r.p.DateOf(r.env.Now()) }

func meetingsOf(m *simMonth) *[]simEvent  { return &m.Meetings }
func requestsOf(m *simMonth) *[]simEvent  { return &m.Requests }
func remindersOf(m *simMonth) *[]simEvent { return &m.Reminders }
func documentsOf(m *simMonth) *[]simEvent { return &m.Documents }
func runsOf(m *simMonth) *[]simEvent      { return &m.Runs }

// MeetingPrepare runs the real setup and records the round's meetings.
func (r *simRecorder) MeetingPrepare(_ context.Context, in meeting.Input) (meeting.Setup, error) {
	s, err := meeting.BuildSetup(r.p, in)
	if err != nil {
		return s, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	if in.Summer() {
		if d, err := plan.ParseDate(in.SummerDate); err == nil {
			r.add(d, "Styregruppemøde "+s.Year+" (sommer)", meetingsOf)
		}
		return s, nil
	}
	if board, err := plan.ParseDate(in.BoardDate); err == nil {
		tl := meeting.Derive(board, s.OffsetDays)
		r.add(tl.Steering, "Styregruppemøde "+s.Year+" ("+meetingKind(s.Meeting)+")", meetingsOf)
		r.add(tl.Board, "Bestyrelsesmøde "+s.Year+" ("+meetingKind(s.Meeting)+")", meetingsOf)
	}
	return s, nil
}

func meetingKind(k string) string {
	switch k {
	case plan.MeetingAutumn:
		return "efterår"
	case plan.MeetingSpring:
		return "forår"
	case plan.MeetingSummer:
		return "sommer"
	}
	return k
}

// MeetingCompile records the document the round would render.
func (r *simRecorder) MeetingCompile(_ context.Context, in meeting.CompileInput) (meeting.Document, error) {
	title := map[string]string{
		meeting.DocAgendaReport: "Dagsorden og fremdriftsrapport til styregruppen",
		meeting.DocBoardPack:    "Mødemateriale til bestyrelsen",
		meeting.DocMinutes:      "Referat",
	}[in.Doc]
	if title == "" {
		title = in.Doc
	}
	r.add(r.today(), title+" ("+in.Setup.Year+")", documentsOf)
	return meeting.Document{Markdown: title, HTML: "<p>" + title + "</p>"}, nil
}

// AbsenceCompile records the quarterly note.
func (r *simRecorder) AbsenceCompile(_ context.Context, in absence.NoteInput) (absence.Document, error) {
	title := "Kvartalsnotat om fravær " + in.Setup.Quarter
	r.add(r.today(), title, documentsOf)
	return absence.Document{Markdown: title, HTML: "<p>" + title + "</p>"}, nil
}

// AbsenceTeamMeeting runs the real setup and records the meeting.
func (r *simRecorder) AbsenceTeamMeeting(_ context.Context, in absence.TeamMeetingInput) (absence.TeamMeetingSetup, error) {
	s, err := absence.BuildTeamMeetingSetup(r.p, in)
	if err != nil {
		return s, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	if d, err := plan.ParseDate(s.Date); err == nil {
		r.add(d, s.TeamName, meetingsOf)
	}
	return s, nil
}

// OpenTask records the data request and answers as the real activity
// does from the plan.
func (r *simRecorder) OpenTask(_ context.Context, in datarequest.OpenInput) (datarequest.Opened, error) {
	contact := in.Contact
	if pt, ok := r.p.Partner(in.Task.Partner); ok && contact == "" {
		contact = pt.Email
	}
	r.add(r.today(), in.Task.Partner+": "+in.Task.Title+" (frist "+in.Task.Due+")", requestsOf)
	return datarequest.Opened{Contact: contact, TimeZone: r.p.Location().String()}, nil
}

// SendNotice records reminders and escalations; invitations are counted
// with the requests.
func (r *simRecorder) SendNotice(_ context.Context, n datarequest.Notice) error {
	r.countMail()
	switch n.Kind {
	case datarequest.NoticeReminder:
		r.add(r.today(), fmt.Sprintf("%s: påmindelse %d om %s (frist %s)", n.Partner, n.Reminder, n.Title, n.Due), remindersOf)
	case datarequest.NoticeEscalation:
		r.add(r.today(), fmt.Sprintf("%s: eskaleret til sekretariatet, %s (frist %s)", n.Partner, n.Title, n.Due), remindersOf)
	}
	return nil
}

// SendMail counts an e-mail the workflows would send.
func (r *simRecorder) SendMail(context.Context, mail.Message) error {
	r.countMail()
	return nil
}

func (r *simRecorder) countMail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.month(r.today()).Mails++
}

// ignore is every other activity (read-model writes, records): it does
// nothing in a simulation.
func ignore(context.Context, converter.EncodedValues) (any, error) { return nil, nil }

// simulatePlan runs the plan's cycles over its whole period.
func simulatePlan(p *plan.Plan) (*simulation, error) {
	caps, err := app.Capabilities(capability.Deps{Config: &config.Config{}, Plan: p})
	if err != nil {
		return nil, err
	}
	specs, err := schedules.Desired(p, app.ScheduleSources(caps))
	if err != nil {
		return nil, err
	}
	var run, listed []schedules.Occurrence
	for _, s := range specs {
		for _, o := range s.Occurrences {
			if simulatedWorkflows[o.Workflow] {
				run = append(run, o)
			} else {
				listed = append(listed, o)
			}
		}
	}
	sort.SliceStable(run, func(i, j int) bool { return run[i].At.Before(run[j].At) })
	sim := &simulation{Plan: p.ID, Period: p.Period.String()}
	rec := &simRecorder{p: p, months: map[string]*simMonth{}}
	for _, o := range listed {
		rec.add(p.DateOf(o.At), o.Title, runsOf)
	}
	if len(run) > 0 {
		env := cycletest.NewEnv(run[0].At.Add(-time.Hour))
		env.SetTestTimeout(time.Hour)
		// The detector would fail a run whose workflow task waits for a
		// shared, busy CPU for a second; a simulation has no stuck worker
		// to find.
		env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: time.Hour})
		rec.env = env
		env.RegisterWorkflowWithOptions(meeting.Round, workflow.RegisterOptions{Name: meeting.WorkflowName})
		env.RegisterWorkflowWithOptions(absence.FollowUp, workflow.RegisterOptions{Name: absence.WorkflowName})
		env.RegisterWorkflowWithOptions(absence.TeamMeeting, workflow.RegisterOptions{Name: absence.TeamMeetingWorkflowName})
		env.RegisterWorkflowWithOptions(datarequest.Workflow, workflow.RegisterOptions{Name: datarequest.WorkflowName})
		for name, fn := range map[string]any{
			meeting.ActivityPrepare:        rec.MeetingPrepare,
			meeting.ActivityCompile:        rec.MeetingCompile,
			absence.ActivityCompile:        rec.AbsenceCompile,
			absence.ActivityTeamMeeting:    rec.AbsenceTeamMeeting,
			datarequest.ActivityOpenTask:   rec.OpenTask,
			datarequest.ActivitySendNotice: rec.SendNotice,
			workflows.ActivitySendMail:     rec.SendMail,
			absence.ActivityPrepare:        (&absenceadapter.Activities{Plan: p}).AbsencePrepare,
		} {
			env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
		}
		env.RegisterActivity(&activities.Requests{Control: cycletest.EnvControl{Env: env}})
		env.RegisterDynamicActivity(ignore, activity.DynamicRegisterOptions{})
		cycletest.RegisterDriver(env)
		env.ExecuteWorkflow(cycletest.DriverName, run)
		if err := env.GetWorkflowResult(&sim.Failed); err != nil {
			return nil, fmt.Errorf("simuleringen stoppede: %w", err)
		}
	}
	for _, m := range rec.months {
		for _, l := range []*[]simEvent{&m.Meetings, &m.Requests, &m.Reminders, &m.Documents, &m.Runs} {
			sort.SliceStable(*l, func(i, j int) bool { return (*l)[i].Date < (*l)[j].Date })
		}
		sim.Months = append(sim.Months, *m)
	}
	sort.Slice(sim.Months, func(i, j int) bool { return sim.Months[i].Month < sim.Months[j].Month })
	return sim, nil
}

func printSimulation(e *env, p *plan.Plan, sim *simulation) {
	w := e.stdout
	fmt.Fprintf(w, "%s — simuleret kalender for planperioden %s (ingen svarer: alle påmindelser, en runde kan sende)\n\n", p.ID, sim.Period)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MÅNED\tMØDER\tDATAANMODNINGER\tPÅMINDELSER\tDOKUMENTER\tE-MAILS")
	for _, m := range sim.Months {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", monthName(m.Month), len(m.Meetings), len(m.Requests), len(m.Reminders), len(m.Documents), m.Mails)
	}
	tw.Flush()
	for _, m := range sim.Months {
		if len(m.Meetings)+len(m.Documents)+len(m.Runs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", monthName(m.Month))
		type line struct{ date, what, title string }
		var lines []line
		for what, evs := range map[string][]simEvent{"møde": m.Meetings, "dokument": m.Documents, "kørsel": m.Runs} {
			for _, ev := range evs {
				lines = append(lines, line{ev.Date, what, ev.Title})
			}
		}
		sort.SliceStable(lines, func(i, j int) bool {
			if lines[i].date != lines[j].date {
				return lines[i].date < lines[j].date
			}
			return lines[i].what+lines[i].title < lines[j].what+lines[j].title
		})
		for _, l := range lines {
			d, _ := plan.ParseDate(l.date)
			fmt.Fprintf(w, "  %s  %-8s  %s\n", danish.ShortDate(d), l.what, l.title)
		}
	}
}

// monthName is "marts 2026" for "2026-03".
func monthName(ym string) string {
	var y, m int
	fmt.Sscanf(ym, "%d-%d", &y, &m)
	return fmt.Sprintf("%s %d", danish.Month(time.Month(m)), y)
}
