package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	enumspb "go.temporal.io/api/enums/v1"

	"helhed/searchattr"
)

// The tests run in deploy/; every path below is relative to the repo root.
const (
	composeFile       = "docker-compose.yml"
	dockerfile        = "Dockerfile"
	dashboardsDir     = "dashboards"
	datasourcesYAML   = "dashboards/provisioning/datasources/prometheus.yml"
	dashProviderYAML  = "dashboards/provisioning/dashboards/helhed.yml"
	prometheusYAML    = "deploy/prometheus/prometheus.yml"
	rulesGlob         = "deploy/prometheus/rules/*.yml"
	dynamicConfigYAML = "deploy/temporal/dynamicconfig.yaml"
	datasourceUID     = "prometheus"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repo root %s has no go.mod: %v", root, err)
	}
	return root
}

func readFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	if err := yaml.Unmarshal(readFile(t, rel), v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// missingTool skips the test on a developer machine and fails it in CI
// (CI set), where .ci/run installs the Debian package that provides it.
func missingTool(t *testing.T, tool, debianPackage string) {
	t.Helper()
	msg := fmt.Sprintf("%s not found; install the Debian package %q (apt-get install -y %s)", tool, debianPackage, debianPackage)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// composeCommand returns the compose CLI: docker-compose (Debian's 1.29) or
// the docker compose v2 plugin.
func composeCommand(t *testing.T) []string {
	t.Helper()
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}
	}
	if p, err := exec.LookPath("docker"); err == nil {
		if exec.Command(p, "compose", "version").Run() == nil {
			return []string{p, "compose"}
		}
	}
	missingTool(t, "docker-compose (or docker compose)", "docker-compose")
	return nil
}

// environWithout is the process environment minus the named variables, so
// the caller decides exactly which of them compose sees.
func environWithout(names ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			env = append(env, kv)
		}
	}
	return env
}

