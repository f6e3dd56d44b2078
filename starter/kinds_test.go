package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"helhed/app"
	"helhed/capability"
	"helhed/config"
	"helhed/plan"
	"helhed/runs"
	"helhed/workdays"
)

// notPicked are example dates that are facts rather than dates the example
// picks for someone to act on: rent falls due on the 1st whatever the
// weekday, and the påkrav clock moves its own deadlines off weekends and
// holidays (workflows/eviction/legal).
var notPicked = map[string]bool{"eviction-case.dueDate": true}

// noValidInput says on which days of a plan a kind has no valid input at
// all, so neither can its example: before the plan's first quarter has
// ended there is no absence round, and in its last three months the last
// board meeting's round has begun.
var noValidInput = map[string]func(p *plan.Plan, today plan.Date) bool{
	"absence-follow-up": func(p *plan.Plan, today plan.Date) bool { return today.Before(p.Period.Start.AddDays(92)) },
	"meeting-round":     func(p *plan.Plan, today plan.Date) bool { return today.After(p.Period.End.AddDays(-92)) },
}

// TestExamplesPickWeekdays: on every day of the embedded plans' periods,
// each kind's example is valid on that day (noValidInput aside) and every
// date it picks is a weekday that is no Danish public holiday. The examples
// read time.Now, so each day runs in a synctest bubble whose clock is moved
// to noon in Denmark on that day.
func TestExamplesPickWeekdays(t *testing.T) {
	copenhagen, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range plan.Embedded() {
		p, err := plan.LoadEmbedded(id)
		if err != nil {
			t.Fatal(err)
		}
		reg, err := kindRegistry(&config.Config{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for day := p.Period.Start; !day.After(p.Period.End); day = day.AddDays(1) {
			at := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, copenhagen)
			var problems []string
			// The bubble only runs the examples: a failure reported in
			// it would end the whole test.
			synctest.Test(t, func(*testing.T) {
				time.Sleep(time.Until(at))
				for _, k := range reg.Kinds() {
					if k.Example == nil {
						continue
					}
					if err := checkExample(p, k, day); err != nil {
						problems = append(problems, fmt.Sprintf("%s: %v", k.Name, err))
					}
				}
			})
			for _, pr := range problems {
				t.Errorf("plan %s, today %s: %s", id, day, pr)
			}
		}
	}
}

// kindRegistry is every wired capability's run kinds (app.Capabilities,
// the list the workers wire), built without Temporal or Redis.
func kindRegistry(cfg *config.Config, p *plan.Plan) (*runs.Registry, error) {
	caps, err := app.Capabilities(capability.Deps{Config: cfg, Plan: p})
	if err != nil {
		return nil, err
	}
	return runs.NewRegistry(app.Kinds(caps))
}

// checkExample decodes k's example as the API does, validates it and
// checks the dates it holds.
func checkExample(p *plan.Plan, k runs.Kind, today plan.Date) error {
	raw, err := json.Marshal(k.Example(p))
	if err != nil {
		return err
	}
	in := k.NewInput()
	if err := runs.Decode(raw, in); err != nil {
		return fmt.Errorf("example does not decode: %w", err)
	}
	if edge := noValidInput[k.Name]; edge != nil && edge(p, today) {
		// Its dates are still checked below.
	} else if err := k.Validate(p, in); err != nil {
		return fmt.Errorf("example is invalid: %w\n%s", err, raw)
	}
	var fields any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	return eachDate(k.Name, fields, func(path string, d plan.Date) error {
		if notPicked[path] {
			return nil
		}
		if !workdays.IsWeekday(d) {
			why := d.Weekday().String()
			if name, ok := workdays.Holiday(d); ok {
				why = name
			}
			return fmt.Errorf("%s is %s (%s): not a weekday", path, d, why)
		}
		return nil
	})
}

// eachDate calls f for every string in v that is a date (yyyy-mm-dd),
// with its path (kind.field.field).
func eachDate(path string, v any, f func(string, plan.Date) error) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if err := eachDate(path+"."+k, e, f); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := eachDate(path, e, f); err != nil {
				return err
			}
		}
	case string:
		if d, err := plan.ParseDate(v); err == nil {
			return f(path, d)
		}
	}
	return nil
}

// TestOperatorTokenFromDataDir: without OPERATOR_TOKEN the starter sends
// the token `workers -dev` keeps in $DATA_DIR/operator.token; an explicit
// OPERATOR_TOKEN wins; with neither it says so in Danish (exit 2).
func TestOperatorTokenFromDataDir(t *testing.T) {
	var got string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		http.Error(w, `{"error":"prøv igen"}`, http.StatusServiceUnavailable)
	}))
	defer api.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, config.OperatorTokenFile), []byte("kept-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"HELHED_URL": api.URL, "DATA_DIR": dir}, "Bearer kept-token-0123456789"},
		{map[string]string{"HELHED_URL": api.URL, "DATA_DIR": dir, "OPERATOR_TOKEN": "explicit-token-0123456789"}, "Bearer explicit-token-0123456789"},
	} {
		got = ""
		if code, _, errOut := runStarterIn(c.vars, "", "cases"); code != 1 || got != c.want {
			t.Errorf("%v: exit %d (%s), sent %q; want %q", c.vars, code, errOut, got, c.want)
		}
	}
	got = ""
	code, _, errOut := runStarterIn(map[string]string{"HELHED_URL": api.URL, "DATA_DIR": t.TempDir()}, "", "cases")
	if code != 2 || got != "" || !strings.Contains(errOut, "OPERATOR_TOKEN er ikke sat") || !strings.Contains(errOut, config.OperatorTokenFile) {
		t.Errorf("neither token: exit %d, sent %q, %q", code, got, errOut)
	}
}
