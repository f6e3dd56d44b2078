package metricstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/app"
	"helhed/capability"
	"helhed/mail"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/workdays"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

// fixtureLog says what fixture activity ran, per capability, so a panel
// without data can be traced to a capability that is missing.
type fixtureLog struct {
	lines []string
	kinds map[string]string // kind → workflow id started
}

func (f *fixtureLog) addf(format string, args ...any) {
	f.lines = append(f.lines, fmt.Sprintf(format, args...))
}

func (f *fixtureLog) String() string { return "  " + strings.Join(f.lines, "\n  ") }

// Probes: real SDK failures, so the failure panels and the failure alert
// expressions have series (a healthy fixture fails nothing).
var probes = capability.Capability{Name: "probes",
	Workflows: []capability.Workflow{{Name: "probe-fails", Func: probeFails},
		{Name: "probe-task-fails", Func: probeTaskFails}},
	Activities: []capability.Activities{{Impl: &probeActivities{}}}}

func probeFails(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaximumAttempts: 2}})
	if err := workflow.ExecuteActivity(ctx, (*probeActivities).ProbeFailOnce).Get(ctx, nil); err != nil {
		return err
	}
	// The shared mail activity refuses a message without a recipient: a
	// SendMail failure (HelhedMailFailing), once.
	once := workflow.WithRetryPolicy(ctx, temporal.RetryPolicy{MaximumAttempts: 1})
	_ = workflow.ExecuteActivity(once, workflows.ActivitySendMail, mail.Message{Key: "probe-no-recipient"}).Get(ctx, nil)
	return temporal.NewNonRetryableApplicationError("probe: this workflow fails on purpose", "Probe", nil)
}

// probeTaskPanicked makes the first workflow task of probe-task-fails
// panic (a workflow task failure, HelhedWorkflowTaskFailing) and
// Temporal's retry of it succeed.
var probeTaskPanicked atomic.Bool

func probeTaskFails(ctx workflow.Context) error {
	if !probeTaskPanicked.Swap(true) {
		panic("probe: the first workflow task fails on purpose")
	}
	return nil
}

type probeActivities struct{}

// ProbeFailOnce fails its first attempt.
func (*probeActivities) ProbeFailOnce(ctx context.Context) error {
	if activity.GetInfo(ctx).Attempt == 1 {
		return errors.New("probe: first attempt fails on purpose")
	}
	return nil
}

