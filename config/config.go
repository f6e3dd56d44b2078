// Package config reads helhed's settings from the environment (DESIGN.md §8)
// and checks them before anything starts, so a bad setting is one clear
// message naming the variable to change.
package config

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/sethvargo/go-envconfig"

	"helhed/fsutil"
)

// Config is every setting the workers and starter read.
type Config struct {
	TemporalAddress   string `env:"TEMPORAL_ADDRESS, default=127.0.0.1:7233"`
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE, default=default"`
	RedisURL          string `env:"REDIS_URL"`
	HTTPAddr          string `env:"HTTP_ADDR, default=127.0.0.1:8080"`
	MetricsAddr       string `env:"METRICS_ADDR, default=127.0.0.1:9464"`
	DataDir           string `env:"DATA_DIR, default=./data"`
	PlanFile          string `env:"PLAN_FILE"`
	PublicURL         string `env:"PUBLIC_URL, default=http://127.0.0.1:8080"`
	// SMTPURL is smtp://[user:pass@]host[:port] (STARTTLS required) or
	// smtps://… (implicit TLS). It holds a secret: never echo it.
	SMTPURL string `env:"SMTP_URL"`
	// SMTPInsecurePlain lets smtp:// go on without TLS when the server
	// offers no STARTTLS: only for a relay on a trusted network.
	SMTPInsecurePlain bool `env:"SMTP_INSECURE_PLAIN, default=false"`
	// SMTPCAFile is a PEM file of authorities trusted for the SMTP server's
	// certificate besides the system's (an internal CA).
	SMTPCAFile string `env:"SMTP_CA_FILE"`
	// TrustedProxies are the reverse proxies (comma-separated CIDRs or
	// addresses) whose X-Forwarded-For is believed; none by default, so the
	// client address is the peer's.
	TrustedProxies []string `env:"TRUSTED_PROXIES"`
	// MailMode is "smtp" or "outbox". Unset, it is smtp when SMTP_URL is
	// set and outbox under -dev; without -dev, writing mail to files must
	// be chosen explicitly (MAIL_MODE=outbox), so a forgotten SMTP_URL
	// never silently keeps partners' mail on disk.
	MailMode      string `env:"MAIL_MODE"`
	MailFrom      string `env:"MAIL_FROM, default=helhedsplan@example.invalid"`
	OperatorToken string `env:"OPERATOR_TOKEN"`
	// PayloadKey is the base64 AES-256 key that encrypts new payloads.
	PayloadKey string `env:"PAYLOAD_KEY"`
	// PayloadKeysOld are earlier keys (comma-separated base64) still
	// accepted for decryption while histories written with them live.
	PayloadKeysOld []string `env:"PAYLOAD_KEYS_OLD"`
	// PseudonymKey (base64, ≥ 32 bytes) keys the pseudonymous tenancy and
	// pupil ids. It must outlive PAYLOAD_KEY rotations; unset, a key is
	// derived from the current PAYLOAD_KEY.
	PseudonymKey string `env:"PSEUDONYM_KEY"`
	StatbankURL  string `env:"STATBANK_URL, default=https://api.statbank.dk/v1"`
	// UIAddr is where -dev serves the Temporal UI; empty turns it off.
	UIAddr   string `env:"TEMPORAL_UI_ADDR, default=127.0.0.1:8233"`
	LogLevel string `env:"LOG_LEVEL, default=info"`

	// Proxies are TRUSTED_PROXIES parsed.
	Proxies []netip.Prefix

	// Dev is set by the -dev flag, not the environment.
	Dev bool
	// Generated lists what Load made up under -dev (operator token,
	// payload key; kept under DATA_DIR), so the caller can tell the user.
	Generated []string
}

// Error names the setting at fault.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return e.Setting + ": " + e.Problem }

// Load reads the environment through lookuper (nil means the process
// environment). With dev set it fills in what a developer's machine lacks:
// an operator token and a payload key, generated once and kept under
// DATA_DIR so that a restart keeps both (histories stay readable, an
// exported OPERATOR_TOKEN keeps working).
func Load(ctx context.Context, lookuper envconfig.Lookuper, dev bool) (*Config, error) {
	if lookuper == nil {
		lookuper = envconfig.OsLookuper()
	}
	var cfg Config
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &cfg, Lookuper: lookuper}); err != nil {
		return nil, fmt.Errorf("read environment: %w", err)
	}
	cfg.Dev = dev
	if err := cfg.complete(); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// The files under DATA_DIR in which -dev keeps what it generated, so a
// restart keeps the same secrets (and the starter can read them).
const (
	PayloadKeyFile    = "payload.key"
	OperatorTokenFile = "operator.token"
)

func (c *Config) complete() error {
	if !c.Dev {
		return nil
	}
	if c.OperatorToken == "" {
		// Kept, so an operator's exported token works after a restart.
		token, err := devSecret(c.DataDir, OperatorTokenFile, func(b []byte) string { return hex.EncodeToString(b) }, 24)
		if err != nil {
			return err
		}
		c.OperatorToken = token
		c.Generated = append(c.Generated, "OPERATOR_TOKEN")
	}
	if c.PayloadKey == "" {
		// Losing it makes the dev histories unreadable.
		key, err := devSecret(c.DataDir, PayloadKeyFile, base64.StdEncoding.EncodeToString, 32)
		if err != nil {
			return err
		}
		c.PayloadKey = key
		c.Generated = append(c.Generated, "PAYLOAD_KEY")
	}
	return nil
}

