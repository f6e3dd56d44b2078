package promtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// GrafanaVars replaces Grafana's variables the way an "All" selection and
// a short time range would.
var GrafanaVars = strings.NewReplacer(
	"${area}", ".*", "$area", ".*", "${year}", ".*", "$year", ".*", "${partner}", ".*", "$partner", ".*",
	"$__rate_interval", "1m", "$__interval", "15s", "$__range", "10m",
)

type panel struct {
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

// PanelQuery is query refID of the panel titled title in the dashboard
// file (e.g. dir/udsaettelser.json), with GrafanaVars applied; a missing
// dashboard, panel or query fails t.
func PanelQuery(t testing.TB, file, title, refID string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var find func(ps []panel) (string, bool)
	find = func(ps []panel) (string, bool) {
		for _, p := range ps {
			if p.Title == title {
				for _, tg := range p.Targets {
					if tg.RefID == refID {
						return GrafanaVars.Replace(tg.Expr), true
					}
				}
			}
			if e, ok := find(p.Panels); ok {
				return e, true
			}
		}
		return "", false
	}
	e, ok := find(d.Panels)
	if !ok {
		t.Fatalf("%s has no panel %q with query %s", filepath.Base(file), title, refID)
	}
	return e
}