// runFixtures drives every capability the build wires through its public
// entry points: the operator API (POST /api/v1/runs with each kind's
// Example input), the arrears import, the partners' submit Update, and
// finally POST /api/v1/reconcile; then it waits until Prometheus has
// scraped the result.
func runFixtures(ctx context.Context) (*fixtureLog, error) {
	f := &fixtureLog{kinds: map[string]string{}}
	c := stack.Temporal

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "probe-fails", TaskQueue: workflows.TaskQueue}, "probe-fails")
	if err != nil {
		return nil, err
	}
	_ = run.Get(ctx, nil) // fails on purpose
	_, err = c.DescribeWorkflowExecution(ctx, "probe-no-such-workflow", "")
	f.addf("probe: one workflow failed, one activity attempt failed, one mail failed and one request failed (%v) on purpose (SDK failure metrics)", err != nil)
	if run, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "probe-task-fails", TaskQueue: workflows.TaskQueue}, "probe-task-fails"); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = run.Get(tctx, nil)
	cancel()
	f.addf("probe: the first workflow task of probe-task-fails failed on purpose, its retry: %v", err)
	// A new Redis: start-up reconciles once; let it finish first.
	if err := c.GetWorkflow(ctx, stack.ReadModel.StartupWorkflowID(), "").Get(ctx, nil); err != nil {
		return nil, fmt.Errorf("start-up reconcile: %w", err)
	}

	for _, k := range app.Kinds(stack.Capabilities) {
		if k.Example == nil {
			f.addf("kind %s: no Example input, not started", k.Name)
			continue
		}
		id, how, err := startKind(ctx, k.Name, k.Workflow, k.Example(stack.Plan), k.WorkflowID)
		if err != nil {
			f.addf("kind %s: start failed: %v", k.Name, err)
			continue
		}
		f.kinds[k.Name] = id
		f.addf("kind %s: started %s (%s)", k.Name, id, how)
	}
	if len(app.Kinds(stack.Capabilities)) == 0 {
		f.addf("no capability kinds are wired in app/modules.go: no workflows started")
	}
	startOpenMeetingRound(ctx, f)
	importArrears(ctx, f)

	// Parents start their data requests (the statistics pull asks the
	// monitoring unit for key figures); answer all but the Example one, so
	// both open and answered tasks exist.
	// Wait until the parents have started theirs: the count of open
	// requests has stopped growing for two seconds.
	last, same := -1, 0
	waitFor(ctx, func() bool {
		n := len(openRequests(ctx, f))
		if n == last {
			same++
		} else {
			last, same = n, 0
		}
		time.Sleep(300 * time.Millisecond)
		return same >= 6
	})
	f.addf("%d open data requests before answering", last)
	answerRequests(ctx, f)
	if id, ok := f.kinds[absence.Kind]; ok {
		// Close the quarter now rather than at its deadline: the note and
		// the absence figures are computed from what came in.
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: absence.UpdateClose,
			Args: []any{absence.Close{Reason: "metricstest"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		werr := c.GetWorkflow(wctx, id, "").Get(wctx, nil)
		cancel()
		f.addf("absence round %s closed: update err=%v, finished err=%v", id, err, werr)
	}
	if id, ok := f.kinds[statistics.Kind]; ok {
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := c.GetWorkflow(wctx, id, "").Get(wctx, nil)
		cancel()
		f.addf("statistics pull %s finished: err=%v", id, err)
	}

	rep, err := postReconcile(ctx)
	if err != nil {
		return nil, err
	}
	f.addf("reconcile: %d kinds, drift %d, errors %v", len(rep.Kinds), rep.Drift, rep.Errors)
	for _, k := range rep.Kinds {
		if k.Reconciled {
			f.addf("  %s: %d keys, drift %+v", k.Kind, k.Keys, k.Drift)
		}
	}
	// Let Prometheus scrape the reconciled read model a few times, so rate
	// and increase windows hold several samples from after the fixtures.
	if !waitScrapes(ctx, 4) {
		return nil, fmt.Errorf("prometheus did not scrape %s four times", stack.MetricsAddr())
	}
	return f, nil
}

// startKind starts a run through the operator API, or, when the build has
// no runs API, the way the runs layer does (ID from the business keys,
// HelhedKind and HelhedPlan set).
func startKind(ctx context.Context, kind, wf string, input any, workflowID func(any) string) (id, how string, err error) {
	body, _ := json.Marshal(map[string]any{"kind": kind, "input": input})
	code, resp, err := operatorCall(ctx, http.MethodPost, "/api/v1/runs", "application/json", body)
	if err != nil {
		return "", "", err
	}
	if code == http.StatusCreated {
		var out struct{ WorkflowID string }
		if err := json.Unmarshal(resp, &out); err != nil {
			return "", "", err
		}
		return out.WorkflowID, "POST /api/v1/runs", nil
	}
	how = "Temporal client: the build has no POST /api/v1/runs"
	if code == http.StatusBadRequest && strings.Contains(string(resp), "ukendt slags kørsel") {
		how = fmt.Sprintf("Temporal client: POST /api/v1/runs answered %s", bytes.TrimSpace(resp))
	} else if code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		return "", "", fmt.Errorf("POST /api/v1/runs: %d %s", code, resp)
	}
	id = workflowID(input)
	_, err = stack.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(searchattr.Kind.ValueSet(kind), searchattr.PlanID.ValueSet(stack.Plan.ID)),
	}, wf, input)
	return id, how, err
}

