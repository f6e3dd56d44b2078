// Package config reads helhed's settings from the environment (listed in
// docs/interfaces.md) and checks them before anything starts, so a bad
// setting is one clear message naming the variable to change.
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
	"strconv"
	"strings"

	"github.com/sethvargo/go-envconfig"

	"helhed/fsutil"
	"helhed/pseudonym"
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
	// DocumentStore is where reports, meeting documents, absence notes and
	// kept arrears lists go: unset, files under DATA_DIR (one process);
	// postgres://user:pass@host:5432/db, a database every replica reaches.
	// It holds a secret: never echo it.
	DocumentStore string `env:"DOCUMENT_STORE"`
	// TrustedProxies are the reverse proxies (comma-separated CIDRs or
	// addresses) whose X-Forwarded-For is believed; none by default, so the
	// client address is the peer's.
	TrustedProxies []string `env:"TRUSTED_PROXIES"`
	// MailMode is "smtp" or "outbox". Unset, it is smtp when SMTP_URL is
	// set and outbox under -dev; without -dev, writing mail to files must
	// be chosen explicitly (MAIL_MODE=outbox), so a forgotten SMTP_URL
	// never silently keeps partners' mail on disk.
	MailMode string `env:"MAIL_MODE"`
	MailFrom string `env:"MAIL_FROM, default=helhedsplan@example.invalid"`
	// OperatorToken is the shared operator token: the operator API's
	// bearer token and the pages' login when no identity provider is set;
	// with OIDC_ISSUER only under -dev or with OPERATOR_BREAK_GLASS.
	OperatorToken string `env:"OPERATOR_TOKEN"`
	// BreakGlass keeps OPERATOR_TOKEN working beside OIDC_ISSUER outside
	// -dev, for when the identity provider is down. It acts as
	// sekretariat.
	BreakGlass bool `env:"OPERATOR_BREAK_GLASS, default=false"`

	// OIDCIssuer is the municipality's identity provider (OpenID Connect
	// issuer URL); set, operators sign in there and the API takes its
	// JWTs.
	OIDCIssuer   string `env:"OIDC_ISSUER"`
	OIDCClientID string `env:"OIDC_CLIENT_ID"`
	// OIDCClientSecret holds a secret: never echo it. OIDCClientSecretFile
	// is a file holding it instead.
	OIDCClientSecret     string `env:"OIDC_CLIENT_SECRET"`
	OIDCClientSecretFile string `env:"OIDC_CLIENT_SECRET_FILE"`
	// OIDCAudience is the "aud" the API's bearer JWTs must carry [the
	// client id].
	OIDCAudience string `env:"OIDC_AUDIENCE"`
	// OIDCRoleClaim names the claim listing the person's roles (or
	// groups); OIDCRoles maps helhed's roles to its values,
	// "sekretariat:helhed-sek,sagsbehandler:helhed-sag,…" (a role may be
	// named more than once); unset, the values are the role names.
	OIDCRoleClaim string   `env:"OIDC_ROLE_CLAIM, default=roles"`
	OIDCRoles     []string `env:"OIDC_ROLES"`
	// OIDCOrgClaim names the claim listing a case worker's housing
	// organisations (plan ids).
	OIDCOrgClaim string `env:"OIDC_ORG_CLAIM, default=organisations"`
	// PayloadKey is the base64 AES-256 key that encrypts new payloads,
	// and nothing else: only the workers hold it.
	PayloadKey string `env:"PAYLOAD_KEY"`
	// PayloadKeysOld are earlier keys (comma-separated base64) still
	// accepted for decryption while histories written with them live.
	PayloadKeysOld []string `env:"PAYLOAD_KEYS_OLD"`
	// TokenSecret (base64 of 32 bytes) keys the links the workers hand
	// out: partner portal links and their forms' CSRF tokens, calendar
	// feed links.
	TokenSecret string `env:"TOKEN_SECRET"`
	// TokenSecretsOld are earlier token secrets (comma-separated base64):
	// links made under them keep working until they are removed.
	TokenSecretsOld []string `env:"TOKEN_SECRETS_OLD"`
	// PseudonymKey (base64, ≥ 32 bytes) keys the pseudonymous tenancy and
	// pupil ids. It is never rotated: a new key gives every tenancy a new
	// id (see PseudonymKeyFile).
	PseudonymKey string `env:"PSEUDONYM_KEY"`
	StatbankURL  string `env:"STATBANK_URL, default=https://api.statbank.dk/v1"`
	// UIAddr is where -dev serves the Temporal UI; empty turns it off.
	UIAddr string `env:"TEMPORAL_UI_ADDR, default=127.0.0.1:8233"`
	// UIOrigin is the Temporal UI's origin (scheme://host[:port], as the
	// browser shows it) whose pages may call the codec server
	// (/operator/codec) with the operator's cookie. Under -dev it defaults
	// to the embedded UI's; unset otherwise, no browser may call it.
	UIOrigin string `env:"TEMPORAL_UI_ORIGIN"`
	LogLevel string `env:"LOG_LEVEL, default=info"`
	// WorkerCache is how many workflows the worker keeps in memory between
	// their tasks (the SDK's sticky cache; a workflow not in it replays its
	// history on its next task). Unset, it is sized from the memory the
	// process may use (DefaultWorkerCacheSize).
	WorkerCache string `env:"WORKER_CACHE_SIZE"`

	// Proxies are TRUSTED_PROXIES parsed.
	Proxies []netip.Prefix
	// WorkerCacheSize is WORKER_CACHE_SIZE parsed, or the default.
	WorkerCacheSize int

	// Dev is set by the -dev flag, not the environment.
	Dev bool
	// Generated lists what Load made up under -dev (operator token,
	// payload key, token secret, pseudonym key; kept under DATA_DIR), so
	// the caller can tell the user.
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
	TokenSecretFile   = "token.secret"
	// PseudonymKeyFile is first written with the key derived from the
	// payload key, the one -dev used before PSEUDONYM_KEY was kept, so the
	// cases of an existing DATA_DIR keep their ids.
	PseudonymKeyFile = "pseudonym.key"
)

