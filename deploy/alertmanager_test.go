package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"helhed/internal/testsmtp"
	"helhed/internal/teststack"
)

const alertmanagerYAML = "deploy/alertmanager/alertmanager.yml"

// Receivers of alertmanager.yml and who they are.
const (
	receiverOperators   = "drift"
	receiverSecretariat = "sekretariat"
	receiverHeartbeat   = "hjerteslag"
)

// receiverOf is the receiver an alert of the rules must reach.
func receiverOf(r alertRule) string {
	switch {
	case r.heartbeat():
		return receiverHeartbeat
	case r.Labels["team"] == "sekretariat":
		return receiverSecretariat
	}
	return receiverOperators
}

func lookTool(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		missingTool(t, tool, "prometheus-alertmanager")
	}
	return p
}

// TestAlertmanagerConfig checks the shipped configuration with amtool,
// the receiver every alert of the rules is routed to, and that the
// inhibition rules name alerts that exist.
func TestAlertmanagerConfig(t *testing.T) {
	root := repoRoot(t)
	amtool := lookTool(t, "amtool")
	run(t, root, amtool, "check-config", alertmanagerYAML)

	alerts := alertRules(t)
	names := map[string]bool{}
	for _, r := range alerts {
		names[r.Name] = true
		want := receiverOf(r)
		args := []string{"config", "routes", "test", "--config.file=" + alertmanagerYAML, "--verify.receivers=" + want, "alertname=" + r.Name}
		for k, v := range r.Labels {
			args = append(args, k+"="+v)
		}
		cmd := exec.Command(amtool, args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("alert %s (labels %v) is not routed to %s: %v\n%s", r.Name, r.Labels, want, err, out)
		}
	}

	var cfg struct {
		InhibitRules []struct {
			SourceMatchers []string `yaml:"source_matchers"`
			TargetMatchers []string `yaml:"target_matchers"`
		} `yaml:"inhibit_rules"`
	}
	readYAML(t, alertmanagerYAML, &cfg)
	alertname := regexp.MustCompile(`^alertname=~?"([^"]+)"$`)
	var sources []string
	for i, ir := range cfg.InhibitRules {
		for _, m := range slices.Concat(ir.SourceMatchers, ir.TargetMatchers) {
			sub := alertname.FindStringSubmatch(m)
			if sub == nil {
				t.Errorf("inhibit rule %d: matcher %q does not name alerts (alertname=\"…\" or alertname=~\"A|B\")", i, m)
				continue
			}
			for _, name := range strings.Split(sub[1], "|") {
				if !names[name] {
					t.Errorf("inhibit rule %d names %s, which is no alert of %s", i, name, rulesGlob)
				}
			}
		}
		sources = append(sources, ir.SourceMatchers...)
	}
	if !slices.Contains(sources, `alertname="HelhedWorkerDown"`) {
		t.Errorf("no inhibit rule with HelhedWorkerDown as its source: %v", sources)
	}
}

