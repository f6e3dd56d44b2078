package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	reportadapter "helhed/adapters/report"
	"helhed/docstore"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/report"
)

// TestAnnualReportRerunNumbersOn: a second run for a plan year whose v1 was
// approved renders v2 and leaves the approved v1 files as they were; both
// stay served as /api/v1/reports/2024-25/{1,2}.pdf (issue 13, item 2).
func TestAnnualReportRerunNumbersOn(t *testing.T) {
	p, dataDir, outbox := reportFixture(t)
	// run runs the report to the approval of its first version.
	run := func(start time.Time) report.Result {
		t.Helper()
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		env.SetTestTimeout(3 * time.Minute)
		env.SetStartTime(start)
		env.RegisterWorkflowWithOptions(report.AnnualReport, workflow.RegisterOptions{Name: report.WorkflowName})
		env.RegisterActivity(&reportadapter.Activities{Plan: p, Redis: rdb, Docs: docstore.Dir(dataDir), Mail: &activities.Mail{Sender: outbox}, PublicURL: "http://portal.test"})
		env.RegisterActivity(&activities.Mail{Sender: outbox})
		env.RegisterDelayedCallback(func() {
			var st report.State
			if v, err := env.QueryWorkflow(report.QueryState); err == nil {
				_ = v.Get(&st)
			}
			env.UpdateWorkflow(report.UpdateApprove, "", &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnReject: func(err error) { t.Errorf("approve v%d: %v", st.Version, err) }, OnComplete: func(any, error) {},
			}, report.Approval{Version: st.Version})
		}, 24*time.Hour)
		env.ExecuteWorkflow(report.WorkflowName, report.Input{PlanYear: "2024-25"})
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		var res report.Result
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	dir := filepath.Join(dataDir, "reports", "2024-25")
	first := run(time.Date(2025, 10, 13, 6, 0, 0, 0, time.UTC))
	if first.Version != 1 {
		t.Fatalf("first run approved v%d, want v1", first.Version)
	}
	approved := map[string][]byte{}
	for _, f := range []string{"v1.html", "v1.pdf"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		approved[f] = b
	}

	second := run(time.Date(2025, 11, 3, 6, 0, 0, 0, time.UTC))
	if second.Version != 2 || second.PDF != filepath.Join("reports", "2024-25", "v2.pdf") {
		t.Fatalf("rerun %+v, want v2", second)
	}
	for f, want := range approved {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !bytes.Equal(b, want) {
			t.Errorf("the approved %s was overwritten by the rerun (%v)", f, err)
		}
	}
	for _, key := range []string{"annual-report/2024-25/v1/committees", "annual-report/2024-25/v2/committees"} {
		if _, err := os.Stat(filepath.Join(outbox.Dir, mailer.FileName(workflows.RunMailKey("default-test-run-id", key)))); err != nil {
			t.Errorf("committees' mail %s: %v", key, err)
		}
	}
}
