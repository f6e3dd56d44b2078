package report_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	reportadapter "helhed/adapters/report"
	"helhed/internal/replaytest"
	"helhed/internal/testredis"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/datarequest"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

const token = "e2e-operator-token-123"

// TestPullAndReportEndToEnd runs the whole stack (embedded Temporal, real
// redis-server, the real DataRequest workflow, headless Chromium) against a
// Statbank stand-in: the pull, the monitoring unit's CSV through the data
// request's submit Update, and the report through send-back and approval.
func TestPullAndReportEndToEnd(t *testing.T) {
	for _, tool := range []string{"pdftoppm"} {
		if _, err := reportadapter.ChromiumPath(); err != nil || !haveTool(tool) {
			if testredis.Required() {
				t.Fatalf("chromium or %s missing: %v", tool, err)
			}
			t.Skip("chromium or pdftoppm missing")
		}
	}
	sb := statstest.Statbank()
	t.Cleanup(sb.Close) // after the stack's own clean-up
	planFile, _ := filepath.Abs("../../plan/plans/randers-2021-25.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a := teststack.StartT(t, teststack.Options{
		Name: "report-e2e",
		// The recorded histories in testdata are sealed with the test key,
		// so the replay test can read them.
		PayloadKeyFile: replaytest.KeyFile,
		Env:            map[string]string{"STATBANK_URL": sb.URL, "PLAN_FILE": planFile, "OPERATOR_TOKEN": token},
	})
	dir := a.Dir
	c := a.Temporal

	// The pull, and the monitoring unit's answer through the real data
	// request's submit Update.
	in := statistics.Input{PlanYear: "2024-25"}
	pull, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: statistics.WorkflowID(in), TaskQueue: workflows.TaskQueue}, statistics.WorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	reqID := datarequest.WorkflowID("statistics-pull-2024-25/monitorering")
	waitRunning(ctx, t, c, reqID)
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: reqID, UpdateName: datarequest.UpdateSubmit,
		Args: []any{datarequest.Submission{CSV: statstest.KeyFiguresCSV, SubmittedBy: "operator"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatalf("submit key figures: %v", err)
	}
	var sub datarequest.SubmitResult
	if err := h.Get(ctx, &sub); err != nil || sub.Rows != len(statstest.KeyFigureRows()) {
		t.Fatalf("submit %+v %v", sub, err)
	}
	var pulled statistics.Result
	if err := pull.Get(ctx, &pulled); err != nil {
		t.Fatal(err)
	}
	if pulled.KeyFigures != datarequest.StatusAnswered || len(pulled.Criteria) != 20 {
		t.Fatalf("pull %+v", pulled)
	}

	// The eviction capability's summary is there; absence and meetings are
	// not (the report says so).
	if err := a.Redis.Set(ctx, "helhed:eviction:summary:2024-25", `{"areas":{"gl-jennumparken":{"evictions":6,"effective":3},"vangdalen":{"evictions":1,"effective":0}}}`, 0).Err(); err != nil {
		t.Fatal(err)
	}

	// The report: v1 sent back, v2 approved.
	rin := report.Input{PlanYear: "2024-25"}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: report.WorkflowID(rin), TaskQueue: workflows.TaskQueue}, report.WorkflowName, rin)
	if err != nil {
		t.Fatal(err)
	}
	waitVersion(ctx, t, c, run.GetID(), 1)
	update(ctx, t, c, run.GetID(), report.UpdateSendBack, report.SendBack{Version: 1, Comments: "Tilføj en forklaring på Glarbjergvej-områdets manglende tal."})
	waitVersion(ctx, t, c, run.GetID(), 2)
	update(ctx, t, c, run.GetID(), report.UpdateApprove, report.Approval{Version: 2})
	var res report.Result
	if err := run.Get(ctx, &res); err != nil || res.Version != 2 {
		t.Fatalf("report %+v %v", res, err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "reports", "2024-25", "v2.html"))
	if err != nil {
		t.Fatal(err)
	}
	checkReportHTML(t, string(html))
	if !strings.Contains(string(html), "<tr><td>Randers Kommunes monitoreringsenhed (Udvikling, Miljø og Teknik)</td><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>100 %</td></tr>") {
		t.Error("the data request answered on time is not in the report")
	}
	if ink := pngInk(t, filepath.Join(dir, "reports", "2024-25", "v2.pdf")); ink < 0.01 {
		t.Errorf("PDF page 1 blank (%.4f inked)", ink)
	}

	// Operator API.
	base := "http://" + a.HTTPAddr()
	code, body := teststack.Get(t, base+"/api/v1/reports", token)
	if code != 200 || !strings.Contains(body, `"planYear":"2024-25"`) || !strings.Contains(body, `"pdf":"/api/v1/reports/2024-25/2.pdf"`) || !strings.Contains(body, `"stage":"sent"`) {
		t.Errorf("list %d %s", code, body)
	}
	if code, body := teststack.Get(t, base+"/api/v1/reports/2024-25/2.pdf", token); code != 200 || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("pdf %d %.20q", code, body)
	}
	if code, body := teststack.Get(t, base+"/api/v1/reports/2024-25/1.html", token); code != 200 || !strings.Contains(body, "Årsrapport 2024-25") {
		t.Errorf("html %d", code)
	}
	for url, want := range map[string]int{
		"/api/v1/reports/2024-25/9.pdf": 404, "/api/v1/reports/2024-25/x.exe": 400, "/api/v1/reports/..%2f..%2fetc/1.pdf": 400,
	} {
		if code, body := teststack.Get(t, base+url, token); code != want {
			t.Errorf("%s: %d %s", url, code, body)
		}
	}
	if code, _ := teststack.Get(t, base+"/api/v1/reports", ""); code != 401 {
		t.Errorf("without token: %d", code)
	}

	// Metrics on scrape.
	metrics := a.Scrape(t)
	for _, want := range []string{
		`helhed_indicator_value{area="alle",indicator="grundskole-30-59-aar"} 623`,
		`helhed_indicator_target{area="alle",indicator="grundskole-30-59-aar"} 883`,
		`helhed_area_criterion_value{area="gl-jennumparken",criterion="kun-grundskole"} 64`,
		`helhed_area_criterion_threshold{criterion="domfaeldte"} 3`,
		`helhed_statistics_last_success_timestamp_seconds `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// The committees' mail, with the PDF.
	eml, err := os.ReadFile(filepath.Join(dir, "outbox", mailer.FileName(workflows.RunMailKey(run.GetRunID(), "annual-report/2024-25/v2/committees"))))
	if err != nil || !strings.Contains(string(eml), "aarsrapport-2024-25.pdf") {
		t.Errorf("committee mail: %v", err)
	}

	replaytest.Record(t, c, statistics.WorkflowID(in), "testdata/statistics-pull.history.json")
	replaytest.Record(t, c, run.GetID(), "testdata/annual-report.history.json")
}

func haveTool(name string) bool {
	_, err := os.Stat("/usr/bin/" + name)
	return err == nil
}

func waitRunning(ctx context.Context, t *testing.T, c client.Client, id string) {
	t.Helper()
	for ctx.Err() == nil {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never ran", id)
}

func waitVersion(ctx context.Context, t *testing.T, c client.Client, id string, version int) {
	t.Helper()
	for ctx.Err() == nil {
		if v, err := c.QueryWorkflow(ctx, id, "", report.QueryState); err == nil {
			var s report.State
			if v.Get(&s) == nil && s.Stage == report.StageAwaiting && s.Version == version {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never awaited version %d", id, version)
}

func update(ctx context.Context, t *testing.T, c client.Client, id, name string, arg any) {
	t.Helper()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := h.Get(ctx, nil); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