// TestAlertmanagerDelivers runs a real Alertmanager with the shipped
// configuration (only the relay's address, the password file's path, the
// template's path and the grouping delays changed) against the test SMTP
// server: the operators and the secretariat get their alerts by e-mail in
// Danish, the heartbeat mails nobody, and a follow-on of HelhedWorkerDown
// is held back while it fires and sent once it is resolved.
func TestAlertmanagerDelivers(t *testing.T) {
	bin := lookTool(t, "prometheus-alertmanager")
	smtp := testsmtp.StartWith(t, testsmtp.Plain)
	am := startAlertmanager(t, bin, smtp.Addr)
	rules := map[string]alertRule{}
	for _, r := range alertRules(t) {
		rules[r.Name] = r
	}
	var shipped struct {
		Global struct {
			From     string `yaml:"smtp_from"`
			Username string `yaml:"smtp_auth_username"`
		}
		Receivers []struct {
			Name         string
			EmailConfigs []struct{ To string } `yaml:"email_configs"`
		}
	}
	readYAML(t, alertmanagerYAML, &shipped)
	to := map[string]string{}
	for _, r := range shipped.Receivers {
		for _, e := range r.EmailConfigs {
			to[r.Name] = e.To
		}
	}
	if to[receiverOperators] == "" || to[receiverSecretariat] == "" || to[receiverOperators] == to[receiverSecretariat] {
		t.Fatalf("receivers %s and %s need e-mail addresses of their own: %v", receiverOperators, receiverSecretariat, to)
	}

	workerDown := firing(t, rules, "HelhedWorkerDown", map[string]string{"job": "helhed-worker", "instance": "worker:9464"})
	followOn := firing(t, rules, "HelhedReadModelReconcileStale", nil)
	escalated := firing(t, rules, "HelhedPartnerTaskEscalated", map[string]string{"job": "helhed-worker", "partner": "skole-a"})
	am.post(t, workerDown, followOn, escalated, firing(t, rules, "HelhedWatchdog", nil))

	teststack.Eventually(t, "the operators' and the secretariat's first mails", func() error {
		ms := mails(t, smtp)
		if len(mailsTo(ms, to[receiverOperators], "HelhedWorkerDown")) == 0 || len(mailsTo(ms, to[receiverSecretariat], "")) == 0 {
			return fmt.Errorf("%d mail(s) so far: %v", len(ms), subjects(ms))
		}
		return nil
	})
	teststack.Eventually(t, "the follow-on inhibited by HelhedWorkerDown", func() error {
		st, err := am.status("HelhedReadModelReconcileStale")
		if err != nil {
			return err
		}
		if st.State != "suppressed" || len(st.InhibitedBy) == 0 {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	// The follow-on's group was due as soon as HelhedWorkerDown's; an alert
	// posted after that mail is mailed after the follow-on would have been.
	am.post(t, firing(t, rules, "HelhedMailFailing", nil))
	teststack.Eventually(t, "the mail of an alert posted later", func() error {
		if len(mailsTo(mails(t, smtp), to[receiverOperators], "HelhedMailFailing")) == 0 {
			return fmt.Errorf("not yet")
		}
		return nil
	})

	ms := mails(t, smtp)
	if ops := mailsTo(ms, to[receiverOperators], ""); len(ops) != 2 {
		t.Errorf("operators got %d mails, want 2 (HelhedWorkerDown, HelhedMailFailing): %v", len(ops), subjects(ops))
	}
	for _, m := range ms {
		for _, held := range []string{"HelhedReadModelReconcileStale", "HelhedWatchdog"} {
			if strings.Contains(m.body, held) {
				t.Errorf("mail %q to %v mentions %s, which no one should get now:\n%s", m.subject, m.to, held, m.body)
			}
		}
		if m.from != shipped.Global.From || m.user != shipped.Global.Username {
			t.Errorf("mail %q: from %q as SMTP user %q, want %q as %q (the password read from smtp_auth_password_file)", m.subject, m.from, m.user, shipped.Global.From, shipped.Global.Username)
		}
	}
	sec := mailsTo(ms, to[receiverSecretariat], "")
	if len(sec) != 1 {
		t.Fatalf("secretariat got %d mails, want 1: %v", len(sec), subjects(sec))
	}
	for _, want := range []string{escalated.Annotations["summary"], escalated.Annotations["description"], "docs/runbook.md#helhedpartnertaskescalated", "Aktive alarmer"} {
		if !strings.Contains(sec[0].body, want) {
			t.Errorf("secretariat's mail lacks %q:\n%s", want, sec[0].body)
		}
	}
	if want := "[Helhedsplan] 1 aktiv(e) alarm(er): " + escalated.Annotations["summary"]; sec[0].subject != want {
		t.Errorf("secretariat's subject %q, want %q", sec[0].subject, want)
	}
	if strings.Contains(sec[0].body, "HelhedWorkerDown") {
		t.Errorf("the secretariat got the operators' alert:\n%s", sec[0].body)
	}

	// HelhedWorkerDown resolved: the follow-on is no longer held back.
	workerDown.EndsAt = time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
	am.post(t, workerDown)
	teststack.Eventually(t, "the follow-on mailed once HelhedWorkerDown is resolved", func() error {
		if len(mailsTo(mails(t, smtp), to[receiverOperators], "HelhedReadModelReconcileStale")) == 0 {
			return fmt.Errorf("not yet")
		}
		return nil
	})
}

// alertmanager is a running Alertmanager process.
type alertmanager struct{ base string }

// startAlertmanager runs bin with the shipped configuration rewritten for
// the test (alertmanagerTestConfig), without clustering, until the test
// ends.
func startAlertmanager(t *testing.T, bin, smarthost string) *alertmanager {
	t.Helper()
	dir := t.TempDir()
	cfg := alertmanagerTestConfig(t, dir, smarthost)
	addr, err := teststack.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "alertmanager.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=info")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("alertmanager log:\n%s", b)
		}
	})
	am := &alertmanager{base: "http://" + addr}
	teststack.Eventually(t, "alertmanager ready", func() error {
		resp, err := http.Get(am.base + "/-/ready")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /-/ready: %s", resp.Status)
		}
		return nil
	})
	return am
}