// runCompose runs `compose config -q` with envFile's content as the env file
// (never a developer's own .env) and extraEnv added to the environment.
func runCompose(t *testing.T, envFile string, extraEnv ...string) (string, error) {
	t.Helper()
	root := repoRoot(t)
	envPath := filepath.Join(t.TempDir(), "test.env")
	if err := os.WriteFile(envPath, []byte(envFile), 0o600); err != nil {
		t.Fatal(err)
	}
	argv := append(composeCommand(t), "--env-file", envPath, "-f", filepath.Join(root, composeFile), "config", "-q")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = root
	cmd.Env = append(environWithout("OPERATOR_TOKEN", "PAYLOAD_KEY", "TOKEN_SECRET", "PSEUDONYM_KEY", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"), extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

const testPayloadKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" // base64 of 32 zero bytes

func TestComposeConfig(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		out, err := runCompose(t, "", "OPERATOR_TOKEN=test-operator-token", "PAYLOAD_KEY="+testPayloadKey,
			"TOKEN_SECRET="+testPayloadKey, "PSEUDONYM_KEY="+testPayloadKey)
		if err != nil {
			t.Fatalf("compose config -q: %v\n%s", err, out)
		}
	})
	t.Run("secrets required", func(t *testing.T) {
		out, err := runCompose(t, "", "PAYLOAD_KEY="+testPayloadKey, "TOKEN_SECRET="+testPayloadKey, "PSEUDONYM_KEY="+testPayloadKey)
		if err == nil {
			t.Fatalf("compose config accepted a missing OPERATOR_TOKEN:\n%s", out)
		}
		if !strings.Contains(out, "set OPERATOR_TOKEN") {
			t.Errorf("error does not say to set OPERATOR_TOKEN:\n%s", out)
		}
	})
	t.Run(".env.example filled in", func(t *testing.T) {
		example := string(readFile(t, ".env.example"))
		filled := regexp.MustCompile(`(?m)^OPERATOR_TOKEN=$`).ReplaceAllString(example, "OPERATOR_TOKEN=test-operator-token")
		for _, k := range []string{"PAYLOAD_KEY", "TOKEN_SECRET", "PSEUDONYM_KEY"} {
			filled = regexp.MustCompile(`(?m)^`+k+`=$`).ReplaceAllString(filled, k+"="+testPayloadKey)
		}
		if filled == example {
			t.Fatal(".env.example has no empty OPERATOR_TOKEN= / PAYLOAD_KEY= lines to fill in")
		}
		if out, err := runCompose(t, example); err == nil {
			t.Errorf(".env.example as is (secrets empty) was accepted:\n%s", out)
		}
		if out, err := runCompose(t, filled); err != nil {
			t.Fatalf("compose config -q with .env.example filled in: %v\n%s", err, out)
		}
	})
}

// Every variable docker-compose.yml interpolates is documented in
// .env.example (as a setting or a commented-out line).
func TestEnvExampleDocumentsComposeVariables(t *testing.T) {
	text := strings.ReplaceAll(string(readFile(t, composeFile)), "$$", "")
	example := string(readFile(t, ".env.example"))
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(text, -1) {
		name := m[1]
		if seen[name] {
			continue
		}
		seen[name] = true
		if !regexp.MustCompile(`(?m)^#?\s*` + name + `=`).MatchString(example) {
			t.Errorf(".env.example does not document %s", name)
		}
	}
	// The worker's pass-through variables too.
	for name, v := range loadCompose(t).Services["worker"].env() {
		if v == "" && !regexp.MustCompile(`(?m)^#?\s*`+name+`=`).MatchString(example) {
			t.Errorf(".env.example does not document %s", name)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no ${VAR} found in docker-compose.yml")
	}
}

// compose is the part of docker-compose.yml the structural checks read.
type compose struct {
	Version  any                `yaml:"version"`
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image       string `yaml:"image"`
	Build       any    `yaml:"build"`
	Environment any    `yaml:"environment"`
	Volumes     []string
	DependsOn   any `yaml:"depends_on"`
	Healthcheck any `yaml:"healthcheck"`
	Restart     string
}

// env returns a service's environment whether written as a map or a list.
func (s service) env() map[string]string {
	m := map[string]string{}
	switch e := s.Environment.(type) {
	case map[string]any:
		for k, v := range e {
			if v == nil {
				m[k] = ""
			} else {
				m[k] = fmt.Sprint(v)
			}
		}
	case []any:
		for _, kv := range e {
			k, v, _ := strings.Cut(fmt.Sprint(kv), "=")
			m[k] = v
		}
	}
	return m
}

// dependsOn returns the names of the services s depends on.
func (s service) dependsOn() []string {
	var names []string
	switch d := s.DependsOn.(type) {
	case map[string]any:
		for k := range d {
			names = append(names, k)
		}
	case []any:
		for _, k := range d {
			names = append(names, fmt.Sprint(k))
		}
	}
	slices.Sort(names)
	return names
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	var c compose
	readYAML(t, composeFile, &c)
	if len(c.Services) == 0 {
		t.Fatalf("%s has no services", composeFile)
	}
	return c
}

func TestComposeStructure(t *testing.T) {
	c := loadCompose(t)
	root := repoRoot(t)

	for _, name := range []string{"postgresql", "temporal", "temporal-ui", "redis", "prometheus", "grafana", "mailpit", "worker"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %q missing", name)
		}
	}

	for name, s := range c.Services {
		if s.Build == nil {
			// Images are pinned: a tag, and not latest.
			_, tag, ok := strings.Cut(s.Image, ":")
			if !ok || tag == "" || tag == "latest" {
				t.Errorf("service %s: image %q is not pinned to a version", name, s.Image)
			}
		}
		for _, v := range s.Volumes {
			src, _, ok := strings.Cut(v, ":")
			if !ok {
				t.Errorf("service %s: volume %q has no target", name, v)
				continue
			}
			if strings.HasPrefix(src, "./") || strings.HasPrefix(src, "/") {
				if _, err := os.Stat(filepath.Join(root, src)); err != nil {
					t.Errorf("service %s: bind mount source %s: %v", name, src, err)
				}
				continue
			}
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("service %s: volume %q is not a declared named volume", name, src)
			}
		}
	}

	w := c.Services["worker"]
	env := w.env()
	want := map[string]string{
		"TEMPORAL_ADDRESS": "temporal:7233",
		"REDIS_URL":        "redis://redis:6379/0",
		"HTTP_ADDR":        "0.0.0.0:8080",
		"METRICS_ADDR":     "0.0.0.0:9464",
		"OPERATOR_TOKEN":   "${OPERATOR_TOKEN:?set OPERATOR_TOKEN}",
		"PAYLOAD_KEY":      "${PAYLOAD_KEY:?set PAYLOAD_KEY}",
		"TOKEN_SECRET":     "${TOKEN_SECRET:?set TOKEN_SECRET}",
		"PSEUDONYM_KEY":    "${PSEUDONYM_KEY:?set PSEUDONYM_KEY}",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("worker env %s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"SMTP_URL", "MAIL_FROM", "PUBLIC_URL", "DATA_DIR", "TEMPORAL_NAMESPACE"} {
		if _, ok := env[k]; !ok {
			t.Errorf("worker env %s missing", k)
		}
	}
	if w.Build == nil {
		t.Error("worker is not built from the Dockerfile")
	}
	if w.Healthcheck == nil || !strings.Contains(fmt.Sprint(w.Healthcheck), "/healthz") {
		t.Errorf("worker healthcheck does not probe /healthz: %v", w.Healthcheck)
	}
	if w.Restart != "unless-stopped" {
		t.Errorf("worker restart = %q, want unless-stopped", w.Restart)
	}
	for _, dep := range []string{"redis", "temporal"} {
		if !slices.Contains(w.dependsOn(), dep) {
			t.Errorf("worker does not depend on %s", dep)
		}
	}
}

// The temporal-namespace job registers exactly the search attributes the
// workflows upsert (searchattr.Definitions), with the CLI's type names.
func TestComposeSearchAttributes(t *testing.T) {
	c := loadCompose(t)
	ns, ok := c.Services["temporal-namespace"]
	if !ok {
		t.Fatal("service temporal-namespace missing")
	}
	cliType := map[enumspb.IndexedValueType]string{
		enumspb.INDEXED_VALUE_TYPE_TEXT:         "Text",
		enumspb.INDEXED_VALUE_TYPE_KEYWORD:      "Keyword",
		enumspb.INDEXED_VALUE_TYPE_INT:          "Int",
		enumspb.INDEXED_VALUE_TYPE_DOUBLE:       "Double",
		enumspb.INDEXED_VALUE_TYPE_BOOL:         "Bool",
		enumspb.INDEXED_VALUE_TYPE_DATETIME:     "Datetime",
		enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST: "KeywordList",
	}
	want := map[string]string{}
	for name, typ := range searchattr.Definitions() {
		want[name] = cliType[typ]
	}
	got := map[string]string{}
	for _, pair := range strings.Fields(ns.env()["HELHED_SEARCH_ATTRIBUTES"]) {
		name, typ, _ := strings.Cut(pair, "=")
		got[name] = typ
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("docker-compose.yml temporal-namespace HELHED_SEARCH_ATTRIBUTES = %v\nsearchattr.Definitions() = %v", got, want)
	}
}

// The build stage's Go matches go.mod, and the runtime stage runs workers
// as a non-root user with the documented ports and volume.
func TestDockerfile(t *testing.T) {
	df := string(readFile(t, dockerfile))
	gomod := string(readFile(t, "go.mod"))
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	if !regexp.MustCompile(`(?m)^FROM golang:` + regexp.QuoteMeta(m[1]) + `\b`).MatchString(df) {
		t.Errorf("Dockerfile build stage is not FROM golang:%s (go.mod's go line)", m[1])
	}
	for _, want := range []string{
		"CGO_ENABLED=0",
		"-o /out/workers ./workers",
		"-o /out/starter ./starter",
		"EXPOSE 8080 9464",
		`VOLUME ["/data"]`,
		"DATA_DIR=/data",
		`ENTRYPOINT ["/usr/local/bin/workers"]`,
		// The annual report renders its PDF with Chromium in the image too.
		"chromium fonts-dejavu-core",
		"tzdata",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	users := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(users) == 0 {
		t.Fatal("Dockerfile sets no USER")
	}
	if u := users[len(users)-1][1]; u == "root" || strings.HasPrefix(u, "0") {
		t.Errorf("Dockerfile runs as %s", u)
	}
}

func TestGrafanaProvisioning(t *testing.T) {
	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name, UID, Type, URL string
		} `yaml:"datasources"`
	}
	readYAML(t, datasourcesYAML, &ds)
	if ds.APIVersion != 1 {
		t.Errorf("%s: apiVersion = %d, want 1", datasourcesYAML, ds.APIVersion)
	}
	found := false
	for _, d := range ds.Datasources {
		if d.UID == datasourceUID {
			found = true
			if d.Type != "prometheus" || d.URL != "http://prometheus:9090" {
				t.Errorf("%s: datasource %s is %s at %s, want prometheus at http://prometheus:9090", datasourcesYAML, d.UID, d.Type, d.URL)
			}
		}
	}
	if !found {
		t.Errorf("%s: no datasource with uid %q", datasourcesYAML, datasourceUID)
	}

	var dp struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name, Folder, Type string
			Options            struct {
				Path string
			}
		} `yaml:"providers"`
	}
	readYAML(t, dashProviderYAML, &dp)
	if dp.APIVersion != 1 || len(dp.Providers) != 1 {
		t.Fatalf("%s: want apiVersion 1 and one provider, got %+v", dashProviderYAML, dp)
	}
	p := dp.Providers[0]
	if p.Type != "file" || p.Folder != "Helhedsplan" {
		t.Errorf("%s: provider type %q folder %q, want file / Helhedsplan", dashProviderYAML, p.Type, p.Folder)
	}
	// The provider reads the folder compose mounts ./dashboards at.
	mounts := loadCompose(t).Services["grafana"].Volumes
	want := "./" + dashboardsDir + ":" + p.Options.Path
	if !slices.ContainsFunc(mounts, func(v string) bool { return v == want || strings.HasPrefix(v, want+":") }) {
		t.Errorf("grafana mounts %v; none is %s, the provider's path", mounts, want)
	}
}