func (c *Config) complete() error {
	if c.OIDCClientSecretFile != "" && c.OIDCClientSecret == "" {
		b, err := os.ReadFile(c.OIDCClientSecretFile)
		if err != nil {
			return &Error{"OIDC_CLIENT_SECRET_FILE", fmt.Sprintf("cannot read: %v", err)}
		}
		c.OIDCClientSecret = strings.TrimSpace(string(b))
	}
	if c.OIDCAudience == "" {
		c.OIDCAudience = c.OIDCClientID
	}
	if !c.Dev {
		return nil
	}
	if c.OperatorToken == "" {
		// Kept, so an operator's exported token works after a restart.
		token, err := devSecret(c.DataDir, OperatorTokenFile, random(hex.EncodeToString, 24))
		if err != nil {
			return err
		}
		c.OperatorToken = token
		c.Generated = append(c.Generated, "OPERATOR_TOKEN")
	}
	if c.PayloadKey == "" {
		// Losing it makes the dev histories unreadable.
		key, err := devSecret(c.DataDir, PayloadKeyFile, random(base64.StdEncoding.EncodeToString, 32))
		if err != nil {
			return err
		}
		c.PayloadKey = key
		c.Generated = append(c.Generated, "PAYLOAD_KEY")
	}
	if c.TokenSecret == "" {
		// Losing it ends the portal and calendar links handed out.
		secret, err := devSecret(c.DataDir, TokenSecretFile, random(base64.StdEncoding.EncodeToString, 32))
		if err != nil {
			return err
		}
		c.TokenSecret = secret
		c.Generated = append(c.Generated, "TOKEN_SECRET")
	}
	if c.PseudonymKey == "" {
		key, err := devSecret(c.DataDir, PseudonymKeyFile, func() (string, error) {
			payloadKey, err := DecodeKey(c.PayloadKey)
			if err != nil {
				return "", &Error{"PAYLOAD_KEY", err.Error()}
			}
			return base64.StdEncoding.EncodeToString(pseudonym.DeriveKey(payloadKey, "v1")), nil
		})
		if err != nil {
			return err
		}
		c.PseudonymKey = key
		c.Generated = append(c.Generated, "PSEUDONYM_KEY")
	}
	return nil
}

