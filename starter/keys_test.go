package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"helhed/app"
	"helhed/schedules"
)

// verbsTestedElsewhere run too long to run twice; their own tests run them
// through runStarterIn, whose environment refuses the workerSecrets too.
var verbsTestedElsewhere = map[string]string{
	"demo":          "TestDemo* (demo_test.go)",
	"plan simulate": "TestSimulate* (simulate_test.go)",
	// They need an identity provider and a person at its pages.
	"login":  "TestStarterLogin* (operator/signintest/starter_test.go)",
	"logout": "TestStarterLogin* (operator/signintest/starter_test.go)",
}

// everyVerbWithoutSecrets runs every verb of the starter against the
// stack through its operator API with an environment that panics on
// PAYLOAD_KEY, PAYLOAD_KEYS_OLD, TOKEN_SECRET, TOKEN_SECRETS_OLD and
// PSEUDONYM_KEY (runStarterIn): no operator machine needs them.
func everyVerbWithoutSecrets(t *testing.T, a *app.App, vars map[string]string) {
	code, out, errOut := runStarterIn(vars, "", "schedules", "sync")
	if code != 0 || !strings.Contains(out, "TIDSPLAN") {
		t.Fatalf("schedules sync: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runStarterIn(vars, "", "schedules", "list")
	if code != 0 {
		t.Fatalf("schedules list: %d %s %s", code, out, errOut)
	}
	var id string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], schedules.ID(a.Plan.ID, "")) {
			id = f[0]
			break
		}
	}
	if id == "" {
		t.Fatalf("schedules list shows none of the plan's schedules:\n%s", out)
	}
	cycle := strings.TrimPrefix(id, schedules.ID(a.Plan.ID, ""))
	values := filepath.Join(t.TempDir(), "values.json")
	if err := os.WriteFile(values, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	partner := a.Plan.Partners[0].ID
	cases := []struct {
		args []string
		code int // the exit code wanted: 1 where the API refuses the made-up request
	}{
		{[]string{"plan", "validate", vars["PLAN_FILE"]}, 0},
		{[]string{"plan", "show"}, 0},
		{[]string{"plan", "list"}, 0},
		{[]string{"schedules", "pause", cycle, "--note", "test"}, 0},
		{[]string{"schedules", "unpause", id}, 0},
		{[]string{"schedules", "trigger", cycle}, 0},
		{[]string{"schedules", "backfill", cycle, "2001-01-01", "2001-01-02"}, 0},
		{[]string{"schedules", "sync"}, 0},
		{[]string{"schedules", "list"}, 0},
		{[]string{"kinds"}, 0},
		{[]string{"runs", "--limit", "1"}, 0},
		{[]string{"start", "crisis", "--input", values}, 1},
		{[]string{"describe", "crisis/ingen/2001-01-01/arson"}, 1},
		{[]string{"update", "crisis/ingen/2001-01-01/arson", "close", "--input", values}, 1},
		{[]string{"cancel", "crisis/ingen/2001-01-01/arson", "--reason", "test"}, 1},
		{[]string{"import", "arrears", "../arrears/testdata/month1.csv", "--date", "2026-10-01"}, 0},
		{[]string{"cases"}, 0},
		{[]string{"tasks"}, 0},
		{[]string{"task", "submit", "findes-ikke/2001-01-01", "--values", values}, 1},
		{[]string{"tokens", "issue", partner}, 0},
		{[]string{"tokens", "rotate", partner}, 0},
		{[]string{"tokens", "revoke", partner}, 0},
		{[]string{"reconcile", "--no-wait"}, 0},
	}
	for _, c := range cases {
		code, out, errOut := runStarterIn(vars, "", c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.code, out, errOut)
		}
	}
	// A pause shows in the list with its note, until the unpause.
	paused := func() bool {
		t.Helper()
		code, out, errOut := runStarterIn(vars, "", "schedules", "list")
		if code != 0 {
			t.Fatalf("schedules list: %d %s", code, errOut)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, id+" ") {
				return strings.Contains(line, "på pause") && strings.Contains(line, "vedligehold")
			}
		}
		t.Fatalf("%s not listed:\n%s", id, out)
		return false
	}
	if code, out, errOut := runStarterIn(vars, "", "schedules", "pause", cycle, "--note", "vedligehold"); code != 0 || !strings.Contains(out, id+": sat på pause") || !paused() {
		t.Errorf("pause: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runStarterIn(vars, "", "schedules", "unpause", id); code != 0 || paused() {
		t.Errorf("unpause: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runStarterIn(vars, "", "schedules", "trigger", "ingen-saadan-cyklus"); code != 1 || !strings.Contains(errOut, "findes ikke") {
		t.Errorf("unknown schedule: %d %s", code, errOut)
	}
	// The table above names every verb, so a new verb is checked too.
	for _, v := range verbs() {
		if _, ok := verbsTestedElsewhere[v.name]; ok {
			continue
		}
		ran := func(c struct {
			args []string
			code int
		}) bool {
			line := strings.Join(c.args, " ")
			return line == v.name || strings.HasPrefix(line, v.name+" ")
		}
		if !slices.ContainsFunc(cases, ran) {
			t.Errorf("verb %q is not run without the worker secrets: add it to everyVerbWithoutSecrets", v.name)
		}
	}
}