// startOpenMeetingRound starts a meeting round that opens at once: the
// kind's Example is the plan's next board meeting, whose round may open
// months from now, so this one is for an extra board meeting just far
// enough ahead that the round's data requests go out now and its progress
// report is still days away. answerRequests then answers its members
// through the real submit Update, and the milestone actuals and the
// report's completeness reach the read model as the answers arrive.
func startOpenMeetingRound(ctx context.Context, f *fixtureLog) {
	p := stack.Plan
	today := p.DateOf(time.Now())
	for b := today.AddDays(p.Governance.SteeringGroup.OffsetDays); p.Period.Contains(b); b = b.AddDays(1) {
		tl := meeting.Derive(b, p.Governance.SteeringGroup.OffsetDays)
		if !workdays.IsWeekday(b) || tl.Open.After(today) || !tl.Report.After(today.AddDays(2)) {
			continue
		}
		in := meeting.Input{Plan: p.ID, BoardDate: b.String(), DeviationReason: "metricstest"}
		if in.Check(p, today, true) != nil {
			continue
		}
		if meeting.WorkflowID(in) == f.kinds[meeting.Kind] {
			f.addf("meeting round %s (the Example) is open already", f.kinds[meeting.Kind])
			return
		}
		id, how, err := startKind(ctx, meeting.Kind, meeting.WorkflowName, in, func(any) string { return meeting.WorkflowID(in) })
		f.addf("meeting round for an extra board meeting %s (opened %s, report %s): started %s (%s) err=%v", b, tl.Open, tl.Report, id, how, err)
		return
	}
	f.addf("no board date in plan %s gives a meeting round open today", p.ID)
}

// importArrears posts the housing organisations' test list.
func importArrears(ctx context.Context, f *fixtureLog) {
	csv, err := os.ReadFile("../arrears/testdata/month1.csv")
	if err != nil {
		f.addf("arrears: no test list: %v", err)
		return
	}
	code, resp, err := operatorCall(ctx, http.MethodPost, "/api/v1/arrears", "text/csv", csv)
	switch {
	case err != nil:
		f.addf("arrears: %v", err)
	case code == http.StatusNotFound || code == http.StatusMethodNotAllowed:
		f.addf("arrears: the build has no POST /api/v1/arrears (eviction capability not wired)")
	default:
		f.addf("arrears: POST /api/v1/arrears month1.csv: %d %s", code, bytes.TrimSpace(resp))
	}
}

// openRequests lists the running data requests' states.
func openRequests(ctx context.Context, f *fixtureLog) []datarequest.State {
	resp, err := stack.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: `WorkflowType = "` + datarequest.WorkflowName + `" AND ExecutionStatus = "Running"`,
	})
	if err != nil {
		return nil
	}
	var out []datarequest.State
	for _, e := range resp.GetExecutions() {
		v, err := stack.Temporal.QueryWorkflow(ctx, e.GetExecution().GetWorkflowId(), "", datarequest.QueryState)
		if err != nil {
			continue
		}
		var st datarequest.State
		if v.Get(&st) == nil && st.Status == datarequest.StatusOpen {
			out = append(out, st)
		}
	}
	return out
}

// answerRequests submits every open data request except the ad hoc
// Example: the statistics key figures with the fixture CSV, the others with
// a value per field.
func answerRequests(ctx context.Context, f *fixtureLog) {
	for _, st := range openRequests(ctx, f) {
		in := st.Input
		if strings.HasPrefix(in.RequestID, "eksempel/") {
			f.addf("data request %s left open", in.RequestID)
			continue
		}
		sub := datarequest.Submission{SubmittedBy: "operator", Values: map[string]string{}}
		switch {
		case strings.HasPrefix(in.Origin, statistics.Kind):
			sub.CSV = keyFigures(in.Period)
		case strings.HasPrefix(in.Origin, absence.Kind):
			sub.CSV = absenceCSV(in.Partner)
		default:
			sub = answerFor(in)
		}
		h, err := stack.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: datarequest.WorkflowID(in.RequestID), UpdateName: datarequest.UpdateSubmit,
			Args: []any{sub}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		f.addf("data request %s (%s) answered: err=%v", in.RequestID, in.Partner, err)
	}
}