func TestDashboards(t *testing.T) {
	root := repoRoot(t)
	uids := map[string]string{}
	n := 0
	err := filepath.WalkDir(filepath.Join(root, dashboardsDir), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var dash map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&dash); err != nil {
			t.Errorf("%s: invalid JSON: %v", rel, err)
			return nil
		}
		uid, _ := dash["uid"].(string)
		title, _ := dash["title"].(string)
		panels, _ := dash["panels"].([]any)
		if uid == "" || title == "" || len(panels) == 0 {
			t.Errorf("%s: needs a uid, a title and panels (uid %q, title %q, %d panels)", rel, uid, title, len(panels))
		}
		if other, dup := uids[uid]; dup {
			t.Errorf("%s: uid %q already used by %s", rel, uid, other)
		}
		uids[uid] = rel
		for _, ref := range datasourceUIDs(dash) {
			if ref != datasourceUID && ref != "-- Grafana --" && !strings.HasPrefix(ref, "$") {
				t.Errorf("%s: datasource uid %q is not provisioned (want %q)", rel, ref, datasourceUID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no dashboard JSON under %s/", dashboardsDir)
	}
	if _, ok := uids["helhed-overblik"]; !ok {
		t.Error("dashboard helhed-overblik missing")
	}
}

// TestOverblik pins what the starter dashboard shows.
func TestOverblik(t *testing.T) {
	var d struct {
		UID           string
		Title         string
		SchemaVersion int
		Panels        []struct {
			Type    string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct {
				Name       string
				Definition string
			}
		}
	}
	if err := json.Unmarshal(readFile(t, "dashboards/overblik.json"), &d); err != nil {
		t.Fatal(err)
	}
	if d.UID != "helhed-overblik" || d.Title != "Helhedsplan – overblik" || d.SchemaVersion < 36 {
		t.Errorf("uid %q title %q schemaVersion %d", d.UID, d.Title, d.SchemaVersion)
	}
	var exprs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, p.Type+" "+tg.Expr)
		}
	}
	all := strings.Join(exprs, "\n")
	// The morning view: the plan and its milestones; the worker's health
	// is the operators' (Drift).
	for _, want := range []string{`table `, `helhed_plan_info`, `helhed_milestone_target`, `helhed_milestone_status`} {
		if !strings.Contains(all, want) {
			t.Errorf("no panel query %q in:\n%s", want, all)
		}
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Definition
	}
	if vars["area"] != "query_result(helhed_area_info)" || !strings.HasPrefix(vars["year"], "query_result(helhed_plan_year_start_timestamp_seconds") {
		t.Errorf("variables = %v", vars)
	}
}

