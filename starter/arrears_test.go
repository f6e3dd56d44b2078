package main

import (
	"encoding/json"
	"fmt"
	"helhed/internal/teststack"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArrearsVerbs imports a list and lists the cases through the
// operator API of a whole dev stack, as an operator's shell would.
func TestArrearsVerbs(t *testing.T) {
	a, cfg := startStack(t)
	vars := map[string]string{"HELHED_URL": "http://" + a.HTTPAddr(), "OPERATOR_TOKEN": cfg.OperatorToken}

	code, out, errOut := runStarterIn(vars, "", "import", "arrears", "../arrears/testdata/month1.csv", "--date", "2026-10-01")
	if code != 0 || !strings.Contains(out, "11 linje(r): 11 modtaget, 0 gentaget, 0 afvist") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runStarterIn(vars, "", "import", "arrears", "--date", "2026-10-01", "../arrears/testdata/bad-lines.csv")
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			rows[f[0]] = strings.Join(f[1:], " ")
		}
	}
	if code != 1 || rows["6"] != "afvist: forfaldsdato: datoen 31-02-2026 findes ikke" ||
		rows["7"] != "gentager linje 2 (ikke importeret)" || !strings.Contains(errOut, "12 linje(r) afvist") ||
		strings.Contains(out+errOut, "010190") {
		t.Fatalf("bad lines: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runStarterIn(vars, "", "import", "arrears", "../arrears/testdata/comma.csv")
	if code != 1 || !strings.Contains(errOut, "adskilt af ',' (komma)") {
		t.Fatalf("comma: %d %s", code, errOut)
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(big, make([]byte, 11<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runStarterIn(vars, "", "import", "arrears", big); code != 1 || !strings.Contains(errOut, "fylder 11,0 MiB; API'et tager højst 10 MiB") {
		t.Fatalf("big: %d %s", code, errOut)
	}
	if code, _, _ := runStarterIn(vars, "", "import", "arrears"); code != 2 {
		t.Fatalf("no file: exit %d", code)
	}

	var resp struct {
		Cases  []json.RawMessage `json:"cases"`
		Counts []struct {
			Count      *int `json:"count"`
			Suppressed bool `json:"suppressed"`
		} `json:"counts"`
	}
	var out2 string
	outreach := func() error {
		code, out2, errOut = runStarterIn(vars, "", "cases", "--stage", "outreach", "--json")
		if code != 0 {
			return fmt.Errorf("cases: %d %s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out2), &resp); err != nil {
			return err
		}
		if len(resp.Cases) != 13 {
			_, all, _ := runStarterIn(vars, "", "cases", "--json")
			return fmt.Errorf("%d cases in outreach; every case: %s", len(resp.Cases), all)
		}
		return nil
	}
	// The cases open just after the import returns.
	teststack.Eventually(t, "13 cases in outreach", outreach)
	if len(resp.Cases) != 13 || len(resp.Counts) != 6 { // 5 areas and the stage's total
		t.Fatalf("cases --json: %s", out2)
	}
	// Glarbjergvej has 3 cases in outreach: a published count would be
	// below the threshold, so it is suppressed.
	code, out, _ = runStarterIn(vars, "", "cases", "--area", "glarbjergvej-omraadet")
	suppressed := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "outreach" && f[1] == "glarbjergvej-omraadet" && strings.Join(f[2:], " ") == ".. (diskretioneret)" {
			suppressed = true
		}
	}
	if code != 0 || strings.Count(out, "eviction-case/") != 3 || !suppressed {
		t.Fatalf("cases table:\n%s", out)
	}
	if code, _, errOut := runStarterIn(vars, "", "cases", "--stage", "nope"); code != 1 || !strings.Contains(errOut, "ukendt fase") {
		t.Fatalf("bad stage: %d %s", code, errOut)
	}

	// --organisation narrows the list to one housing organisation's cases
	// (GET /api/v1/cases?organisation=).
	byOrg := map[string]int{}
	for _, raw := range resp.Cases {
		var c struct {
			Organisation string `json:"organisation"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		byOrg[c.Organisation]++
	}
	for org, n := range byOrg {
		code, out, errOut := runStarterIn(vars, "", "cases", "--stage", "outreach", "--organisation", org, "--json")
		var got struct {
			Cases []struct {
				Organisation string `json:"organisation"`
			} `json:"cases"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
			t.Fatalf("cases --organisation %s: %d %s %s", org, code, out, errOut)
		}
		if len(got.Cases) != n {
			t.Errorf("cases --organisation %s: %d cases, want %d", org, len(got.Cases), n)
		}
		for _, c := range got.Cases {
			if c.Organisation != org {
				t.Errorf("cases --organisation %s lists a case of %s", org, c.Organisation)
			}
		}
	}
	if code, _, errOut := runStarterIn(vars, "", "cases", "--organisation", "nope"); code != 1 || !strings.Contains(errOut, "ukendt boligorganisation") {
		t.Fatalf("bad organisation: %d %s", code, errOut)
	}
}
