package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"helhed/internal/teststack"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
)

// TestDemoYear runs the demo against a whole dev stack, then reads through
// the operator API that each capability has data, and runs it again: the
// second run adds nothing.
func TestDemoYear(t *testing.T) {
	a, cfg := startStack(t)
	base := "http://" + a.HTTPAddr()
	vars := map[string]string{"HELHED_URL": base, "OPERATOR_TOKEN": cfg.OperatorToken, "PLAN_FILE": cfg.PlanFile}
	code, out, errOut := runStarterIn(vars, "", "demo")
	if code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("first run:\n%s", out)

	get := func(path string, v any) {
		t.Helper()
		status, body := teststack.Call(t, "GET", base+path, cfg.OperatorToken, "")
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	snapshot := func() map[string]int {
		n := map[string]int{}
		var cases struct {
			Cases []caseRow `json:"cases"`
		}
		get("/api/v1/cases", &cases)
		for _, c := range cases.Cases {
			n["case "+c.Stage]++
		}
		var tasks struct {
			Tasks []task `json:"tasks"`
		}
		get("/api/v1/tasks", &tasks)
		for _, tk := range tasks.Tasks {
			n["task "+tk.Status]++
		}
		var list struct {
			Runs []struct {
				Kind string `json:"kind"`
			} `json:"runs"`
		}
		get("/api/v1/runs?limit=1000", &list)
		for _, r := range list.Runs {
			n["run "+r.Kind]++
		}
		return n
	}

	// Cases in every stage the operator's Updates reach (the read model
	// follows the Updates by a moment).
	var first map[string]int
	teststack.Eventually(t, "demo cases in every stage", func() error {
		first = snapshot()
		for _, stage := range []string{"outreach", "counselling", "payment_plan", "resolved", "escalated"} {
			if first["case "+stage] == 0 {
				return &stageMissing{stage, first}
			}
		}
		return nil
	})
	if first["task answered"] < 3 || first["task open"] < 2 {
		t.Errorf("tasks: want answered ones and open ones, got %v", first)
	}

	// The two requests sent by e-mail before: one answered late, one
	// overdue.
	var tasks struct {
		Tasks []task `json:"tasks"`
	}
	get("/api/v1/tasks", &tasks)
	lateAnswer, overdue := 0, 0
	for _, tk := range tasks.Tasks {
		if !strings.HasSuffix(tk.RequestID, "/sendt-pr-mail") {
			continue
		}
		switch {
		case tk.Status == datarequest.StatusAnswered && !tk.OnTime:
			lateAnswer++
		case tk.Overdue:
			overdue++
		}
	}
	if lateAnswer != 1 || overdue != 1 {
		t.Errorf("requests sent by e-mail: %d answered late, %d overdue, want 1 and 1: %+v", lateAnswer, overdue, tasks.Tasks)
	}

	// The meeting round: answers in and the board meeting moved.
	id, st := demoRound(t, base, cfg.OperatorToken)
	answered := 0
	for _, r := range st.Requests {
		if r.Status == datarequest.StatusAnswered {
			answered++
		}
	}
	if len(st.Moves) != 1 || answered == 0 || answered == len(st.Requests) {
		t.Errorf("meeting round %s: %d moves, %d of %d requests answered", id, len(st.Moves), answered, len(st.Requests))
	}
	if st.EarlyReport == nil || st.Stage != meeting.StageReported || len(st.Documents) == 0 {
		t.Errorf("meeting round %s: stage %s, early report %+v, documents %v; want the progress report sent", id, st.Stage, st.EarlyReport, st.Documents)
	}

	// What the dashboards say about it.
	demoDashboards(t, a.MetricsAddr(), a.Plan, st, demoQuarter(a.Plan, a.Plan.DateOf(time.Now())).String())

	// The report approved, the crisis meeting confirmed.
	var rep struct {
		State report.State `json:"state"`
	}
	get("/api/v1/runs/"+url.PathEscape(report.WorkflowID(report.Input{PlanYear: a.Plan.PlanYears()[0].Label})), &rep)
	if rep.State.Stage != report.StageApproved && rep.State.Stage != report.StageSent {
		t.Errorf("report stage %q", rep.State.Stage)
	}
	if first["run "+crisis.Kind] != 1 || first["run absence-follow-up"] != 1 {
		t.Errorf("runs: %v", first)
	}

	code, out, errOut = runStarterIn(vars, "", "demo")
	if code != 0 || !strings.Contains(out, "Intet nyt") {
		t.Fatalf("second run: %d\n%s\n%s", code, out, errOut)
	}
	if second := snapshot(); !equalCounts(first, second) {
		t.Errorf("the second run changed things:\nfirst  %v\nsecond %v", first, second)
	}
}

type stageMissing struct {
	stage  string
	counts map[string]int
}

func (e *stageMissing) Error() string {
	b, _ := json.Marshal(e.counts)
	return "no case in " + e.stage + ": " + string(b)
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// demoRound is the demo's meeting round and its state.
func demoRound(t *testing.T, base, token string) (string, meeting.State) {
	t.Helper()
	status, body := teststack.Call(t, "GET", base+"/api/v1/runs?kind="+meeting.Kind, token, "")
	var list struct {
		Runs []struct {
			WorkflowID string `json:"workflowId"`
		} `json:"runs"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil {
		t.Fatalf("runs: %d %s", status, body)
	}
	for _, r := range list.Runs {
		status, body := teststack.Call(t, "GET", base+"/api/v1/runs/"+url.PathEscape(r.WorkflowID), token, "")
		var d struct {
			State meeting.State `json:"state"`
		}
		if status == 200 && json.Unmarshal([]byte(body), &d) == nil && strings.HasPrefix(d.State.Input.DeviationReason, demoReason) {
			return r.WorkflowID, d.State
		}
	}
	t.Fatalf("no demo meeting round among %s", body)
	return "", meeting.State{}
}