// datasourceUIDs collects every "datasource": {"uid": ...} in a dashboard.
func datasourceUIDs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "datasource" {
				if m, ok := val.(map[string]any); ok {
					if uid, ok := m["uid"].(string); ok {
						out = append(out, uid)
					}
				}
			}
			out = append(out, datasourceUIDs(val)...)
		}
	case []any:
		for _, val := range x {
			out = append(out, datasourceUIDs(val)...)
		}
	}
	return out
}

func TestTemporalDynamicConfig(t *testing.T) {
	var dc map[string][]map[string]any
	readYAML(t, dynamicConfigYAML, &dc)
	if len(dc) == 0 {
		t.Fatalf("%s is empty", dynamicConfigYAML)
	}
	for key, entries := range dc {
		if len(entries) == 0 {
			t.Errorf("%s: %s has no entries", dynamicConfigYAML, key)
		}
		for i, e := range entries {
			if _, ok := e["value"]; !ok {
				t.Errorf("%s: %s[%d] has no value", dynamicConfigYAML, key, i)
			}
		}
	}
	// Compose mounts it where DYNAMIC_CONFIG_FILE_PATH points.
	tmp := loadCompose(t).Services["temporal"]
	path := tmp.env()["DYNAMIC_CONFIG_FILE_PATH"]
	want := "./" + dynamicConfigYAML + ":" + path
	if path == "" || !slices.ContainsFunc(tmp.Volumes, func(v string) bool { return strings.HasPrefix(v, want) }) {
		t.Errorf("temporal mounts %v with DYNAMIC_CONFIG_FILE_PATH %q; want a mount %s", tmp.Volumes, path, want)
	}
}