// random makes a secret of size random bytes, encoded by encode.
func random(encode func([]byte) string, size int) func() (string, error) {
	return func() (string, error) {
		raw := make([]byte, size)
		if _, err := rand.Read(raw); err != nil {
			return "", fmt.Errorf("generate a secret: %w", err)
		}
		return encode(raw), nil
	}
}

// devSecret returns the secret kept in DATA_DIR/name, making it with
// generate on first use. It is never regenerated over an existing file.
func devSecret(dataDir, name string, generate func() (string, error)) (string, error) {
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", &Error{"DATA_DIR", fmt.Sprintf("read %s: %v", path, err)}
	}
	secret, err := generate()
	if err != nil {
		return "", err
	}
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
	switch {
	case c.OIDCIssuer == "" && c.OperatorToken == "":
		errs = append(errs, &Error{"OPERATOR_TOKEN", "required without -dev or OIDC_ISSUER (the operator API's bearer token)"})
	case c.OperatorToken != "" && len(c.OperatorToken) < 16:
		errs = append(errs, &Error{"OPERATOR_TOKEN", "must be at least 16 characters"})
	case c.OIDCIssuer != "" && c.OperatorToken != "" && !c.Dev && !c.BreakGlass:
		errs = append(errs, &Error{"OPERATOR_TOKEN", "set together with OIDC_ISSUER: the shared token is off when operators sign in with the identity provider; unset it, or set OPERATOR_BREAK_GLASS=true to keep it for emergencies"})
	case c.BreakGlass && c.OperatorToken == "":
		errs = append(errs, &Error{"OPERATOR_BREAK_GLASS", "true without OPERATOR_TOKEN: set the break-glass token in OPERATOR_TOKEN"})
	}
	errs = append(errs, c.validateOIDC()...)
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
	errs = append(errs, c.validateSeparateKeys()...)
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
	if c.UIOrigin != "" {
		if u, err := url.Parse(c.UIOrigin); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, &Error{"TEMPORAL_UI_ORIGIN", fmt.Sprintf("%q is not an origin: scheme://host[:port] without a path, e.g. https://temporal.example.org", c.UIOrigin)})
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
	if c.WorkerCache == "" {
		c.WorkerCacheSize = DefaultWorkerCacheSize(memoryLimit())
	} else if n, err := strconv.Atoi(strings.TrimSpace(c.WorkerCache)); err != nil || n < 1 || n > MaxWorkerCacheSize {
		errs = append(errs, &Error{"WORKER_CACHE_SIZE", fmt.Sprintf("%q: want a number of workflows kept in memory, 1–%d (unset: sized from the memory)", c.WorkerCache, MaxWorkerCacheSize)})
	} else {
		c.WorkerCacheSize = n
	}
	if c.DocumentStore != "" {
		// The value is not echoed: it may carry the password.
		if u, err := url.Parse(c.DocumentStore); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			errs = append(errs, &Error{"DOCUMENT_STORE", "not postgres://user:pass@host:5432/database (unset it to keep documents under DATA_DIR)"})
		}
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

// validateSeparateKeys checks TOKEN_SECRET(S_OLD) and PSEUDONYM_KEY, and
// that neither repeats PAYLOAD_KEY: each can then be handed out, rotated
// or lost without the others.
func (c *Config) validateSeparateKeys() []error {
	var errs []error
	switch _, err := DecodeKey(c.TokenSecret); {
	case c.TokenSecret == "":
		errs = append(errs, &Error{"TOKEN_SECRET", "required without -dev (base64 of 32 random bytes, e.g. `openssl rand -base64 32`): it keys the partner portal and calendar links; to keep the links made before it existed working, list the PAYLOAD_KEY they were made under in TOKEN_SECRETS_OLD"})
	case err != nil:
		errs = append(errs, &Error{"TOKEN_SECRET", err.Error()})
	case sameKey(c.TokenSecret, c.PayloadKey):
		errs = append(errs, &Error{"TOKEN_SECRET", "equals PAYLOAD_KEY: give it a value of its own (`openssl rand -base64 32`)"})
	}
	for i, k := range c.TokenSecretsOld {
		if _, err := DecodeKey(k); err != nil {
			errs = append(errs, &Error{"TOKEN_SECRETS_OLD", fmt.Sprintf("secret %d: %v", i+1, err)})
		}
	}
	switch k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.PseudonymKey)); {
	case c.PseudonymKey == "":
		errs = append(errs, &Error{"PSEUDONYM_KEY", "required without -dev (base64 of at least 32 random bytes, e.g. `openssl rand -base64 32`); it is never changed afterwards. A deployment that ran without it used a key derived from PAYLOAD_KEY: set that one (README: Keys) to keep the cases' ids"})
	case err != nil:
		errs = append(errs, &Error{"PSEUDONYM_KEY", "not valid base64"})
	case len(k) < 32:
		errs = append(errs, &Error{"PSEUDONYM_KEY", fmt.Sprintf("decodes to %d bytes, want at least 32", len(k))})
	case sameKey(c.PseudonymKey, c.PayloadKey) || sameKey(c.PseudonymKey, c.TokenSecret):
		errs = append(errs, &Error{"PSEUDONYM_KEY", "equals PAYLOAD_KEY or TOKEN_SECRET: give it a value of its own"})
	}
	return errs
}

