package meeting_test

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	meetingadapter "helhed/adapters/meeting"
	"helhed/docstore"
	"helhed/internal/cycletest"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// harness is one time-skipping environment with the round, the
// DataRequest double, a mail recorder and real activities.
type harness struct {
	env    *testsuite.TestWorkflowEnvironment
	double *cycletest.Double
	mail   *cycletest.Recorder
	plan   *plan.Plan
	dir    string
}

// silent is a member that never answers.
const silent = "kfum"

func newHarness(t testing.TB, start time.Time) *harness {
	t.Helper()
	return newHarnessFor(t, start, randers(t))
}

// newHarnessFor is newHarness with another plan.
func newHarnessFor(t testing.TB, start time.Time, p *plan.Plan) *harness {
	t.Helper()
	env := cycletest.NewEnv(start)
	h := &harness{env: env, plan: p, dir: t.TempDir()}
	h.double = &cycletest.Double{Answer: answerAll}
	h.double.Register(env)
	h.mail = &cycletest.Recorder{Clock: env.Now}
	env.RegisterActivity(&activities.Mail{Sender: h.mail})
	env.RegisterActivity(&activities.Requests{Control: cycletest.EnvControl{Env: env}})
	env.RegisterWorkflowWithOptions(meeting.Round, workflow.RegisterOptions{Name: meeting.WorkflowName})
	env.RegisterActivity(&meetingadapter.Activities{Plan: h.plan, Docs: docstore.Dir(h.dir), Redis: rdb})
	cycletest.RegisterDriver(env)
	return h
}

// answerAll: every member answers 3 days after the request with 2 for
// each figure, except the silent member; the monitoring unit answers
// after 2 days with 1.5 everywhere.
func answerAll(in datarequest.Input) *cycletest.Answer {
	if in.Partner == silent {
		return nil
	}
	vals := map[string]string{}
	after := 72 * time.Hour
	for _, f := range in.Fields {
		switch {
		case f.PerArea:
			for _, a := range in.Areas {
				vals[f.Key+"@"+a] = "1.5"
			}
			after = 48 * time.Hour
		case f.Type == datarequest.Text:
			vals[f.Key] = "Alt kører efter planen"
		default:
			vals[f.Key] = "2"
		}
	}
	return &cycletest.Answer{After: after, Values: vals}
}

func local(t testing.TB, s string) time.Time { return cycletest.Local(t, s) }

// run executes a round to its end and returns its result.
func (h *harness) run(t *testing.T, in meeting.Input) meeting.State {
	t.Helper()
	h.env.ExecuteWorkflow(meeting.WorkflowName, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var st meeting.State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// testRunID is the run id the test environment gives every workflow; the
// e-mail keys are scoped to it (workflows.MailKey).
const testRunID = "default-test-run-id"

// sentAt maps mail keys (without the round prefix and the run's
// "@<run id>", workflows.RunMailKey) to their local send time.
func (h *harness) sentAt(prefix string) map[string]string {
	loc := h.plan.Location()
	out := map[string]string{}
	for _, s := range h.mail.Sent() {
		if k, ok := strings.CutPrefix(s.Message.Key, prefix); ok {
			k, _, _ = strings.Cut(k, "@")
			out[k] = s.At.In(loc).Format("2006-01-02 15:04")
		}
	}
	return out
}

func clientStartOptions(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: id, TaskQueue: "helhed"}
}