func TestPrometheusConfig(t *testing.T) {
	var pc struct {
		Global struct {
			ScrapeInterval string `yaml:"scrape_interval"`
		}
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName        string `yaml:"job_name"`
			ScrapeInterval string `yaml:"scrape_interval"`
			StaticConfigs  []struct {
				Targets []string
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, prometheusYAML, &pc)
	found := false
	for _, sc := range pc.ScrapeConfigs {
		if sc.JobName != "helhed-worker" {
			continue
		}
		found = true
		interval := sc.ScrapeInterval
		if interval == "" {
			interval = pc.Global.ScrapeInterval
		}
		if interval != "15s" {
			t.Errorf("helhed-worker scrape interval %q, want 15s", interval)
		}
		if len(sc.StaticConfigs) != 1 || !slices.Equal(sc.StaticConfigs[0].Targets, []string{"worker:9464"}) {
			t.Errorf("helhed-worker targets %+v, want worker:9464", sc.StaticConfigs)
		}
	}
	if !found {
		t.Error("no helhed-worker scrape job")
	}
	// rule_files are relative to the config file, so they resolve in the
	// repo as in the container; each must match at least one file.
	if len(pc.RuleFiles) == 0 {
		t.Error("no rule_files")
	}
	dir := filepath.Join(repoRoot(t), filepath.Dir(prometheusYAML))
	for _, rf := range pc.RuleFiles {
		if filepath.IsAbs(rf) {
			t.Errorf("rule_files entry %q is absolute; keep it relative to prometheus.yml", rf)
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(dir, rf)); len(m) == 0 {
			t.Errorf("rule_files entry %q matches no file", rf)
		}
	}
}

type ruleGroups struct {
	Groups []struct {
		Name  string
		Rules []struct {
			Alert       string
			Expr        string
			For         string
			Labels      map[string]string
			Annotations map[string]string
		}
	}
}

func TestAlertRules(t *testing.T) {
	var rg ruleGroups
	readYAML(t, "deploy/prometheus/rules/helhed.yml", &rg)
	for _, g := range rg.Groups {
		for _, r := range g.Rules {
			if r.Alert != "HelhedWorkerDown" {
				continue
			}
			if r.Expr != `up{job="helhed-worker"} == 0` || r.For != "5m" || r.Annotations["summary"] == "" {
				t.Errorf("HelhedWorkerDown: expr %q for %q summary %q", r.Expr, r.For, r.Annotations["summary"])
			}
			return
		}
	}
	t.Error("alert HelhedWorkerDown missing")
}

func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		missingTool(t, "promtool", "prometheus")
	}
	return p
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

