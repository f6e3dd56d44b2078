package metricstest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// owners maps metric families to the capability that publishes them, so a
// query without data names who has to finish it. First match wins.
var owners = []struct{ prefix, owner string }{
	{"helhed_indicator_kommune_baseline", "readmodel (metrics/catalog.go)"},
	{"helhed_indicator_info", "readmodel (metrics/catalog.go)"},
	{"helhed_data_requests_escalated", "adapters/datarequest (collector)"},
	{"helhed_data_requests_", "issue 3: adapters/datarequest (collector not wired, or no data)"},
	{"helhed_milestone_actual", "issue 4: meeting round milestone actuals"},
	{"helhed_absence_", "issue 4: workflows/absence (quarterly absence follow-up)"},
	{"helhed_meeting_", "issue 4: workflows/meeting"},
	{"helhed_progress_report_", "issue 4: workflows/meeting (progress report)"},
	{"helhed_eviction", "issue 5: adapters/eviction (collector) + arrears"},
	{"helhed_indicator_", "issue 6: workflows/statistics"},
	{"helhed_area_criterion_", "issue 6: workflows/statistics"},
	{"helhed_area_designation", "issue 12: adapters/statistics (§ 61 a verdicts)"},
	{"helhed_statistics_", "issue 6: workflows/statistics"},
	{"helhed_crisis_", "issue 7: workflows/crisis"},
	{"helhed_budget_actual_", "issue 12: adapters/meeting (the secretariat's budget table in a meeting round)"},
	{"helhed_staff_hours_delivered", "issue 12: adapters/meeting (staff hours in the members' progress data)"},
	{"helhed_budget_", "issue 12: metrics (the plan's economy)"},
	{"helhed_staff_hours_", "issue 12: metrics (the plan's staff-hour tables)"},
	{"helhed_monitored_area_", "issue 12: metrics (the plan's monitored areas)"},
	{"helhed_calendar_", "adapters/calendar (the upcoming plan calendar)"},
	{"helhed_dependency_up", "app (dependency checks of /healthz)"},
	{"helhed_readmodel_", "readmodel"},
	{"helhed_workflow_", "readmodel"},
	{"helhed_schedule_", "readmodel (schedule snapshot)"},
	{"helhed_", "metrics (plan)"},
	{"temporal_", "Temporal SDK (no such event in the fixture)"},
}

func ownerOf(family string) string {
	for _, o := range owners {
		if strings.HasPrefix(family, o.prefix) {
			return o.owner
		}
	}
	return "Prometheus/process"
}

var familyRE = regexp.MustCompile(`\b((?:helhed|temporal|go|process|scrape)_[a-zA-Z0-9_]+|up)\b`)

