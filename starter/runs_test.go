package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/app"
	"helhed/config"
	"helhed/internal/teststack"
	"helhed/runs"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
)

// TestRunVerbs runs the run verbs against a whole dev stack (embedded
// Temporal, worker, real redis-server) through its operator API, as an
// operator's shell would: the exit codes and --json output are what
// scripts rely on.
func TestRunVerbs(t *testing.T) {
	a, cfg := startStack(t)
	vars := map[string]string{"HELHED_URL": "http://" + a.HTTPAddr(), "OPERATOR_TOKEN": cfg.OperatorToken, "PLAN_FILE": cfg.PlanFile}

	in := crisis.Example(a.Plan, time.Now())
	in.Reference = "starter"
	inputFile := filepath.Join(t.TempDir(), "crisis.json")
	raw, _ := json.Marshal(in)
	if err := os.WriteFile(inputFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	id := crisis.WorkflowID(in)

	t.Run("kinds", func(t *testing.T) {
		code, out, _ := runStarterIn(vars, "", "kinds", "--json")
		if code != 0 || !strings.Contains(out, `"name": "crisis"`) || !strings.Contains(out, `"confirm-meeting"`) {
			t.Fatalf("%d %.300s", code, out)
		}
	})
	// `starter kinds --example KIND` prints a ready input that the kind
	// accepts; an unknown kind is a usage error listing the kinds.
	t.Run("kinds example", func(t *testing.T) {
		code, out, errOut := runStarterIn(vars, "", "kinds", "--example", "data-request")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var in map[string]any
		if err := json.Unmarshal([]byte(out), &in); err != nil || in["partner"] == nil || in["due"] == nil {
			t.Fatalf("not a data-request input (%v):\n%s", err, out)
		}
		code, _, errOut = runStarterIn(vars, "", "kinds", "--example", "no-such-kind")
		if code != 2 || !strings.Contains(errOut, `ukendt slags kørsel "no-such-kind"`) || !strings.Contains(errOut, "data-request, eviction-case") {
			t.Fatalf("unknown kind: exit %d, %q", code, errOut)
		}
		code, out, _ = runStarterIn(vars, "", "kinds")
		if code != 0 || !strings.Contains(out, "eksempel på input: starter kinds --example data-request") {
			t.Fatalf("kinds does not point at the examples: exit %d\n%s", code, out)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"start", "crisis"}, {"start", "--input", inputFile}, {"start", "crisis", "--input", inputFile, "--frob"},
			{"start", "crisis", "--input", "/no/such/file.json"}, {"describe"}, {"update", id, "--input", "-"},
			{"cancel", id}, {"runs", "extra"},
		} {
			if code, _, errOut := runStarterIn(vars, "", args...); code != 2 {
				t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
			}
		}
	})
	t.Run("start", func(t *testing.T) {
		code, out, errOut := runStarterIn(vars, "", "start", "crisis", "--input", inputFile)
		if code != 0 || !strings.Contains(out, "startet: "+id) {
			t.Fatalf("%d %s %s", code, out, errOut)
		}
		code, out, errOut = runStarterIn(vars, "", "start", "crisis", "--input", inputFile, "--json")
		var dup map[string]any
		_ = json.Unmarshal([]byte(out), &dup)
		if code != exitAlreadyRunning || dup["workflowId"] != id || dup["code"] != "already-running" || !strings.Contains(errOut, "allerede i gang") {
			t.Errorf("duplicate: %d %s %s", code, out, errOut)
		}
		bad := strings.Replace(string(raw), `"incident":"arson"`, `"incident":7`, 1)
		code, out, errOut = runStarterIn(vars, bad, "start", "crisis", "--input", "-", "--json")
		if code != 1 || !strings.Contains(out, `"field": "input.incident"`) || !strings.Contains(errOut, "input.incident") {
			t.Errorf("wrong type: %d %s %s", code, out, errOut)
		}
		if code, _, errOut := runStarterIn(vars, string(raw), "start", "brandalarm", "--input", "-"); code != 1 || !strings.Contains(errOut, "ukendt slags kørsel") {
			t.Errorf("unknown kind: %d %s", code, errOut)
		}
	})
	t.Run("refusals in Danish", func(t *testing.T) {
		bad := strings.Replace(string(raw), `"incident":"arson"`, `"incident":"oversvømmelse"`, 1)
		for _, c := range []struct {
			name, stdin string
			args        []string
			code        int
			want        string
		}{
			{"duplicate", "", []string{"start", "crisis", "--input", inputFile}, exitAlreadyRunning, "starter: allerede i gang: " + id},
			{"validator", bad, []string{"start", "crisis", "--input", "-"}, 1, "starter: input.incident: ukendt hændelsestype"},
			{"unknown update", "{}", []string{"update", id, "handling-findes-ikke", "--input", "-"}, 1, "kender ikke handlingen"},
			{"bad flag", "", []string{"start", "crisis", "--frob"}, 2, "ukendt flag -frob"},
		} {
			code, _, errOut := runStarterIn(vars, c.stdin, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("%s: exit %d, %q; want exit %d, %q", c.name, code, errOut, c.code, c.want)
			}
			lower := " " + strings.ToLower(errOut) + " "
			for _, w := range []string{"type:", "retryable", "rpc error", "workflow", " is ", " the ", " not ", "required", "invalid", "unknown", "already"} {
				if strings.Contains(lower, w) {
					t.Errorf("%s: %q in %q", c.name, strings.TrimSpace(w), errOut)
				}
			}
		}
	})
	t.Run("runs and describe", func(t *testing.T) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, out, errOut := runStarterIn(vars, "", "runs", "--kind", "crisis", "--status", "running")
			if code != 0 {
				t.Fatalf("runs: %d %s", code, errOut)
			}
			if strings.Contains(out, id) && strings.Contains(out, crisis.StageConvening) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run not listed:\n%s", out)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if code, _, errOut := runStarterIn(vars, "", "runs", "--status", "sleeping"); code != 1 || !strings.Contains(errOut, "status") {
			t.Errorf("bad status: %d %s", code, errOut)
		}
		code, out, _ := runStarterIn(vars, "", "describe", id)
		if code != 0 || !strings.Contains(out, crisis.StageConvening) || !strings.Contains(out, "confirm-meeting, cancel") {
			t.Errorf("describe: %d\n%s", code, out)
		}
		if code, _, _ := runStarterIn(vars, "", "describe", "crisis/none/2026-01-01/arson"); code != 1 {
			t.Errorf("describe unknown: %d", code)
		}
	})
	t.Run("update and cancel", func(t *testing.T) {
		meeting := `{"at":"` + time.Now().Add(2*time.Hour).Format(time.RFC3339) + `","place":"Rådhuset"}`
		code, out, errOut := runStarterIn(vars, meeting, "update", id, "confirm-meeting", "--input", "-", "--json")
		if code != 0 || !strings.Contains(out, `"update": "confirm-meeting"`) {
			t.Fatalf("update: %d %s %s", code, out, errOut)
		}
		code, _, errOut = runStarterIn(vars, `{"evaluate":true}`, "update", id, "close", "--input", "-")
		if code != 1 || !strings.Contains(errOut, "kan først afsluttes") {
			t.Errorf("refused update: %d %s", code, errOut)
		}
		code, out, errOut = runStarterIn(vars, "", "cancel", id, "--reason", "Falsk alarm", "--json")
		if code != 0 || !strings.Contains(out, `"via": "update"`) {
			t.Errorf("cancel: %d %s %s", code, out, errOut)
		}
	})
	// closed waits until the latest run of id has ended.
	closed := func(t *testing.T, id string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			_, out, _ := runStarterIn(vars, "", "describe", id, "--json")
			var d map[string]any
			if json.Unmarshal([]byte(out), &d) == nil && d["status"] != nil && d["status"] != runs.StatusRunning {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not closed:\n%s", id, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Run("rerun", func(t *testing.T) {
		closed(t, id)
		code, out, errOut := runStarterIn(vars, "", "start", "crisis", "--input", inputFile)
		if code != 0 || !strings.Contains(out, "startet: "+id) || !strings.Contains(out, "en ny kørsel af en afsluttet nøgle") ||
			!strings.Contains(out, "er gennemført") {
			t.Errorf("rerun: %d %s %s", code, out, errOut)
		}
		runStarterIn(vars, "", "cancel", id, "--reason", "Falsk alarm")
		closed(t, id)
		code, out, errOut = runStarterIn(vars, "", "start", "crisis", "--input", inputFile, "--json")
		var started map[string]any
		_ = json.Unmarshal([]byte(out), &started)
		if previous, _ := started["previous"].(map[string]any); code != 0 || started["outcome"] != "rerun" || previous["status"] != runs.StatusCompleted {
			t.Errorf("rerun --json: %d %s %s", code, out, errOut)
		}
		runStarterIn(vars, "", "cancel", id, "--reason", "Falsk alarm")
	})
	t.Run("closed data request id", func(t *testing.T) {
		in := datarequestadapter.Example(a.Plan).(*datarequest.Input)
		in.RequestID = strings.Replace(in.RequestID, "eksempel/", "starter/", 1)
		raw, _ := json.Marshal(in)
		drID := datarequest.WorkflowID(in.RequestID)
		if code, out, errOut := runStarterIn(vars, string(raw), "start", datarequest.Kind, "--input", "-"); code != 0 {
			t.Fatalf("start: %d %s %s", code, out, errOut)
		}
		if code, _, errOut := runStarterIn(vars, "", "cancel", drID, "--reason", "sendt ved en fejl"); code != 0 {
			t.Fatalf("cancel: %d %s", code, errOut)
		}
		closed(t, drID)
		code, out, errOut := runStarterIn(vars, string(raw), "start", datarequest.Kind, "--input", "-", "--json")
		var refused map[string]any
		_ = json.Unmarshal([]byte(out), &refused)
		if code != exitKeyUsed || refused["outcome"] != "refused-closed" || refused["code"] != "key-used" ||
			!strings.Contains(errOut, "starter: id'et "+drID+" er brugt af en afsluttet kørsel") || !strings.Contains(errOut, "brug et nyt id") {
			t.Errorf("start under the closed id: %d %s %s", code, out, errOut)
		}
	})
	t.Run("workers down", func(t *testing.T) {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := l.Addr().String()
		l.Close()
		down := map[string]string{"HELHED_URL": "http://" + addr, "OPERATOR_TOKEN": cfg.OperatorToken}
		if code, _, errOut := runStarterIn(down, "", "runs"); code != 1 || !strings.Contains(errOut, "HELHED_URL") {
			t.Errorf("%d %s", code, errOut)
		}
	})
	t.Run("every verb without a worker secret", func(t *testing.T) { everyVerbWithoutSecrets(t, a, vars) })
}

// startStack starts a whole dev stack (embedded Temporal, worker, operator
// API, a real redis-server) for one test and stops it when the test ends.
func startStack(t *testing.T) (*app.App, *config.Config) {
	t.Helper()
	s := teststack.StartT(t, teststack.Options{Name: "starter"})
	return s.App, s.Config
}
