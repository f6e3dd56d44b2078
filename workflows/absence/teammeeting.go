package absence

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/mail"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workdays"
	"helhed/workflows"
)

// The plan's standing team meetings (plan.TeamMeeting): in the seed plan
// the absence team, which "forpligter sig til at mødes hver 14. dag". A
// schedule starts TeamMeeting before each meeting; it sends the team the
// invitation (.ics), so the cadence needs no one to remember it.

// Names of the team-meeting workflow and its activity (adapters/absence).
const (
	TeamMeetingWorkflowName = "TeamMeeting"
	// ActivityTeamMeeting takes a TeamMeetingInput and returns the
	// TeamMeetingSetup (BuildTeamMeetingSetup).
	ActivityTeamMeeting = "AbsenceTeamMeeting"
)

// Notice: the invitation goes out NoticeWeekdays before the meeting, at
// NoticeHour.
const (
	NoticeWeekdays = 2
	NoticeHour     = 8
)

// TeamMeetingInput is one meeting of a team.
type TeamMeetingInput struct {
	Plan string `json:"plan"`
	Team string `json:"team"` // plan.TeamMeeting id
	Date string `json:"date"` // yyyy-mm-dd
}

// TeamMeetingID is "team-meeting/<plan>/<team>/<date>".
func TeamMeetingID(in TeamMeetingInput) string {
	return "team-meeting/" + in.Plan + "/" + in.Team + "/" + in.Date
}

// TeamMeetingSetup is what the workflow needs from the plan, snapshotted by
// ActivityTeamMeeting.
type TeamMeetingSetup struct {
	PlanID          string   `json:"planId"`
	PlanName        string   `json:"planName"`
	TimeZone        string   `json:"timeZone"`
	Team            string   `json:"team"`
	TeamName        string   `json:"teamName"`
	ActivityName    string   `json:"activityName"`
	Date            string   `json:"date"`
	StartTime       string   `json:"startTime"` // hh:mm
	DurationMinutes int      `json:"durationMinutes"`
	EveryDays       int      `json:"everyDays"`
	Organizer       string   `json:"organizer"` // the convenor's address
	Attendees       []string `json:"attendees"` // the members' addresses
	// Place is where the team meets (the plan's, optional): the
	// invitation's LOCATION. Empty in setups prepared before it was kept,
	// so their invitations replay unchanged.
	Place string `json:"place,omitempty"`
}

// BuildTeamMeetingSetup reads the team from the plan; the date must be one
// of its meetings.
func BuildTeamMeetingSetup(p *plan.Plan, in TeamMeetingInput) (TeamMeetingSetup, error) {
	if in.Plan != p.ID {
		return TeamMeetingSetup{}, fielderr.New("plan", "denne proces kører planen %s, ikke %q", p.ID, in.Plan)
	}
	t, ok := p.TeamMeeting(in.Team)
	if !ok {
		return TeamMeetingSetup{}, fielderr.New("team", "%q er ikke et team i planen %s", in.Team, p.ID)
	}
	d, err := plan.ParseDate(in.Date)
	if err != nil {
		return TeamMeetingSetup{}, fielderr.New("date", "%q er ikke en dato; skriv åååå-mm-dd", in.Date)
	}
	found := false
	for _, m := range TeamMeetingDates(p, t) {
		found = found || m == d
	}
	if !found {
		return TeamMeetingSetup{}, fielderr.New("date", "%s holder %s ikke møde", danish.Date(d), t.Name)
	}
	s := TeamMeetingSetup{PlanID: p.ID, PlanName: p.Name, TimeZone: p.Location().String(), Team: t.ID, TeamName: t.Name,
		Date: d.String(), StartTime: t.StartTime, DurationMinutes: t.DurationMinutes, EveryDays: t.EveryDays, Place: t.Place}
	if a, ok := p.Activity(t.Activity); ok {
		s.ActivityName = a.Name
	}
	if c, ok := p.Partner(t.Convenor); ok {
		s.Organizer = c.Email
	}
	seen := map[string]bool{}
	for _, id := range t.Members {
		if pt, ok := p.Partner(id); ok && pt.Email != "" && !seen[pt.Email] {
			seen[pt.Email] = true
			s.Attendees = append(s.Attendees, pt.Email)
		}
	}
	return s, nil
}

