package absence_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	absenceadapter "helhed/adapters/absence"
	"helhed/docstore"
	"helhed/internal/cycletest"
	"helhed/internal/testredis"
	"helhed/plan"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}

type harness struct {
	env    *testsuite.TestWorkflowEnvironment
	double *cycletest.Double
	mail   *cycletest.Recorder
	plan   *plan.Plan
	dir    string
}

func newHarness(t testing.TB, start time.Time, prev *absenceadapter.ResultsMap, answer func(datarequest.Input) *cycletest.Answer) *harness {
	t.Helper()
	return newHarnessWith(t, cycletest.NewEnv(start), nil, prev, answer)
}

// newHarnessWith is newHarness on env, steering the requests through
// control (nil: cycletest.EnvControl).
func newHarnessWith(t testing.TB, env *testsuite.TestWorkflowEnvironment, control activities.RequestControl,
	prev *absenceadapter.ResultsMap, answer func(datarequest.Input) *cycletest.Answer) *harness {
	t.Helper()
	if control == nil {
		control = cycletest.EnvControl{Env: env}
	}
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{env: env, plan: p, dir: t.TempDir(), double: &cycletest.Double{Answer: answer}}
	h.double.Register(env)
	h.mail = &cycletest.Recorder{Clock: env.Now}
	env.RegisterActivity(&activities.Mail{Sender: h.mail})
	env.RegisterActivity(&activities.Requests{Control: control})
	if prev == nil {
		prev = &absenceadapter.ResultsMap{}
	}
	env.RegisterWorkflowWithOptions(absence.FollowUp, workflow.RegisterOptions{Name: absence.WorkflowName})
	env.RegisterActivity(&absenceadapter.Activities{Plan: p, Docs: docstore.Dir(h.dir), Redis: rdb, Results: prev})
	cycletest.RegisterDriver(env)
	return h
}

func local(t testing.TB, s string) time.Time { return cycletest.Local(t, s) }

// table turns "id;area;days;absent;unlawful" lines into rows as the data
// request returns them.
func table(lines ...string) []map[string]string {
	var rows []map[string]string
	for _, l := range lines {
		f := strings.Split(l, ";")
		rows = append(rows, map[string]string{absence.ColPupil: f[0], absence.ColArea: f[1], absence.ColSchoolDays: f[2], absence.ColAbsent: f[3], absence.ColUnlawful: f[4]})
	}
	return rows
}