func TestPromtool(t *testing.T) {
	root := repoRoot(t)
	pt := promtool(t)
	rules, err := filepath.Glob(filepath.Join(root, rulesGlob))
	if err != nil || len(rules) == 0 {
		t.Fatalf("no rule files match %s (%v)", rulesGlob, err)
	}

	t.Run("check rules", func(t *testing.T) {
		run(t, root, pt, append([]string{"check", "rules"}, rules...)...)
	})
	t.Run("check config", func(t *testing.T) {
		run(t, root, pt, "check", "config", prometheusYAML)
	})
	t.Run("HelhedWorkerDown fires after 5m", func(t *testing.T) {
		// Expected annotations come from the rule file itself, with the
		// instance label filled in, so wording changes need no test edit.
		var rg ruleGroups
		readYAML(t, "deploy/prometheus/rules/helhed.yml", &rg)
		var ann map[string]string
		for _, g := range rg.Groups {
			for _, r := range g.Rules {
				if r.Alert == "HelhedWorkerDown" {
					ann = r.Annotations
				}
			}
		}
		if ann == nil {
			t.Fatal("alert HelhedWorkerDown missing")
		}
		const instance = "worker:9464"
		expAnn := map[string]string{}
		labelRef := regexp.MustCompile(`\{\{\s*\$labels\.instance\s*\}\}`)
		for k, v := range ann {
			if strings.Contains(labelRef.ReplaceAllString(v, ""), "{{") {
				t.Skipf("annotation %s uses templating this test does not expand: %q", k, v)
			}
			expAnn[k] = labelRef.ReplaceAllString(v, instance)
		}
		alert := map[string]any{
			"exp_labels":      map[string]string{"severity": "critical", "job": "helhed-worker", "instance": instance},
			"exp_annotations": expAnn,
		}
		tests := map[string]any{
			"rule_files":          []string{filepath.Join(root, "deploy/prometheus/rules/helhed.yml")},
			"evaluation_interval": "1m",
			"tests": []any{map[string]any{
				"interval": "1m",
				"input_series": []any{map[string]any{
					"series": `up{job="helhed-worker",instance="` + instance + `"}`,
					"values": "1 1 0x10",
				}},
				"alert_rule_test": []any{
					map[string]any{"eval_time": "5m", "alertname": "HelhedWorkerDown", "exp_alerts": []any{}},
					map[string]any{"eval_time": "8m", "alertname": "HelhedWorkerDown", "exp_alerts": []any{alert}},
				},
			}},
		}
		b, err := yaml.Marshal(tests)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "helhed_test.yml")
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, root, pt, "test", "rules", f)
	})
}

// rulesTestGlob matches the promtool test files of the alerts.
const rulesTestGlob = "deploy/prometheus/tests/*_test.yml"