// families lists the metric names an expression reads.
func families(expr string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range familyRE.FindAllString(stripStrings(expr), -1) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// stripStrings blanks quoted label values, so `kind="helhed_x"` is not a
// family.
func stripStrings(expr string) string {
	return regexp.MustCompile(`"(?:[^"\\]|\\.)*"`).ReplaceAllString(expr, `""`)
}

// grafanaVars replaces Grafana's variables the way an "All" selection and
// a short time range would.
var grafanaVars = strings.NewReplacer(
	"${area}", ".*", "$area", ".*", "${year}", ".*", "$year", ".*", "${partner}", ".*", "$partner", ".*",
	"$__rate_interval", "1m", "$__interval", "15s", "$__range", "10m",
)

type dashboard struct {
	file  string
	Title string  `json:"title"`
	Panel []panel `json:"panels"`
	Vars  struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	Title   string  `json:"title"`
	Type    string  `json:"type"`
	Panels  []panel `json:"panels"` // collapsed rows
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

func loadDashboards(t *testing.T) []dashboard {
	t.Helper()
	files, _ := filepath.Glob("../dashboards/*.json")
	if len(files) == 0 {
		t.Fatal("no dashboards under ../dashboards")
	}
	var out []dashboard
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d.file = filepath.Base(f)
		out = append(out, d)
	}
	return out
}

func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// problem is a query that errored or returned nothing.
type problem struct {
	where, expr, what string
	missing           []string // families Prometheus has never seen
}

// report fails t with every problem, grouped by the capability that owns
// the missing families, and the fixture log.
func report(t *testing.T, kind string, evaluated int, problems []problem) {
	t.Helper()
	t.Logf("%d %s evaluated through Prometheus's HTTP API at %s", evaluated, kind, pr.addr)
	if len(problems) == 0 {
		return
	}
	byOwner := map[string][]string{}
	for _, p := range problems {
		owner := "query or fixture"
		if len(p.missing) > 0 {
			var os []string
			for _, m := range p.missing {
				os = append(os, ownerOf(m))
			}
			sort.Strings(os)
			owner = strings.Join(compact(os), " + ")
		}
		line := fmt.Sprintf("%s: %s", p.where, p.what)
		if len(p.missing) > 0 {
			line += fmt.Sprintf(" (never scraped: %s)", strings.Join(p.missing, ", "))
		}
		byOwner[owner] = append(byOwner[owner], line+"\n        "+p.expr)
	}
	var keys []string
	for k := range byOwner {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d %s have no data or fail:\n", len(problems), evaluated, kind)
	for _, k := range keys {
		fmt.Fprintf(&b, "  [%s]\n", k)
		for _, l := range byOwner[k] {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	fmt.Fprintf(&b, "fixture activity:\n%s\n", fixtures)
	fmt.Fprintf(&b, "scrapes: %s", scrapeHealth())
	t.Error(b.String())
}

// scrapeHealth says how Prometheus's scrapes of the stack went, for a
// report of queries without data.
func scrapeHealth() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var parts []string
	for _, q := range []string{`up`, `scrape_duration_seconds`, `count_over_time(up[1m])`, `scrape_samples_scraped`} {
		s, err := pr.query(ctx, q)
		if err != nil {
			parts = append(parts, q+": "+err.Error())
			continue
		}
		for _, x := range s {
			parts = append(parts, fmt.Sprintf("%s{instance=%q} = %g", q, x.Metric["instance"], x.value()))
		}
	}
	return strings.Join(parts, "; ")
}

func compact(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// check evaluates expr and records a problem when it errors or returns no
// series.
func check(ctx context.Context, names map[string]bool, where, expr string, problems *[]problem) {
	s, err := pr.query(ctx, grafanaVars.Replace(expr))
	if err != nil {
		*problems = append(*problems, problem{where: where, expr: expr, what: "error: " + err.Error()})
		return
	}
	if len(s) > 0 {
		return
	}
	p := problem{where: where, expr: expr, what: "no series"}
	for _, f := range families(expr) {
		if !names[f] {
			p.missing = append(p.missing, f)
		}
	}
	*problems = append(*problems, p)
}

// TestDashboardQueries evaluates every query of every panel and every
// variable of every dashboard in dashboards/ against Prometheus scraping
// the stack with fixture activity.
func TestDashboardQueries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	names, err := pr.metricNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var problems []problem
	n := 0
	for _, d := range loadDashboards(t) {
		for _, v := range d.Vars.List {
			m := regexp.MustCompile(`^label_values\((.+),\s*(\w+)\)$`).FindStringSubmatch(v.Definition)
			if m == nil {
				continue
			}
			n++
			where := fmt.Sprintf("%s variable $%s", d.file, v.Name)
			vals, err := pr.labelValues(ctx, m[1], m[2])
			switch {
			case err != nil:
				problems = append(problems, problem{where: where, expr: v.Definition, what: "error: " + err.Error()})
			case len(vals) == 0:
				problems = append(problems, problem{where: where, expr: v.Definition, what: "no values", missing: missingOf(names, m[1])})
			}
		}
		for _, p := range allPanels(d.Panel) {
			for _, tg := range p.Targets {
				n++
				check(ctx, names, fmt.Sprintf("%s %q %s", d.file, p.Title, tg.RefID), tg.Expr, &problems)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d queries found in the dashboards", n)
	}
	report(t, "dashboard queries", n, problems)
}

func missingOf(names map[string]bool, expr string) []string {
	var out []string
	for _, f := range families(expr) {
		if !names[f] {
			out = append(out, f)
		}
	}
	return out
}

// TestAlertExpressions checks that Prometheus loaded and evaluated every
// alert of the rules files without error, that every expression evaluates,
// and that what each alert compares (the operands of its comparisons)
// returns series: an alert on a metric nobody publishes would never fire.
func TestAlertExpressions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	want := alertsInRules(t)
	var loaded []rule
	waitFor(ctx, func() bool {
		rs, err := pr.rules(ctx)
		if err != nil {
			return false
		}
		loaded = rs
		for _, r := range rs {
			if r.Health == "unknown" {
				return false
			}
		}
		return len(rs) > 0
	})
	byName := map[string]rule{}
	for _, r := range loaded {
		byName[r.Name] = r
	}
	names, err := pr.metricNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var problems []problem
	n := 0
	for _, a := range want {
		r, ok := byName[a.name]
		if !ok {
			t.Errorf("alert %s is not loaded by Prometheus", a.name)
			continue
		}
		if r.Health != "ok" {
			t.Errorf("alert %s: health %q: %s", a.name, r.Health, r.LastError)
		}
		n++
		if _, err := pr.query(ctx, a.expr); err != nil {
			problems = append(problems, problem{where: "alert " + a.name, expr: a.expr, what: "error: " + err.Error()})
		}
		for i, op := range operands(a.expr) {
			n++
			check(ctx, names, fmt.Sprintf("alert %s operand %d", a.name, i+1), op, &problems)
		}
	}
	report(t, "alert expressions and operands", n, problems)
}

type alertRule struct{ name, expr string }

func alertsInRules(t *testing.T) []alertRule {
	t.Helper()
	files, _ := filepath.Glob("../deploy/prometheus/rules/*.yml")
	var out []alertRule
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rg struct {
			Groups []struct {
				Rules []struct{ Alert, Expr string }
			}
		}
		if err := yaml.Unmarshal(b, &rg); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range rg.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out = append(out, alertRule{r.Alert, r.Expr})
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no alerts in ../deploy/prometheus/rules/*.yml")
	}
	return out
}
