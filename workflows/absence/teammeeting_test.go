package absence_test

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	absenceadapter "helhed/adapters/absence"
	"helhed/fielderr"
	"helhed/internal/cycletest"
	"helhed/internal/icstest"
	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/absence"
)

// TestTeamMeetingSchedule: the absence team meets every 14 days on its
// weekday through the plan period; a meeting on a public holiday moves to
// the next working day; each invitation goes out two weekdays ahead and is
// stale once the meeting has begun.
func TestTeamMeetingSchedule(t *testing.T) {
	p := testplan.Load(t, testplan.BaseID)
	team, ok := p.TeamMeeting("fravaersteam")
	if !ok {
		t.Fatal("the example plan has no absence team")
	}
	dates := absence.TeamMeetingDates(p, team)
	// 1 July 2025 is a Tuesday; 26 December 2028 (2. juledag) is one too.
	if len(dates) != 105 || dates[0] != plan.NewDate(2025, time.July, 1) || dates[len(dates)-1].After(p.Period.End) {
		t.Fatalf("%d meetings from %v to %v", len(dates), dates[0], dates[len(dates)-1])
	}
	moved := 0
	for i, d := range dates {
		if !workdays.IsWeekday(d) {
			t.Errorf("meeting %v is not a working day", d)
		}
		if d.Weekday() != time.Tuesday {
			moved++
			if want := plan.NewDate(2028, time.December, 27); d != want {
				t.Errorf("meeting moved to %v, want only %v", d, want)
			}
		}
		if i > 0 && d.Weekday() == time.Tuesday && dates[i-1].Weekday() == time.Tuesday && dates[i-1].DaysUntil(d) != 14 {
			t.Errorf("%v to %v is not 14 days", dates[i-1], d)
		}
	}
	if moved != 1 {
		t.Errorf("%d meetings moved off their Tuesday, want 1 (2. juledag 2028)", moved)
	}

	specs, err := absence.TeamMeetingSchedules(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 || specs[0].ID != "helhed/eksempel-2025-29/team-meeting" || len(specs[0].Occurrences) != len(dates) {
		t.Fatalf("specs %+v", specs)
	}
	loc := p.Location()
	o := specs[0].Occurrences[1] // the meeting of 15 July 2025
	if at := o.At.In(loc).Format("2006-01-02 15:04"); at != "2025-07-11 08:00" || o.NotAfter.In(loc).Format("2006-01-02 15:04") != "2025-07-15 13:00" ||
		o.WorkflowID != "team-meeting/eksempel-2025-29/fravaersteam/2025-07-15" || o.Workflow != absence.TeamMeetingWorkflowName {
		t.Errorf("occurrence %+v at %s", o, o.At.In(loc))
	}

	none := *p
	none.TeamMeetings = nil
	if specs, err := absence.TeamMeetingSchedules(&none); specs != nil || err != nil {
		t.Errorf("a plan without team meetings: %+v, %v", specs, err)
	}
}

// TestTeamMeetingInvitations fires the schedule's first two occurrences as
// the Temporal Schedule would: each sends the team its invitation with the
// calendar file, two weekdays ahead.
func TestTeamMeetingInvitations(t *testing.T) {
	p := testplan.Load(t, testplan.BaseID)
	specs, err := absence.TeamMeetingSchedules(p)
	if err != nil {
		t.Fatal(err)
	}
	env := cycletest.NewEnv(local(t, "2025-06-26 00:00"))
	rec := &cycletest.Recorder{Clock: env.Now}
	env.RegisterActivity(&activities.Mail{Sender: rec})
	env.RegisterWorkflowWithOptions(absence.TeamMeeting, workflow.RegisterOptions{Name: absence.TeamMeetingWorkflowName})
	env.RegisterActivity(&absenceadapter.Activities{Plan: p})
	cycletest.RegisterDriver(env)
	env.ExecuteWorkflow(cycletest.DriverName, specs[0].Occurrences[:2])
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sent := rec.Sent()
	if len(sent) != 2 {
		t.Fatalf("%d mails, want 2", len(sent))
	}
	if n := icstest.CheckInvites(t, sent[0].Message, sent[1].Message); n != 2 {
		t.Errorf("%d invitations, want 2", n)
	}
	loc := p.Location()
	m := sent[0]
	team, _ := p.TeamMeeting("fravaersteam")
	if at := m.At.In(loc).Format("2006-01-02 15:04"); at != "2025-06-27 08:00" {
		t.Errorf("first invitation sent %s", at)
	}
	inv := m.Message.Invite
	if inv == nil || inv.Start.In(loc).Format("2006-01-02 15:04") != "2025-07-01 13:00" || inv.End.Sub(inv.Start) != 90*time.Minute ||
		inv.UID != "eksempel-2025-29-fravaersteam-2025-07-01@helhed" || len(inv.Attendees) != len(team.Members) {
		t.Errorf("invitation %+v", inv)
	}
	if !strings.HasPrefix(m.Message.Subject, "Invitation: Fraværsteamet") || !strings.Contains(m.Message.Subject, "kl. 13.00") ||
		!strings.Contains(m.Message.Text, "hver 14. dag") || len(m.Message.To) != len(team.Members) {
		t.Errorf("mail %q / %q to %v", m.Message.Subject, m.Message.Text, m.Message.To)
	}
	if at := sent[1].At.In(loc).Format("2006-01-02 15:04"); at != "2025-07-11 08:00" {
		t.Errorf("second invitation sent %s", at)
	}
}

// TestTeamMeetingRefusesADateWithoutMeeting: the activity fails a date the
// team does not meet on, naming the field.
func TestTeamMeetingRefusesADateWithoutMeeting(t *testing.T) {
	p := testplan.Load(t, testplan.BaseID)
	_, err := absence.BuildTeamMeetingSetup(p, absence.TeamMeetingInput{Plan: p.ID, Team: "fravaersteam", Date: "2025-07-02"})
	fe, ok := err.(*fielderr.Error)
	if !ok || fe.Field != "date" || !strings.Contains(fe.Message, "holder Fraværsteamet ikke møde") {
		t.Errorf("error %v", err)
	}
	if _, err := absence.BuildTeamMeetingSetup(p, absence.TeamMeetingInput{Plan: p.ID, Team: "bestyrelsen", Date: "2025-07-01"}); err == nil {
		t.Error("an unknown team was accepted")
	}
}
