package crisis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	"helhed/fielderr"
	"helhed/mailer"
	"helhed/runs"
)

func TestValidate(t *testing.T) {
	p := randers(t)
	now := time.Date(2024, 5, 14, 22, 30, 0, 0, p.Location())
	base := Example(p, now)
	if err := Validate(p, &base, now); err != nil {
		t.Fatalf("example invalid: %v", err)
	}
	police := base
	police.ActivatedBy = "oestjyllands-politi" // the police, not only its seat in the group
	if err := Validate(p, &police, now); err != nil {
		t.Errorf("police partner refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Input)
		field string
		msg   string
	}{
		{"no activator", func(in *Input) { in.ActivatedBy = "" }, "activatedBy", "skal udfyldes"},
		{"not in the group", func(in *Input) { in.ActivatedBy = "skole" }, "activatedBy", "kan ikke aktivere"},
		{"no incident", func(in *Input) { in.Incident = "" }, "incident", "skal udfyldes"},
		{"unknown incident", func(in *Input) { in.Incident = "storm" }, "incident", "ukendt hændelsestype"},
		{"no area", func(in *Input) { in.Area = "" }, "area", "skal udfyldes"},
		{"unknown area", func(in *Input) { in.Area = "vestbyen" }, "area", "ukendt boligområde"},
		{"no time", func(in *Input) { in.OccurredAt = time.Time{} }, "occurredAt", "skal udfyldes"},
		{"future", func(in *Input) { in.OccurredAt = now.Add(time.Hour) }, "occurredAt", "fremtiden"},
		{"old", func(in *Input) { in.OccurredAt = now.AddDate(0, -2, 0) }, "occurredAt", "30 dage"},
		{"no summary", func(in *Input) { in.Summary = " " }, "summary", "skal udfyldes"},
		{"CPR", func(in *Input) { in.Summary = "Beboer 0102031234 truet" }, "summary", "CPR"},
		{"long", func(in *Input) { in.Summary = strings.Repeat("x", MaxText+1) }, "summary", "højst"},
		{"convene", func(in *Input) { in.ConveneWithinHours = 100 }, "conveneWithinHours", "mellem 1 og 72"},
		{"reference", func(in *Input) { in.Reference = "Nr 2" }, "reference", "små bogstaver"},
	}
	for _, c := range cases {
		in := base
		c.edit(&in)
		err := Validate(p, &in, now)
		fe, ok := err.(*fielderr.Error)
		if !ok || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%s: got %v, want %s: …%s…", c.name, err, c.field, c.msg)
		}
	}
}

func TestWorkflowID(t *testing.T) {
	p := randers(t)
	// 23:30 UTC on 14 May is 01:30 on 15 May in Copenhagen: the local date counts.
	in := Input{Area: "vangdalen", Incident: Arson, OccurredAt: time.Date(2024, 5, 14, 23, 30, 0, 0, time.UTC)}
	if got := WorkflowID(in); got != "crisis/vangdalen/2024-05-15/arson" {
		t.Errorf("ID %s", got)
	}
	in.Reference = "2"
	if got := WorkflowID(in); got != "crisis/vangdalen/2024-05-15/arson/2" {
		t.Errorf("ID with reference %s", got)
	}
	// The police and the SSP consultant activating the same incident get one ID.
	a, b := Example(p, time.Now()), Example(p, time.Now())
	a.ActivatedBy, b.ActivatedBy = "politi", "ssp-konsulent"
	b.OccurredAt = a.OccurredAt.Add(10 * time.Minute)
	b.Summary = "Anden beskrivelse"
	if a.OccurredAt.In(p.Location()).Day() == b.OccurredAt.In(p.Location()).Day() && WorkflowID(a) != WorkflowID(b) {
		t.Errorf("same incident, two IDs: %s %s", WorkflowID(a), WorkflowID(b))
	}
	if _, err := runs.NewRegistry(Kinds()); err != nil {
		t.Fatal(err)
	}
}

func TestStatusMeetingSchedules(t *testing.T) {
	p := randers(t)
	specs, err := StatusMeetingSchedules(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 || specs[0].ID != "helhed/randers-2021-25/crisis-status-meeting" || len(specs[0].Occurrences) != 4 {
		t.Fatalf("specs %+v", specs)
	}
	o := specs[0].Occurrences[0]
	// 1 September 2021 was a Wednesday.
	if at := o.At.In(p.Location()).Format("2006-01-02 15:04"); at != "2021-09-01 09:00" || o.WorkflowID != "crisis-status-meeting/2021-22" ||
		o.Workflow != StatusMeetingWorkflowName || o.NotAfter.In(p.Location()).Format(time.DateOnly) != "2022-07-01" {
		t.Errorf("first occurrence %+v at %s", o, o.At.In(p.Location()))
	}
	p.Governance.Crisis.StatusMeetingsPerYear = 0
	if specs, _ := StatusMeetingSchedules(p); specs != nil {
		t.Errorf("no status meetings in the plan, yet %+v", specs)
	}
}

// TestStatusMeeting runs the yearly status meeting workflow: the whole
// group is told the meeting is due.
func TestStatusMeeting(t *testing.T) {
	p := randers(t)
	outbox := t.TempDir()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(StatusMeeting, workflow.RegisterOptions{Name: StatusMeetingWorkflowName})
	env.RegisterActivity(&Activities{Plan: p, Redis: rdb, PublicURL: "https://helhed.example"})
	env.RegisterActivity(&activities.Mail{Sender: &mailer.Outbox{Dir: outbox, From: "helhedsplan@example.invalid"}})
	env.ExecuteWorkflow(StatusMeetingWorkflowName, StatusMeetingInput{Year: "2023-24"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(outbox, mailer.FileName("default-test-workflow-id")))
	if err != nil {
		t.Fatal(err)
	}
	m := parseMail(t, string(b))
	if !strings.Contains(m.Subject, "2023-24") || !strings.Contains(m.Text, "gennemgås beredskabsplanen") ||
		strings.Count(m.To, "@") != len(p.Governance.Crisis.Roles) {
		t.Errorf("status meeting mail: %+v", m)
	}
}
