package deploy

import (
	"bufio"
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const runbookMD = "docs/runbook.md"

// alertRule is an alert of the rules files and the file it is in.
type alertRule struct {
	File        string
	Name        string
	Expr        string
	Labels      map[string]string
	Annotations map[string]string
}

// alertRules reads every alert of rulesGlob.
func alertRules(t *testing.T) []alertRule {
	t.Helper()
	root := repoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, rulesGlob))
	if len(files) == 0 {
		t.Fatalf("no rule files match %s", rulesGlob)
	}
	var out []alertRule
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		var rg ruleGroups
		readYAML(t, rel, &rg)
		for _, g := range rg.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out = append(out, alertRule{File: rel, Name: r.Alert, Expr: r.Expr, Labels: r.Labels, Annotations: r.Annotations})
				}
			}
		}
	}
	return out
}

// heartbeat reports whether the rule always fires (HelhedWatchdog): it
// has no case in which it does not.
func (r alertRule) heartbeat() bool { return strings.TrimSpace(r.Expr) == "vector(1)" }

// TestAlertRuleCoverage runs the promtool tests of the rules and checks
// every alert against them and the runbook: a case in which it fires and
// one in which it does not, a severity, a route (team absent: the
// operators; sekretariat: the secretariat), a Danish summary and
// description, and a runbook_url naming its own section of
// docs/runbook.md. Every runbook section is an alert's.
func TestAlertRuleCoverage(t *testing.T) {
	root := repoRoot(t)
	pt := promtool(t)
	testFiles, _ := filepath.Glob(filepath.Join(root, rulesTestGlob))
	if len(testFiles) == 0 {
		t.Fatalf("no promtool test files match %s", rulesTestGlob)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range testFiles {
		run(t, filepath.Dir(f), pt, "test", "rules", filepath.Base(f))
		var cases struct {
			Tests []struct {
				AlertRuleTest []struct {
					Alertname string `yaml:"alertname"`
					ExpAlerts []any  `yaml:"exp_alerts"`
				} `yaml:"alert_rule_test"`
			} `yaml:"tests"`
		}
		rel, _ := filepath.Rel(root, f)
		readYAML(t, rel, &cases)
		for _, tc := range cases.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname] = true
				} else {
					quiet[a.Alertname] = true
				}
			}
		}
	}

	sections := sectionHeadings(t)
	alerts := alertRules(t)
	named := map[string]bool{}
	for _, r := range alerts {
		where := r.File + ": alert " + r.Name
		named[r.Name] = true
		if !fires[r.Name] {
			t.Errorf("%s has no promtool case in which it fires (%s)", where, rulesTestGlob)
		}
		if !quiet[r.Name] && !r.heartbeat() {
			t.Errorf("%s has no promtool case in which it does not fire (%s)", where, rulesTestGlob)
		}
		if r.Labels["severity"] == "" {
			t.Errorf("%s has no severity label", where)
		}
		if team, ok := r.Labels["team"]; ok && team != "sekretariat" {
			t.Errorf("%s: team %q has no route; leave it out (the operators) or use sekretariat", where, team)
		}
		for _, key := range []string{"summary", "description"} {
			if msg := notDanish(r.Annotations[key]); msg != "" {
				t.Errorf("%s: %s %q: %s", where, key, r.Annotations[key], msg)
			}
		}
		anchor := strings.ToLower(r.Name)
		if want := runbookMD + "#" + anchor; r.Annotations["runbook_url"] != want {
			t.Errorf("%s: runbook_url %q, want %q", where, r.Annotations["runbook_url"], want)
		}
		if _, ok := sections[anchor]; !ok {
			t.Errorf("%s: %s has no section \"## %s\"", where, runbookMD, r.Name)
		}
	}
	for anchor, heading := range sections {
		if !named[heading] {
			t.Errorf("%s: section %q (#%s) is no alert of %s", runbookMD, heading, anchor, rulesGlob)
		}
	}
	if len(alerts) < 20 {
		t.Errorf("only %d alerts", len(alerts))
	}
}

// englishWord and danishWord tell the languages apart well enough for a
// one-line summary: no common English word, at least one common Danish one.
var (
	englishWord = regexp.MustCompile(`(?i)\b(the|is|are|has|not|failed|failing|down|missing|cannot|with|and|of|to)\b`)
	danishWord  = regexp.MustCompile(`(?i)(^|[^\pL])(og|er|ikke|ingen|har|af|på|i|en|et|den|det|til|med|kan|fra|ved|eller|efter|været|nede|fejler|fejlede|mangler|svarer|venter|virker|leverer|over|siden)([^\pL]|$)`)
)

// notDanish says why s is not a Danish text ("" when it is).
func notDanish(s string) string {
	text := regexp.MustCompile(`\{\{[^}]*\}\}|`+"`[^`]*`").ReplaceAllString(s, " ")
	switch {
	case strings.TrimSpace(s) == "":
		return "missing"
	case englishWord.MatchString(text):
		return "English word " + strings.ToLower(englishWord.FindString(text))
	case !danishWord.MatchString(text):
		return "no Danish word"
	}
	return ""
}

func TestNotDanish(t *testing.T) {
	for s, want := range map[string]bool{
		"Statistiktrækket fejlede":                        true,
		"E-mails kan ikke sendes":                         true,
		"Temporal-serveren svarer ikke":                   true,
		"Cyklussen {{ $labels.schedule }} er ikke kørt":   true,
		"The statistics pull failed":                      false,
		"Worker {{ $labels.instance }} is down":           false,
		"HelhedWorkerDown":                                false,
		"":                                                false,
		"Se `starter reconcile` og loggen":                true,
		"Workflow-opgaver for MeetingRound fejler (Fejl)": true,
	} {
		if got := notDanish(s) == ""; got != want {
			t.Errorf("notDanish(%q) = %q, want Danish %v", s, notDanish(s), want)
		}
	}
}

// sectionHeadings maps the GitHub anchor of every "## " heading of the
// runbook to the heading.
func sectionHeadings(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, runbookMD)))
	for sc.Scan() {
		if h, ok := strings.CutPrefix(sc.Text(), "## "); ok {
			h = strings.TrimSpace(h)
			out[githubAnchor(h)] = h
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no \"## \" sections", runbookMD)
	}
	return out
}

// githubAnchor is the fragment GitHub gives a heading: lower case, spaces
// to hyphens, punctuation dropped.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}
