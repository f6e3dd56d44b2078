package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// workerSecrets are the settings only the workers hold: a starter that
// read one would need it on the operator's machine.
var workerSecrets = map[string]bool{"PAYLOAD_KEY": true, "PAYLOAD_KEYS_OLD": true, "TOKEN_SECRET": true,
	"TOKEN_SECRETS_OLD": true, "PSEUDONYM_KEY": true}

// runStarterIn runs the CLI in process with the environment vars and
// stdin, and returns its exit code, stdout and stderr. Its environment
// panics when a verb reads one of the workerSecrets, so every starter test
// proves the verbs it runs need none.
func runStarterIn(vars map[string]string, stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: func(k string) string {
			if workerSecrets[k] {
				panic(fmt.Sprintf("starter %v read %s, a secret only the workers hold", args, k))
			}
			return vars[k]
		}}, args)
	return code, out.String(), errOut.String()
}

func TestHelpListsVerbs(t *testing.T) {
	code, out, _ := runStarterIn(nil, "", "help")
	if code != 0 || !strings.Contains(out, "plan validate") {
		t.Fatalf("help: %d %s", code, out)
	}
	if code, _, errOut := runStarterIn(nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "ukendt kommando") {
		t.Fatalf("unknown verb: %d %s", code, errOut)
	}
}

func TestPlanValidate(t *testing.T) {
	code, out, _ := runStarterIn(nil, "", "plan", "validate", "../plan/plans/randers-2021-25.yaml")
	if code != 0 || !strings.Contains(out, "ok (randers-2021-25") {
		t.Fatalf("valid plan: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	src, err := os.ReadFile("../plan/plans/randers-2021-25.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Two faults at once: an unknown key and a board meeting far outside the period.
	broken := strings.Replace(string(src), "\nname:", "\nbogus_key: 1\nname:", 1)
	broken = strings.Replace(broken, "autumn: 2021-", "autumn: 2031-", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runStarterIn(nil, "", "plan", "validate", bad)
	if code != 1 {
		t.Fatalf("bad plan exit %d", code)
	}
	for _, want := range []string{"$.bogus_key", "$.governance.board.meetings[0].autumn", "bad.yaml:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "problem(er)") {
		t.Errorf("stderr %q", errOut)
	}
	if code, _, _ := runStarterIn(nil, "", "plan", "validate"); code != 2 {
		t.Errorf("missing FILE exit %d, want 2", code)
	}
}

func TestPlanShow(t *testing.T) {
	code, out, _ := runStarterIn(nil, "", "plan", "show", "randers-2021-25")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Gl. Jennumparken", "Brandkadet", "at-least 12 youths (unge) /year", "steering-group", "15-20 courses"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan show lacks %q", want)
		}
	}
	code, out, _ = runStarterIn(nil, "", "plan", "show", "--json", "eksempel-2025-29")
	if code != 0 || !strings.Contains(out, `"ID": "eksempel-2025-29"`) {
		t.Fatalf("json: %d %.200s", code, out)
	}
}