// dashboardSpec is the part of a dashboard the structural checks read.
type dashboardSpec struct {
	ID            any    `json:"id"`
	UID           string `json:"uid"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []struct {
			Name, Type, Definition string
			Datasource             struct{ UID string }
		}
	}
	Panels []struct {
		ID          int
		Type        string
		Title       string
		Description string
		GridPos     struct{ H, W, X, Y int }
		Datasource  *struct{ UID string }
		Targets     []struct {
			RefID      string `json:"refId"`
			Expr       string
			Datasource struct{ UID string }
		}
	}
}

// TestDashboardSet pins the six dashboards of issue 8 and checks what
// Grafana's file provisioning needs: a null id (Grafana assigns it), a
// unique uid, panel ids unique within the dashboard, a 24-column grid,
// every target with a unique refId and an expression on the provisioned
// datasource, Danish titles and descriptions, and area and plan-year
// variables.
func TestDashboardSet(t *testing.T) {
	want := map[string]string{
		"overblik.json":     "helhed-overblik",
		"indikatorer.json":  "helhed-indikatorer",
		"partnere.json":     "helhed-partnere",
		"udsaettelser.json": "helhed-udsaettelser",
		"fravaer.json":      "helhed-fravaer",
		"drift.json":        "helhed-drift",
	}
	knownTypes := map[string]bool{"stat": true, "table": true, "timeseries": true, "bargauge": true, "row": true, "gauge": true, "text": true}
	for file, uid := range want {
		var d dashboardSpec
		if err := json.Unmarshal(readFile(t, filepath.Join(dashboardsDir, file)), &d); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if d.UID != uid || !strings.HasPrefix(d.Title, "Helhedsplan – ") || d.Description == "" || d.ID != nil || d.SchemaVersion < 36 {
			t.Errorf("%s: uid %q title %q id %v schemaVersion %d description %q", file, d.UID, d.Title, d.ID, d.SchemaVersion, d.Description)
		}
		vars := map[string]bool{}
		for _, v := range d.Templating.List {
			vars[v.Name] = true
			if v.Type == "query" && (v.Datasource.UID != datasourceUID ||
				!(strings.HasPrefix(v.Definition, "label_values(") || strings.HasPrefix(v.Definition, "query_result("))) {
				t.Errorf("%s: variable %s: datasource %q definition %q", file, v.Name, v.Datasource.UID, v.Definition)
			}
		}
		// A dashboard has the area and plan-year variables its queries use.
		raw := string(readFile(t, filepath.Join(dashboardsDir, file)))
		for _, name := range []string{"area", "year"} {
			if strings.Contains(raw, "$"+name) && !vars[name] {
				t.Errorf("%s: queries use $%s but the dashboard has no such variable (has %v)", file, name, vars)
			}
		}
		ids := map[int]bool{}
		queries := 0
		for _, p := range d.Panels {
			where := fmt.Sprintf("%s panel %d %q", file, p.ID, p.Title)
			if ids[p.ID] || p.ID <= 0 {
				t.Errorf("%s: id not unique and positive", where)
			}
			ids[p.ID] = true
			if !knownTypes[p.Type] {
				t.Errorf("%s: unknown panel type %q", where, p.Type)
			}
			if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X < 0 || p.GridPos.X+p.GridPos.W > 24 {
				t.Errorf("%s: gridPos %+v outside the 24-column grid", where, p.GridPos)
			}
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || p.Description == "" {
				t.Errorf("%s: needs a title and a description", where)
			}
			if p.Datasource == nil || p.Datasource.UID != datasourceUID {
				t.Errorf("%s: panel datasource is not %q", where, datasourceUID)
			}
			refs := map[string]bool{}
			for _, tg := range p.Targets {
				queries++
				if tg.RefID == "" || refs[tg.RefID] {
					t.Errorf("%s: refId %q missing or repeated", where, tg.RefID)
				}
				refs[tg.RefID] = true
				if strings.TrimSpace(tg.Expr) == "" || tg.Datasource.UID != datasourceUID {
					t.Errorf("%s: target %s has no expression or another datasource", where, tg.RefID)
				}
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", where)
			}
		}
		if queries == 0 {
			t.Errorf("%s: no queries", file)
		}
	}
}

// TestComposeMountsWhatTheClusterRuns: every file or directory
// docker-compose.yml bind-mounts from the repo is one scripts/cluster runs
// its processes (or the cluster test) with, as `scripts/cluster
// config-files` lists them, so the shipped topology and the tested one
// read the same configuration.
func TestComposeMountsWhatTheClusterRuns(t *testing.T) {
	root := repoRoot(t)
	out, err := exec.Command("bash", filepath.Join(root, "scripts", "cluster"), "config-files").Output()
	if err != nil {
		t.Fatalf("scripts/cluster config-files: %v", err)
	}
	used := strings.Fields(string(out))
	if len(used) == 0 {
		t.Fatal("scripts/cluster config-files lists nothing")
	}
	for _, u := range used {
		if _, err := os.Stat(filepath.Join(root, u)); err != nil {
			t.Errorf("scripts/cluster runs with %s: %v", u, err)
		}
	}
	mounts := 0
	for name, s := range loadCompose(t).Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, "./") {
				continue // a named volume
			}
			mounts++
			rel := filepath.Clean(src)
			if !slices.ContainsFunc(used, func(u string) bool {
				return rel == filepath.Clean(u) || strings.HasPrefix(rel, filepath.Clean(u)+"/")
			}) {
				t.Errorf("service %s mounts %s, which scripts/cluster does not run with (it runs with %v)", name, src, used)
			}
		}
	}
	if mounts == 0 {
		t.Fatal("docker-compose.yml bind-mounts nothing from the repo")
	}
}