// keyFigures is the statistics fixture's key-figure CSV (data years 2023
// and 2024, for plan year 2024-25) moved to the data years of planYear
// (its start year and the year before).
func keyFigures(planYear string) string {
	start, err := strconv.Atoi(strings.SplitN(planYear, "-", 2)[0])
	if err != nil {
		return statstest.KeyFiguresCSV
	}
	shift := start - 2024
	var b strings.Builder
	for i, line := range strings.Split(statstest.KeyFiguresCSV, "\n") {
		f := strings.Split(line, ";")
		if y, err := strconv.Atoi(strings.TrimSpace(valueAt(f, 1))); i > 0 && err == nil {
			f[1] = strconv.Itoa(y + shift)
		}
		b.WriteString(strings.Join(f, ";"))
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func valueAt(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// absenceCSV is a school's quarterly upload: six pseudonymous pupils in
// each area the school serves, five of them with unlawful absence over
// 10 % (so that flag count reaches the discretion threshold) and one of
// those over 15 % (a count below the threshold, suppressed).
func absenceCSV(school string) string {
	var areas []string
	for _, a := range stack.Plan.Areas {
		if slices.Contains(a.Schools, school) {
			areas = append(areas, a.ID)
		}
	}
	if len(areas) == 0 {
		areas = []string{stack.Plan.Areas[0].ID}
	}
	lines := []string{strings.Join([]string{absence.ColPupil, absence.ColArea, absence.ColSchoolDays, absence.ColAbsent, absence.ColUnlawful}, ";")}
	for _, a := range areas {
		for i := range 6 {
			unlawful := "7" // of 60 days: 11.7 %
			switch i {
			case 4:
				unlawful = "10" // 16.7 %
			case 5:
				unlawful = "0"
			}
			lines = append(lines, fmt.Sprintf("elev-%s-%s-%d;%s;60;12;%s", school, a, i, a, unlawful))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// answerFor fills every field with a value of its type.
func answerFor(in datarequest.Input) datarequest.Submission {
	sub := datarequest.Submission{SubmittedBy: "operator", Values: map[string]string{}}
	val := func(t datarequest.FieldType, choices []string) string {
		switch t {
		case datarequest.Integer, datarequest.Decimal, datarequest.Percentage, datarequest.Amount:
			return "7"
		case datarequest.Choice:
			if len(choices) > 0 {
				return choices[0]
			}
		case datarequest.DateField:
			return stack.Plan.DateOf(time.Now()).String()
		}
		return "ok"
	}
	for _, fd := range in.Fields {
		if fd.PerArea {
			for _, a := range in.Areas {
				sub.Values[fd.Key+"@"+a] = val(fd.Type, fd.Choices)
			}
			continue
		}
		sub.Values[fd.Key] = val(fd.Type, fd.Choices)
	}
	if in.Table != nil {
		var head, row []string
		for _, c := range in.Table.Columns {
			head = append(head, c.Key)
			row = append(row, val(c.Type, c.Choices))
		}
		sub.CSV = strings.Join(head, ";") + "\n" + strings.Join(row, ";") + "\n"
	}
	return sub
}

func postReconcile(ctx context.Context) (readmodel.Report, error) {
	var rep readmodel.Report
	code, body, err := operatorCall(ctx, http.MethodPost, "/api/v1/reconcile", "application/json", nil)
	if err != nil {
		return rep, err
	}
	if code != http.StatusOK {
		return rep, fmt.Errorf("POST /api/v1/reconcile: %d %s", code, body)
	}
	return rep, json.Unmarshal(body, &rep)
}

func operatorCall(ctx context.Context, method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+stack.HTTPAddr()+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// waitScrapes waits until Prometheus has scraped the stack n more times.
func waitScrapes(ctx context.Context, n int) bool {
	q := `timestamp(up{instance="` + stack.MetricsAddr() + `"})`
	last, seen := 0.0, -1
	return waitFor(ctx, func() bool {
		s, err := pr.query(ctx, q)
		if err == nil && len(s) == 1 && s[0].value() != last {
			last = s[0].value()
			seen++
		}
		return seen >= n
	})
}

// waitFor polls cond until it holds or ctx (or a minute) runs out.
func waitFor(ctx context.Context, cond func() bool) bool {
	deadline := time.Now().Add(time.Minute)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}