// sameKey reports whether two base64 settings hold the same bytes.
func sameKey(a, b string) bool {
	ka, errA := base64.StdEncoding.DecodeString(strings.TrimSpace(a))
	kb, errB := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
	return errA == nil && errB == nil && len(ka) > 0 && string(ka) == string(kb)
}

// TokenSecrets returns the current token secret first, then the old ones.
func (c *Config) TokenSecrets() ([][]byte, error) {
	var secrets [][]byte
	for _, s := range append([]string{c.TokenSecret}, c.TokenSecretsOld...) {
		k, err := DecodeKey(s)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, k)
	}
	return secrets, nil
}

// PseudonymKeyBytes returns PSEUDONYM_KEY decoded.
func (c *Config) PseudonymKeyBytes() ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.PseudonymKey))
	if err != nil {
		return nil, errors.New("not valid base64")
	}
	if err := pseudonym.CheckKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

// validateOIDC checks the identity provider's settings (OIDC_*).
func (c *Config) validateOIDC() []error {
	if c.OIDCIssuer == "" {
		for _, s := range []struct{ name, v string }{{"OIDC_CLIENT_ID", c.OIDCClientID}, {"OIDC_CLIENT_SECRET", c.OIDCClientSecret}} {
			if s.v != "" {
				return []error{&Error{s.name, "set without OIDC_ISSUER: set the identity provider's issuer URL too, or unset it"}}
			}
		}
		return nil
	}
	var errs []error
	if u, err := url.Parse(c.OIDCIssuer); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
		errs = append(errs, &Error{"OIDC_ISSUER", fmt.Sprintf("%q is not an https URL (http only for a provider on this machine)", c.OIDCIssuer)})
	}
	if c.OIDCClientID == "" {
		errs = append(errs, &Error{"OIDC_CLIENT_ID", "required with OIDC_ISSUER (the client registered for helhed at the identity provider)"})
	}
	if c.OIDCClientSecret == "" {
		errs = append(errs, &Error{"OIDC_CLIENT_SECRET", "required with OIDC_ISSUER (or OIDC_CLIENT_SECRET_FILE)"})
	}
	if c.OIDCRoleClaim == "" {
		errs = append(errs, &Error{"OIDC_ROLE_CLAIM", "must not be empty"})
	}
	for _, pair := range c.OIDCRoles {
		role, value, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || role == "" || value == "" {
			errs = append(errs, &Error{"OIDC_ROLES", fmt.Sprintf("%q is not role:claim-value (e.g. sekretariat:helhed-sek)", pair)})
		}
	}
	if u, err := url.Parse(c.PublicURL); err == nil && u.Scheme != "https" && !loopback(u.Hostname()) {
		errs = append(errs, &Error{"PUBLIC_URL", "must be https with OIDC_ISSUER: the provider sends the sign-in back to PUBLIC_URL/operator/oidc/callback"})
	}
	return errs
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// OIDC reports whether operators sign in with an identity provider.
func (c *Config) OIDC() bool { return c.OIDCIssuer != "" }

// SharedToken is the shared operator token when it opens the API and
// pages: without an identity provider, under -dev, or as break-glass;
// otherwise "".
func (c *Config) SharedToken() string {
	if c.OIDC() && !c.Dev && !c.BreakGlass {
		return ""
	}
	return c.OperatorToken
}