// alertmanagerTestConfig writes the shipped configuration with the test's
// relay address, a password file, the shipped template by absolute path
// and grouping delays of a second, and returns its path.
func alertmanagerTestConfig(t *testing.T, dir, smarthost string) string {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(readFile(t, alertmanagerYAML), &cfg); err != nil {
		t.Fatal(err)
	}
	password := filepath.Join(dir, "smtp_password")
	if err := os.WriteFile(password, []byte("test-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	global, _ := cfg["global"].(map[string]any)
	if global == nil || global["smtp_smarthost"] == nil || global["smtp_auth_password_file"] == nil {
		t.Fatalf("%s: global needs smtp_smarthost and smtp_auth_password_file: %v", alertmanagerYAML, global)
	}
	global["smtp_smarthost"] = smarthost
	global["smtp_auth_password_file"] = password
	templates, _ := cfg["templates"].([]any)
	for i, tmpl := range templates {
		templates[i] = filepath.Join(repoRoot(t), filepath.Dir(alertmanagerYAML), fmt.Sprint(tmpl))
	}
	var shorten func(route map[string]any)
	shorten = func(route map[string]any) {
		for _, k := range []string{"group_wait", "group_interval"} {
			if _, ok := route[k]; ok {
				route[k] = "1s"
			}
		}
		subs, _ := route["routes"].([]any)
		for _, s := range subs {
			if m, ok := s.(map[string]any); ok {
				shorten(m)
			}
		}
	}
	route, _ := cfg["route"].(map[string]any)
	if route == nil {
		t.Fatalf("%s has no route", alertmanagerYAML)
	}
	shorten(route)
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// postableAlert is an alert as Alertmanager's API v2 takes it.
type postableAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    string            `json:"startsAt,omitempty"`
	EndsAt      string            `json:"endsAt,omitempty"`
}

// firing is the alert rule name sends with extra labels, its annotations
// expanded the simple way Prometheus would ({{ $labels.x }}, {{ $value }}).
func firing(t *testing.T, rules map[string]alertRule, name string, extra map[string]string) postableAlert {
	t.Helper()
	r, ok := rules[name]
	if !ok {
		t.Fatalf("no alert %s in %s", name, rulesGlob)
	}
	labels := map[string]string{"alertname": name}
	for k, v := range r.Labels {
		labels[k] = v
	}
	for k, v := range extra {
		labels[k] = v
	}
	ref := regexp.MustCompile(`\{\{\s*\$(labels\.(\w+)|value)\s*\}\}`)
	ann := map[string]string{}
	for k, v := range r.Annotations {
		ann[k] = ref.ReplaceAllStringFunc(v, func(m string) string {
			sub := ref.FindStringSubmatch(m)
			if sub[1] == "value" {
				return "2"
			}
			return labels[sub[2]]
		})
	}
	return postableAlert{Labels: labels, Annotations: ann, StartsAt: time.Now().UTC().Format(time.RFC3339)}
}

func (am *alertmanager) post(t *testing.T, alerts ...postableAlert) {
	t.Helper()
	b, err := json.Marshal(alerts)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(am.base+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /api/v2/alerts: %s: %s", resp.Status, body)
	}
}

type alertStatus struct {
	State       string   `json:"state"`
	InhibitedBy []string `json:"inhibitedBy"`
}

// status is the status of the alert named name (the first if several).
func (am *alertmanager) status(name string) (alertStatus, error) {
	q := url.Values{"filter": {fmt.Sprintf("alertname=%q", name)}}
	resp, err := http.Get(am.base + "/api/v2/alerts?" + q.Encode())
	if err != nil {
		return alertStatus{}, err
	}
	defer resp.Body.Close()
	var alerts []struct {
		Status alertStatus `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		return alertStatus{}, fmt.Errorf("GET /api/v2/alerts: %s: %w", resp.Status, err)
	}
	if len(alerts) == 0 {
		return alertStatus{}, fmt.Errorf("no alert %s", name)
	}
	return alerts[0].Status, nil
}

// sentMail is a received mail, decoded.
type sentMail struct {
	to                  []string
	from, subject, body string
	user                string
}

// mails decodes every mail the server has accepted.
func mails(t *testing.T, s *testsmtp.Server) []sentMail {
	t.Helper()
	var out []sentMail
	for _, m := range s.Messages() {
		msg, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatalf("mail to %v: %v", m.To, err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("mail to %v: subject: %v", m.To, err)
		}
		body, err := mailText(msg.Header.Get("Content-Type"), msg.Body)
		if err != nil {
			t.Fatalf("mail %q: %v", subject, err)
		}
		out = append(out, sentMail{to: m.To, from: m.From, subject: subject, body: body, user: m.User})
	}
	return out
}

// mailText is the text of a message body: its text parts, decoded
// (mime/multipart decodes quoted-printable parts itself).
func mailText(contentType string, r io.Reader) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("content type %q: %w", contentType, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := io.ReadAll(r)
		return string(b), err
	}
	var text strings.Builder
	mr := multipart.NewReader(r, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return text.String(), nil
		}
		if err != nil {
			return "", err
		}
		s, err := mailText(p.Header.Get("Content-Type"), p)
		if err != nil {
			return "", err
		}
		text.WriteString(s)
	}
}

// mailsTo are the mails to addr whose body contains substr.
func mailsTo(ms []sentMail, addr, substr string) []sentMail {
	var out []sentMail
	for _, m := range ms {
		if slices.Contains(m.to, addr) && strings.Contains(m.body, substr) {
			out = append(out, m)
		}
	}
	return out
}

func subjects(ms []sentMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%v %q", m.to, m.subject))
	}
	return out
}

// TestAlertmanagerInCompose checks that docker-compose.yml runs
// Alertmanager on the shipped configuration and that Prometheus sends its
// alerts there.
func TestAlertmanagerInCompose(t *testing.T) {
	var c struct {
		Services map[string]struct {
			Command []string
			Volumes []string
			Secrets []string
		}
		Secrets map[string]struct{ File string }
	}
	readYAML(t, composeFile, &c)
	am, ok := c.Services["alertmanager"]
	if !ok {
		t.Fatalf("%s has no alertmanager service", composeFile)
	}
	dir := "./" + filepath.Dir(alertmanagerYAML)
	if !slices.Contains(am.Volumes, dir+":/etc/alertmanager:ro") || !slices.Contains(am.Command, "--config.file=/etc/alertmanager/"+filepath.Base(alertmanagerYAML)) {
		t.Errorf("alertmanager service mounts %v and runs %v; want %s at /etc/alertmanager and --config.file=/etc/alertmanager/%s", am.Volumes, am.Command, dir, filepath.Base(alertmanagerYAML))
	}
	var cfg struct {
		Global struct {
			PasswordFile string `yaml:"smtp_auth_password_file"`
		}
	}
	readYAML(t, alertmanagerYAML, &cfg)
	if !slices.Contains(am.Secrets, "smtp_password") || c.Secrets["smtp_password"].File == "" || cfg.Global.PasswordFile != "/run/secrets/smtp_password" {
		t.Errorf("the relay's password: service secrets %v, compose secrets %v, smtp_auth_password_file %q; want the secret smtp_password at /run/secrets/smtp_password", am.Secrets, c.Secrets, cfg.Global.PasswordFile)
	}

	var pc struct {
		Alerting struct {
			Alertmanagers []struct {
				StaticConfigs []struct{ Targets []string } `yaml:"static_configs"`
			}
		}
	}
	readYAML(t, prometheusYAML, &pc)
	var targets []string
	for _, a := range pc.Alerting.Alertmanagers {
		for _, sc := range a.StaticConfigs {
			targets = append(targets, sc.Targets...)
		}
	}
	if !slices.Equal(targets, []string{"alertmanager:9093"}) {
		t.Errorf("%s sends alerts to %v, want the compose service alertmanager:9093", prometheusYAML, targets)
	}
}
