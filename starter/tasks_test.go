package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helhed/workflows/datarequest"
)

// TestTaskSubmitCSVWindows1252 answers a table request from a file saved
// the way Danish Excel saves it: the starter sends the file as it is, so
// æøå arrive intact and the answer says how the file was read.
func TestTaskSubmitCSVWindows1252(t *testing.T) {
	a, cfg := startStack(t)
	vars := map[string]string{"HELHED_URL": "http://" + a.HTTPAddr(), "OPERATOR_TOKEN": cfg.OperatorToken,
		"PLAN_FILE": cfg.PlanFile}
	p := a.Plan
	due := p.DateOf(time.Now()).AddDays(21)
	for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
		due = due.AddDays(1)
	}
	in := datarequest.Input{
		RequestID: "starter-csv/" + due.String(), Partner: p.Partners[0].ID, Title: "Tabel",
		Instructions: "Upload tabellen.", Due: due.String(), Origin: "operator",
		Table: &datarequest.Table{Columns: []datarequest.Column{
			{Key: "omraade", Label: "Område", Type: datarequest.Text, Required: true},
			{Key: "antal", Label: "Antal", Type: datarequest.Integer, Required: true},
		}},
	}
	dir := t.TempDir()
	inputFile := filepath.Join(dir, "input.json")
	b, _ := json.Marshal(in)
	if err := os.WriteFile(inputFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runStarterIn(vars, "", "start", "data-request", "--input", inputFile); code != 0 {
		t.Fatalf("start: %d\n%s\n%s", code, out, errOut)
	}
	// "Hermann Stillingsvej-området" with å as Windows-1252 byte 0xE5.
	file := filepath.Join(dir, "svar.csv")
	if err := os.WriteFile(file, []byte("omraade;antal\r\nHermann Stillingsvej-omr\xe5det;7\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var code int
	var out, errOut string
	for range 100 { // the task reaches the read model just after the start
		if code, out, errOut = runStarterIn(vars, "", "task", "submit", in.RequestID, "--csv", file); code == 0 || !strings.Contains(errOut, "ingen dataanmodning") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 0 || !strings.Contains(out, "1 række(r)") {
		t.Fatalf("submit: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runStarterIn(vars, "", "describe", datarequest.WorkflowID(in.RequestID), "--json")
	if code != 0 || !strings.Contains(out, `"encoding": "windows-1252"`) || !strings.Contains(out, `"answeredRows": 1`) {
		t.Fatalf("the answer was not read as Windows-1252: %d\n%s\n%s", code, out, errOut)
	}
}