// TeamMeetingDates are a team's meetings in the plan period: the first on
// the team's weekday from the plan's start, then one every EveryDays days;
// one on a public holiday moves to the next working day.
func TeamMeetingDates(p *plan.Plan, t plan.TeamMeeting) []plan.Date {
	wd, ok := t.Day()
	if !ok || t.EveryDays < 1 {
		return nil
	}
	first := p.Period.Start
	for first.Weekday() != wd {
		first = first.AddDays(1)
	}
	var out []plan.Date
	for d := first; !d.After(p.Period.End); d = d.AddDays(t.EveryDays) {
		m := workdays.OnOrAfter(d)
		if m.After(p.Period.End) || (len(out) > 0 && !m.After(out[len(out)-1])) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// TeamMeetingSchedules is the standing team meetings' schedule: one
// occurrence per meeting, firing NoticeWeekdays before it and stale once it
// has begun. A plan without team meetings gets none.
func TeamMeetingSchedules(p *plan.Plan) ([]schedules.Spec, error) {
	loc := p.Location()
	spec := schedules.Spec{ID: schedules.ID(p.ID, schedules.CycleTeamMeeting), Cycle: schedules.CycleTeamMeeting,
		Title: "Faste teammøder (fraværsteamet hver 14. dag)"}
	for _, t := range p.TeamMeetings {
		h, m := t.StartClock()
		for _, d := range TeamMeetingDates(p, t) {
			in := TeamMeetingInput{Plan: p.ID, Team: t.ID, Date: d.String()}
			o, err := schedules.NewOccurrence(schedules.LocalAt(workdays.Add(d, -NoticeWeekdays), NoticeHour, 0, loc),
				schedules.LocalAt(d, h, m, loc), TeamMeetingWorkflowName, TeamMeetingID(in), t.Name+" "+d.String(), in)
			if err != nil {
				return nil, err
			}
			spec.Occurrences = append(spec.Occurrences, o)
		}
	}
	if len(spec.Occurrences) == 0 {
		return nil, nil
	}
	return []schedules.Spec{spec}, nil
}

// TeamMeeting sends a team the invitation to one of its meetings.
func TeamMeeting(ctx workflow.Context, in TeamMeetingInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 10 * time.Minute},
	})
	var s TeamMeetingSetup
	if err := workflow.ExecuteActivity(ctx, ActivityTeamMeeting, in).Get(ctx, &s); err != nil {
		return fmt.Errorf("read team %s: %w", in.Team, err)
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", s.TimeZone, err)
	}
	msg := teamMeetingMail(s, loc, workflow.Now(ctx))
	msg.Key = workflows.MailKey(ctx, msg.Key)
	return workflow.ExecuteActivity(ctx, workflows.ActivitySendMail, msg).Get(ctx, nil)
}

// teamMeetingMail is the invitation: the same UID for a meeting, so a
// resent invitation updates the calendar entry rather than adding one.
func teamMeetingMail(s TeamMeetingSetup, loc *time.Location, now time.Time) mail.Message {
	d, _ := plan.ParseDate(s.Date)
	start := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if t, err := time.Parse("15:04", s.StartTime); err == nil {
		start = start.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
	}
	clock := start.Format("15.04")
	what := s.TeamName
	if s.ActivityName != "" {
		what += " (" + s.ActivityName + ")"
	}
	text := fmt.Sprintf("%s holder møde %s kl. %s.\n\n", what, danish.LongDate(d), clock) +
		fmt.Sprintf("Teamet mødes hver %d. dag efter helhedsplanen (%s) og koordinerer opgaven: nye og igangværende elevforløb, "+
			"indsatser på skole-, familie- og elevniveau og opfølgningen på det seneste kvartals fravær.\n\n", s.EveryDays, s.PlanName) +
		"Invitationen er vedhæftet som kalenderfil.\n"
	return mail.Message{
		Key:     TeamMeetingID(TeamMeetingInput{Plan: s.PlanID, Team: s.Team, Date: s.Date}) + "/invitation",
		To:      s.Attendees,
		Subject: fmt.Sprintf("Invitation: %s %s kl. %s", s.TeamName, danish.LongDate(d), clock),
		Text:    text,
		Invite: &mail.Invite{
			UID:   fmt.Sprintf("%s-%s-%s@helhed", s.PlanID, s.Team, s.Date),
			Start: start, End: start.Add(time.Duration(s.DurationMinutes) * time.Minute),
			Summary: s.TeamName + ": møde", Description: "Koordinering i " + what + ".", Location: s.Place,
			Organizer: s.Organizer, Attendees: s.Attendees, Stamp: now,
		},
	}
}
