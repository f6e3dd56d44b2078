package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// exitCode is the code run would exit with for err.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestVerbFlagsParse(t *testing.T) {
	newStart := func() (*verbFlags, *string) {
		f := newFlags("start", "start KIND --input FILE|- [--json]").withJSON()
		return f, f.String("input", "", "")
	}
	for _, args := range [][]string{
		{"crisis", "--input", "-", "--json"},
		{"--input", "-", "crisis", "--json"},
		{"--json", "--input=-", "crisis"},
	} {
		f, input := newStart()
		pos, err := f.parse(args, 1)
		if err != nil || !slices.Equal(pos, []string{"crisis"}) || *input != "-" || !f.asJSON || !f.given("input") {
			t.Errorf("%v: pos %v input %q json %v err %v", args, pos, *input, f.asJSON, err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"crisis", "--frob"}, "start: ukendt flag -frob (brug: start KIND"},
		{[]string{"crisis", "--input"}, "start: flaget -input mangler sin værdi"},
		{[]string{"crisis", "extra", "--input", "-"}, "brug: start KIND --input FILE|- [--json]"},
		{[]string{"--input", "-"}, "brug: start KIND"},
	} {
		f, _ := newStart()
		_, err := f.parse(c.args, 1)
		if exitCode(err) != 2 || err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want exit 2, %q…", c.args, exitCode(err), err, c.want)
		}
	}
	// A flag set to "" is given; one left out is not, and n < 0 takes any
	// number of arguments.
	f, _ := newStart()
	if pos, err := f.parse([]string{"a", "b", "--input="}, -1); err != nil || len(pos) != 2 || !f.given("input") || f.given("json") {
		t.Errorf("any number: %v %v", pos, err)
	}
}

func TestPrintJSONAndQuery(t *testing.T) {
	var raw, val bytes.Buffer
	if err := printJSON(&raw, json.RawMessage(`{"a":[1,2],"b":"<x>"}`)); err != nil {
		t.Fatal(err)
	}
	if err := printJSON(&val, map[string]any{"a": []int{1, 2}, "b": "<x>"}); err != nil {
		t.Fatal(err)
	}
	// An API answer is printed as it came; a Go value as encoding/json
	// writes it (HTML-safe). Both are indented by two spaces.
	wantRaw := "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"<x>\"\n}\n"
	if raw.String() != wantRaw {
		t.Errorf("raw:\n%q\nwant\n%q", raw.String(), wantRaw)
	}
	if want := strings.Replace(wantRaw, "<x>", `\u003cx\u003e`, 1); val.String() != want {
		t.Errorf("value:\n%q\nwant\n%q", val.String(), want)
	}
	if got := query("partner", "skole a", "status", "", "area", "vangdalen"); got != "area=vangdalen&partner=skole+a" {
		t.Errorf("query: %s", got)
	}
}

// TestPrintReconcileNamesSkippedRuns: a kind rebuilt without an unreadable
// run says so in its note, in Danish.
func TestPrintReconcileNamesSkippedRuns(t *testing.T) {
	var rep reconcileReport
	if err := json.Unmarshal([]byte(`{"kinds":[{"kind":"crisis","reconciled":true,"runs":{"running":2},"keys":5,"unreadable":1,"warning":"1 run(s) could not be read"},{"kind":"other","runs":{"completed":1}}]}`), &rep); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printReconcile(&out, rep)
	if !strings.Contains(out.String(), "1 kørsel(er) kunne ikke læses og blev sprunget over") || !strings.Contains(out.String(), "ingen læsemodel registreret") {
		t.Fatalf("report:\n%s", out.String())
	}
}
