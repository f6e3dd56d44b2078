package crisis_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	crisisadapter "helhed/adapters/crisis"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

func TestStatusMeetingSchedules(t *testing.T) {
	p := randers(t)
	specs, err := crisis.StatusMeetingSchedules(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 || specs[0].ID != "helhed/randers-2021-25/crisis-status-meeting" || len(specs[0].Occurrences) != 4 {
		t.Fatalf("specs %+v", specs)
	}
	o := specs[0].Occurrences[0]
	// 1 September 2021 was a Wednesday.
	if at := o.At.In(p.Location()).Format("2006-01-02 15:04"); at != "2021-09-01 09:00" || o.WorkflowID != "crisis-status-meeting/2021-22" ||
		o.Workflow != crisis.StatusMeetingWorkflowName || o.NotAfter.In(p.Location()).Format(time.DateOnly) != "2022-07-01" {
		t.Errorf("first occurrence %+v at %s", o, o.At.In(p.Location()))
	}
	p.Governance.Crisis.StatusMeetingsPerYear = 0
	if specs, _ := crisis.StatusMeetingSchedules(p); specs != nil {
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
	env.RegisterWorkflowWithOptions(crisis.StatusMeeting, workflow.RegisterOptions{Name: crisis.StatusMeetingWorkflowName})
	env.RegisterActivity(&crisisadapter.Activities{Plan: p, Redis: rdb, PublicURL: "https://helhed.example"})
	env.RegisterActivity(&activities.Mail{Sender: &mailer.Outbox{Dir: outbox, From: "helhedsplan@example.invalid"}})
	env.ExecuteWorkflow(crisis.StatusMeetingWorkflowName, crisis.StatusMeetingInput{Year: "2023-24"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(outbox, mailer.FileName(workflows.RunMailKey(testRunID, "default-test-workflow-id"))))
	if err != nil {
		t.Fatal(err)
	}
	m := parseMail(t, string(b))
	if !strings.Contains(m.Subject, "2023-24") || !strings.Contains(m.Text, "gennemgås beredskabsplanen") ||
		strings.Count(m.To, "@") != len(p.Governance.Crisis.Roles) {
		t.Errorf("status meeting mail: %+v", m)
	}
}
