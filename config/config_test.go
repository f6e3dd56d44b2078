package config

import (
	"context"
	"encoding/base64"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sethvargo/go-envconfig"
)

var validKey = base64.StdEncoding.EncodeToString(make([]byte, 32))

// Valid TOKEN_SECRET and PSEUDONYM_KEY values, each its own.
var (
	validTokenSecret  = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("t", 32)))
	validPseudonymKey = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("p", 32)))
)

// load is Load on env; -dev keeps its secrets in a temporary DATA_DIR
// unless env names one, never in the source tree. Without -dev, env gets
// valid TOKEN_SECRET and PSEUDONYM_KEY unless it names them (as "" to
// leave one out), so each test is about its own settings.
func load(t *testing.T, env map[string]string, dev bool) (*Config, error) {
	t.Helper()
	env = maps.Clone(env)
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["DATA_DIR"]; dev && !ok {
		env["DATA_DIR"] = t.TempDir()
	}
	for k, v := range map[string]string{"TOKEN_SECRET": validTokenSecret, "PSEUDONYM_KEY": validPseudonymKey} {
		if _, ok := env[k]; !dev && !ok {
			env[k] = v
		}
	}
	return Load(context.Background(), envconfig.MapLookuper(env), dev)
}

func TestDefaults(t *testing.T) {
	cfg, err := load(t, map[string]string{
		"OPERATOR_TOKEN": "0123456789abcdef", "PAYLOAD_KEY": validKey, "REDIS_URL": "redis://127.0.0.1:6379/0", "MAIL_MODE": "outbox",
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TemporalAddress != "127.0.0.1:7233" || cfg.HTTPAddr != "127.0.0.1:8080" ||
		cfg.MetricsAddr != "127.0.0.1:9464" || cfg.DataDir != "./data" || cfg.TemporalNamespace != "default" ||
		cfg.StatbankURL != "https://api.statbank.dk/v1" || cfg.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("defaults wrong: %+v", cfg)
	}
}

func TestWithoutDevSecretsAreRequired(t *testing.T) {
	_, err := load(t, map[string]string{}, false)
	if err == nil {
		t.Fatal("started without secrets")
	}
	for _, want := range []string{"OPERATOR_TOKEN", "PAYLOAD_KEY", "REDIS_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestBadPayloadKeyNamed(t *testing.T) {
	for _, key := range []string{"not base64!", base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		_, err := load(t, map[string]string{"OPERATOR_TOKEN": "0123456789abcdef", "PAYLOAD_KEY": key, "REDIS_URL": "redis://x:1"}, false)
		if err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEY") {
			t.Errorf("key %q: want error naming PAYLOAD_KEY, got %v", key, err)
		}
	}
}

func TestBadAddressesNamed(t *testing.T) {
	_, err := load(t, map[string]string{"HTTP_ADDR": "8080", "PUBLIC_URL": "ftp://x", "SMTP_URL": "http://mail"}, true)
	if err == nil {
		t.Fatal("accepted bad addresses")
	}
	for _, want := range []string{"HTTP_ADDR", "PUBLIC_URL", "SMTP_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestDevGeneratesAndKeepsPayloadKey(t *testing.T) {
	dir := t.TempDir()
	first, err := load(t, map[string]string{"DATA_DIR": dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	if first.OperatorToken == "" || first.PayloadKey == "" {
		t.Fatal("dev did not generate secrets")
	}
	second, err := load(t, map[string]string{"DATA_DIR": dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	if second.PayloadKey != first.PayloadKey {
		t.Fatal("dev payload key changed across restarts; old histories would be unreadable")
	}
	info, err := os.Stat(filepath.Join(dir, PayloadKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("payload.key: %v %v", info, err)
	}
	keys, err := second.PayloadKeys()
	if err != nil || len(keys) != 1 || len(keys[0]) != 32 {
		t.Fatalf("PayloadKeys: %v %v", keys, err)
	}
}

// TestDevKeepsOperatorToken: under -dev the generated operator token is
// kept in DATA_DIR/operator.token (0600), so a shell that exported it keeps
// working after a restart; an explicit OPERATOR_TOKEN wins and leaves the
// file alone.
func TestDevKeepsOperatorToken(t *testing.T) {
	dir := t.TempDir()
	first, err := load(t, map[string]string{"DATA_DIR": dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	second, err := load(t, map[string]string{"DATA_DIR": dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.OperatorToken) < 16 || second.OperatorToken != first.OperatorToken {
		t.Fatalf("dev operator token %q, then %q after a restart; want one kept token", first.OperatorToken, second.OperatorToken)
	}
	if !slices.Contains(second.Generated, "OPERATOR_TOKEN") {
		t.Errorf("Generated %v does not name the kept OPERATOR_TOKEN", second.Generated)
	}
	path := filepath.Join(dir, OperatorTokenFile)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v", OperatorTokenFile, info, err)
	}
	explicit, err := load(t, map[string]string{"DATA_DIR": dir, "OPERATOR_TOKEN": "explicit-token-0123456789"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if explicit.OperatorToken != "explicit-token-0123456789" || slices.Contains(explicit.Generated, "OPERATOR_TOKEN") {
		t.Errorf("explicit OPERATOR_TOKEN lost: got %q, Generated %v", explicit.OperatorToken, explicit.Generated)
	}
	if b, err := os.ReadFile(path); err != nil || strings.TrimSpace(string(b)) != first.OperatorToken {
		t.Errorf("an explicit OPERATOR_TOKEN changed %s: %q, %v", OperatorTokenFile, b, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestMailModeMustBeChosenWithoutDev(t *testing.T) {
	base := map[string]string{"OPERATOR_TOKEN": "0123456789abcdef", "PAYLOAD_KEY": validKey, "REDIS_URL": "redis://127.0.0.1:6379/0"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		dev  bool
		want string // setting named in the error; "" = starts, in mode mode
		mode string
	}{
		{"no SMTP_URL without -dev", with(), false, "SMTP_URL", ""},
		{"outbox chosen", with("MAIL_MODE", "outbox"), false, "", MailOutbox},
		{"smtp", with("SMTP_URL", "smtp://mail:25"), false, "", MailSMTP},
		{"smtp chosen, no URL", with("MAIL_MODE", "smtp"), false, "SMTP_URL", ""},
		{"outbox and a URL", with("MAIL_MODE", "outbox", "SMTP_URL", "smtp://mail:25"), false, "MAIL_MODE", ""},
		{"unknown mode", with("MAIL_MODE", "files"), false, "MAIL_MODE", ""},
		{"dev defaults to outbox", map[string]string{"DATA_DIR": t.TempDir()}, true, "", MailOutbox},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := load(t, c.env, c.dev)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("want an error naming %s, got %v", c.want, err)
			case c.want == "" && cfg.Mail() != c.mode:
				t.Fatalf("mode %s, want %s", cfg.Mail(), c.mode)
			}
		})
	}
}

// TestSMTPURLNeverEchoed: a bad SMTP_URL is named, its password is not
// repeated; SMTP_INSECURE_PLAIN with smtps:// is a contradiction, named.
func TestSMTPURLNeverEchoed(t *testing.T) {
	const secret = "hemmelig-kode-123"
	for _, raw := range []string{"http://u:" + secret + "@mail", "smtp://u:" + secret + "@", "smtp://u:" + secret + "@mail:%zz"} {
		_, err := load(t, map[string]string{"DATA_DIR": t.TempDir(), "SMTP_URL": raw}, true)
		if err == nil || !strings.Contains(err.Error(), "SMTP_URL") {
			t.Errorf("%q: want an error naming SMTP_URL, got %v", raw, err)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("the error echoes the password: %v", err)
		}
	}
	_, err := load(t, map[string]string{"DATA_DIR": t.TempDir(), "SMTP_URL": "smtps://u:" + secret + "@mail", "SMTP_INSECURE_PLAIN": "true"}, true)
	if err == nil || !strings.Contains(err.Error(), "SMTP_INSECURE_PLAIN") || strings.Contains(err.Error(), secret) {
		t.Errorf("smtps with SMTP_INSECURE_PLAIN: %v", err)
	}
	cfg, err := load(t, map[string]string{"DATA_DIR": t.TempDir(), "SMTP_URL": "smtp://u:" + secret + "@mail:587"}, true)
	if err != nil || cfg.SMTPInsecurePlain {
		t.Errorf("TLS is not required by default: %+v %v", cfg, err)
	}
}

func TestTrustedProxies(t *testing.T) {
	cfg, err := load(t, map[string]string{"DATA_DIR": t.TempDir(), "TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7,fd00::/8"}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.7/32", "fd00::/8"}
	if len(cfg.Proxies) != len(want) {
		t.Fatalf("proxies %v, want %v", cfg.Proxies, want)
	}
	for i, p := range cfg.Proxies {
		if p.String() != want[i] {
			t.Errorf("proxy %d: %s, want %s", i, p, want[i])
		}
	}
	if cfg, err := load(t, map[string]string{"DATA_DIR": t.TempDir()}, true); err != nil || len(cfg.Proxies) != 0 {
		t.Errorf("default: %v %v, want no trusted proxy", cfg.Proxies, err)
	}
	_, err = load(t, map[string]string{"DATA_DIR": t.TempDir(), "TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, true)
	if err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") || !strings.Contains(err.Error(), "proxy.local") {
		t.Errorf("bad TRUSTED_PROXIES: %v", err)
	}
}

func TestUIOriginMustBeAnOrigin(t *testing.T) {
	for _, bad := range []string{"temporal.example.org", "https://temporal.example.org/", "https://temporal.example.org/ui", "ftp://temporal.example.org"} {
		_, err := load(t, map[string]string{"TEMPORAL_UI_ORIGIN": bad}, true)
		if err == nil || !strings.Contains(err.Error(), "TEMPORAL_UI_ORIGIN") {
			t.Errorf("%q: want an error naming TEMPORAL_UI_ORIGIN, got %v", bad, err)
		}
	}
	for _, good := range []string{"https://temporal.example.org", "http://127.0.0.1:8233"} {
		cfg, err := load(t, map[string]string{"TEMPORAL_UI_ORIGIN": good}, true)
		if err != nil {
			t.Errorf("%q: %v", good, err)
		} else if cfg.UIOrigin != good {
			t.Errorf("%q read as %q", good, cfg.UIOrigin)
		}
	}
}

func TestBadDocumentStoreNamed(t *testing.T) {
	for _, v := range []string{"s3://bucket", "postgres://secret@", "postgres://u:hemmelig@db:5432/", "/var/lib/docs"} {
		_, err := load(t, map[string]string{"DOCUMENT_STORE": v}, true)
		if err == nil || !strings.Contains(err.Error(), "DOCUMENT_STORE") {
			t.Errorf("%q: want an error naming DOCUMENT_STORE, got %v", v, err)
		} else if strings.Contains(err.Error(), "hemmelig") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error echoes the secret: %v", v, err)
		}
	}
	if _, err := load(t, map[string]string{"DATA_DIR": t.TempDir(), "DOCUMENT_STORE": "postgres://helhed:pw@db:5432/helhed_documents?sslmode=require"}, true); err != nil {
		t.Errorf("a PostgreSQL URL refused: %v", err)
	}
}
