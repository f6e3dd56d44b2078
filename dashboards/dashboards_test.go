package dashboards

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	datarequestadapter "helhed/adapters/datarequest"
)

// TestCommittedJSONIsGenerated fails when a dashboard's JSON in this
// directory differs from what the Go renders, or when a JSON file has no
// Go behind it: run `go generate ./dashboards` and commit the result.
func TestCommittedJSONIsGenerated(t *testing.T) {
	files, err := Render()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./dashboards)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the Go renders: run go generate ./dashboards (first difference at line %d)",
				name, firstDifferentLine(got, want))
		}
	}
	onDisk, _ := filepath.Glob("*.json")
	for _, name := range onDisk {
		if _, ok := files[name]; !ok {
			t.Errorf("%s is not generated: define it in Go or delete it", name)
		}
	}
	if len(files) != 6 {
		t.Errorf("%d dashboards rendered, want the six of the plan", len(files))
	}
}

func firstDifferentLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// TestEveryPanelSaysWhatItAnswers checks what a reader relies on: every
// panel has a Danish title, a description that opens with the question it
// answers, a unit, and the suppression note when it reads a family whose
// counts the collectors can leave out; and every dashboard looks at the
// plan year (July to June) by default, the operators' view at the last day.
func TestEveryPanelSaysWhatItAnswers(t *testing.T) {
	files, err := Render()
	if err != nil {
		t.Fatal(err)
	}
	// Families of counts of persons that can be left out or marked suppressed.
	suppressible := []string{"helhed_eviction_cases", "helhed_evictions{", "helhed_eviction_transitions_total",
		"helhed_eviction_counselling_courses{", "helhed_eviction_first_contact_seconds", "helhed_absence_flags{",
		"helhed_absence_new_courses", "helhed_milestone_actual{"}
	panels := 0
	for name, b := range files {
		var d struct {
			Time                 struct{ From, To string }
			FiscalYearStartMonth int `json:"fiscalYearStartMonth"`
			Panels               []struct {
				Type, Title, Description string
				Targets                  []struct{ Expr string }
				FieldConfig              struct {
					Defaults  struct{ Unit string }
					Overrides []struct {
						Properties []struct{ ID string }
					}
				} `json:"fieldConfig"`
			}
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.FiscalYearStartMonth != planYearStart {
			t.Errorf("%s: fiscalYearStartMonth %d, want %d (July)", name, d.FiscalYearStartMonth, planYearStart)
		}
		wantFrom := "now/fy"
		if name == "drift.json" {
			wantFrom = "now-24h"
		}
		if d.Time.From != wantFrom || d.Time.To != "now" {
			t.Errorf("%s: time %s to %s, want %s to now", name, d.Time.From, d.Time.To, wantFrom)
		}
		for _, p := range d.Panels {
			if p.Type == "row" {
				continue
			}
			panels++
			where := name + " " + p.Title
			q, _, ok := strings.Cut(p.Description, "? ")
			if p.Title == "" || !ok || len(q) > 160 {
				t.Errorf("%s: description does not open with the question the panel answers: %q", where, p.Description)
			}
			hasUnit := p.FieldConfig.Defaults.Unit != ""
			for _, o := range p.FieldConfig.Overrides {
				hasUnit = hasUnit || slices.ContainsFunc(o.Properties, func(p struct{ ID string }) bool { return p.ID == "unit" })
			}
			if !hasUnit {
				t.Errorf("%s: no unit", where)
			}
			for _, tg := range p.Targets {
				for _, f := range suppressible {
					if strings.Contains(tg.Expr, f) && !strings.HasSuffix(p.Description, suppressed) {
						t.Errorf("%s: reads %s but has no suppression note", where, strings.TrimSuffix(f, "{"))
					}
				}
			}
		}
	}
	if panels < 50 {
		t.Errorf("only %d panels", panels)
	}
}

// TestPartnerLinksOpenThePartnersTasks: every data link to the operator
// tasks page filters by the partner of the row or bar, with a status the
// page knows, and the field the link reads is a column the table keeps.
func TestPartnerLinksOpenThePartnersTasks(t *testing.T) {
	files, err := Render()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title       string
			FieldConfig struct {
				Overrides []struct {
					Properties []struct {
						ID    string
						Value json.RawMessage
					}
				}
			} `json:"fieldConfig"`
			Transformations []struct {
				ID      string
				Options struct{ ExcludeByName map[string]bool }
			}
		}
	}
	if err := json.Unmarshal(files["partnere.json"], &d); err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, p := range d.Panels {
		for _, o := range p.FieldConfig.Overrides {
			for _, prop := range o.Properties {
				if prop.ID != "links" {
					continue
				}
				var ls []struct{ Title, URL string }
				if err := json.Unmarshal(prop.Value, &ls); err != nil {
					t.Fatalf("%s: %v", p.Title, err)
				}
				for _, l := range ls {
					links++
					u, err := url.Parse(strings.TrimPrefix(l.URL, "${helhed_url}"))
					if err != nil || u.Path != "/operator/tasks" {
						t.Errorf("%s: link %q does not open /operator/tasks", p.Title, l.URL)
						continue
					}
					q := u.Query()
					if ref := q.Get("partner"); ref != "${__data.fields.partner}" && ref != "${__field.labels.partner}" {
						t.Errorf("%s: link %q does not filter by the row's partner", p.Title, l.URL)
					}
					if !datarequestadapter.ValidFilterStatus(q.Get("status")) {
						t.Errorf("%s: link %q: the tasks page has no status %q", p.Title, l.URL, q.Get("status"))
					}
					for _, tr := range p.Transformations {
						if strings.Contains(l.URL, "__data.fields.partner") && tr.Options.ExcludeByName["partner"] {
							t.Errorf("%s: the link reads the partner column, which the table hides", p.Title)
						}
					}
				}
			}
		}
	}
	if links < 2 {
		t.Errorf("%d links to a partner's tasks, want the partner table's and the overdue bars'", links)
	}
}