// devSecret returns the secret kept in DATA_DIR/name, making it from size
// random bytes (encoded by encode) on first use. It is never regenerated
// over an existing file.
func devSecret(dataDir, name string, encode func([]byte) string, size int) (string, error) {
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", &Error{"DATA_DIR", fmt.Sprintf("read %s: %v", path, err)}
	}
	raw := make([]byte, size)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate %s: %w", name, err)
	}
	secret := encode(raw)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", &Error{"DATA_DIR", fmt.Sprintf("create %s: %v", dataDir, err)}
	}
	if err := fsutil.WriteAtomic(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", &Error{"DATA_DIR", err.Error()}
	}
	return secret, nil
}

func (c *Config) validate() error {
	var errs []error
	if c.OperatorToken == "" {
		errs = append(errs, &Error{"OPERATOR_TOKEN", "required without -dev (the operator API's bearer token)"})
	} else if len(c.OperatorToken) < 16 {
		errs = append(errs, &Error{"OPERATOR_TOKEN", "must be at least 16 characters"})
	}
	if c.PayloadKey == "" {
		errs = append(errs, &Error{"PAYLOAD_KEY", "required without -dev (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)"})
	} else if _, err := DecodeKey(c.PayloadKey); err != nil {
		errs = append(errs, &Error{"PAYLOAD_KEY", err.Error()})
	}
	for i, k := range c.PayloadKeysOld {
		if _, err := DecodeKey(k); err != nil {
			errs = append(errs, &Error{"PAYLOAD_KEYS_OLD", fmt.Sprintf("key %d: %v", i+1, err)})
		}
	}
	for _, a := range []struct{ name, addr string }{
		{"TEMPORAL_ADDRESS", c.TemporalAddress}, {"HTTP_ADDR", c.HTTPAddr},
		{"METRICS_ADDR", c.MetricsAddr}, {"TEMPORAL_UI_ADDR", c.UIAddr},
	} {
		if a.addr == "" && a.name == "TEMPORAL_UI_ADDR" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			errs = append(errs, &Error{a.name, fmt.Sprintf("%q is not host:port", a.addr)})
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, &Error{"PUBLIC_URL", fmt.Sprintf("%q is not an http(s) URL", c.PublicURL)})
	}
	if c.PseudonymKey != "" {
		if k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.PseudonymKey)); err != nil {
			errs = append(errs, &Error{"PSEUDONYM_KEY", "not valid base64"})
		} else if len(k) < 32 {
			errs = append(errs, &Error{"PSEUDONYM_KEY", fmt.Sprintf("decodes to %d bytes, want at least 32", len(k))})
		}
	}
	if c.RedisURL == "" && !c.Dev {
		errs = append(errs, &Error{"REDIS_URL", "required without -dev (e.g. redis://127.0.0.1:6379/0)"})
	}
	if c.SMTPURL != "" {
		// The value is not echoed: it may carry the password.
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			errs = append(errs, &Error{"SMTP_URL", "not smtp://[user:pass@]host[:port] (STARTTLS) or smtps://[user:pass@]host[:port] (implicit TLS)"})
		} else if u.Scheme == "smtps" && c.SMTPInsecurePlain {
			errs = append(errs, &Error{"SMTP_INSECURE_PLAIN", "true with an smtps:// SMTP_URL, which is always TLS: unset SMTP_INSECURE_PLAIN"})
		}
	}
	for _, p := range c.TrustedProxies {
		prefix, err := parseProxy(p)
		if err != nil {
			errs = append(errs, &Error{"TRUSTED_PROXIES", fmt.Sprintf("%q is not a CIDR (10.0.0.0/8) or an IP address", p)})
			continue
		}
		c.Proxies = append(c.Proxies, prefix)
	}
	switch {
	case c.MailMode != "" && c.MailMode != MailSMTP && c.MailMode != MailOutbox:
		errs = append(errs, &Error{"MAIL_MODE", fmt.Sprintf("%q: want smtp or outbox", c.MailMode)})
	case c.MailMode == MailOutbox && c.SMTPURL != "":
		errs = append(errs, &Error{"MAIL_MODE", "outbox together with SMTP_URL: choose one (unset SMTP_URL, or MAIL_MODE)"})
	case c.SMTPURL == "" && c.MailMode == MailSMTP:
		errs = append(errs, &Error{"SMTP_URL", "required with MAIL_MODE=smtp"})
	case c.SMTPURL == "" && !c.Dev && c.MailMode != MailOutbox:
		errs = append(errs, &Error{"SMTP_URL", "required without -dev (smtp://user:pass@host:587); to write e-mail as .eml files under DATA_DIR/outbox instead, set MAIL_MODE=outbox"})
	}
	if c.DataDir == "" {
		errs = append(errs, &Error{"DATA_DIR", "must not be empty"})
	}
	return errors.Join(errs...)
}

// parseProxy reads a CIDR, or an address as a prefix of its full length.
func parseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// Mail modes (MAIL_MODE).
const (
	MailSMTP   = "smtp"
	MailOutbox = "outbox"
)

// Mail is the mode mail is sent in: smtp when SMTP_URL is set, else outbox
// (validate has refused an unset SMTP_URL outside -dev without
// MAIL_MODE=outbox).
func (c *Config) Mail() string {
	if c.SMTPURL != "" {
		return MailSMTP
	}
	return MailOutbox
}

// DecodeKey parses a base64 AES-256 key.
func DecodeKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("not valid base64")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("decodes to %d bytes, want 32", len(key))
	}
	return key, nil
}

// PayloadKeys returns the current key first, then the old ones.
func (c *Config) PayloadKeys() ([][]byte, error) {
	var keys [][]byte
	for _, s := range append([]string{c.PayloadKey}, c.PayloadKeysOld...) {
		k, err := DecodeKey(s)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
