// Package mailer sends helhed's e-mails: through SMTP when SMTP_URL is set
// (go-mail; TLS required unless SMTP_INSECURE_PLAIN), otherwise as .eml files in DATA_DIR/outbox, which is what dev
// and the tests read. Every message carries an idempotency key, so an
// activity retried after a send does not mail twice.
package mailer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"helhed/fsutil"
	"helhed/mail"
)

// Marker remembers which keys were sent, across retries and replicas
// (Redis in production; see store).
type Marker interface {
	Sent(ctx context.Context, key string) (bool, error)
	MarkSent(ctx context.Context, key string) error
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Settings choose where mail goes.
type Settings struct {
	// SMTPURL is smtp://[user:pass@]host[:port] (STARTTLS, which must
	// succeed) or smtps://… (implicit TLS); empty writes to OutboxDir.
	SMTPURL string
	// SMTPInsecurePlain lets smtp:// go on without TLS when the server
	// offers none (SMTP_INSECURE_PLAIN), for a relay on a trusted network.
	SMTPInsecurePlain bool
	// SMTPCAFile is a PEM file of authorities trusted for the server's
	// certificate besides the system's (SMTP_CA_FILE).
	SMTPCAFile string
	From       string
	OutboxDir  string
}

// New returns an SMTP sender for s.SMTPURL, or an outbox sender writing to
// s.OutboxDir when it is empty.
func New(s Settings, marker Marker) (Sender, error) {
	if s.SMTPURL == "" {
		if err := os.MkdirAll(s.OutboxDir, 0o750); err != nil {
			return nil, fmt.Errorf("create outbox %s: %w", s.OutboxDir, err)
		}
		return &Outbox{Dir: s.OutboxDir, From: s.From}, nil
	}
	return newSMTP(s, marker)
}

var keyUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName is the outbox file name of a key. A key with characters a file
// name cannot hold gets them replaced and a short hash of the whole key
// appended, so "a/b" and "a_b" never share a file (and so never suppress
// each other's send).
func FileName(key string) string {
	safe := keyUnsafe.ReplaceAllString(key, "_")
	if safe == key {
		return safe + ".eml"
	}
	sum := sha256.Sum256([]byte(key))
	return safe + "-" + hex.EncodeToString(sum[:4]) + ".eml"
}

// MessageID is the Message-ID (without angle brackets) of the message
// keyed key: a receiving server, or a test, recognises a resend by it.
func MessageID(key string) string { return keyUnsafe.ReplaceAllString(key, ".") + "@helhed" }

func build(from string, m mail.Message) (*gomail.Msg, error) {
	if m.Key == "" {
		return nil, errors.New("mail: message without key")
	}
	if len(m.To) == 0 {
		return nil, fmt.Errorf("mail %s: no recipient", m.Key)
	}
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail %s: MAIL_FROM %q: %w", m.Key, from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("mail %s: recipient: %w", m.Key, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(MessageID(m.Key))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	attachments := m.Attachments
	if m.Invite != nil {
		attachments = append(attachments, m.Invite.Attachment())
	}
	for _, a := range attachments {
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, fmt.Errorf("mail %s: attach %s: %w", m.Key, a.Name, err)
		}
	}
	return msg, nil
}

// Outbox writes each message once as DIR/<key>.eml.
type Outbox struct {
	Dir  string
	From string
}

// Send writes the message unless a file for its key exists.
func (o *Outbox) Send(_ context.Context, m mail.Message) error {
	msg, err := build(o.From, m)
	if err != nil {
		return err
	}
	path := filepath.Join(o.Dir, FileName(m.Key))
	if _, err := os.Stat(path); err == nil {
		return nil // sent before this retry
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return fmt.Errorf("mail %s: render: %w", m.Key, err)
	}
	// Write then rename, so a reader never sees half a message.
	if err := fsutil.WriteAtomic(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("mail %s: %w", m.Key, err)
	}
	return nil
}

// SMTP sends through a server; Marker makes retries idempotent.
type SMTP struct {
	client *gomail.Client
	from   string
	marker Marker
	// server is host:port and how it is reached, for messages; it never
	// holds the password.
	server        string
	startTLS      bool // smtp:// with STARTTLS required
	insecurePlain bool
}

func newSMTP(set Settings, marker Marker) (*SMTP, error) {
	u, err := url.Parse(set.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		// The URL is not echoed: it may carry the password.
		return nil, errors.New("SMTP_URL: want smtp://[user:pass@]host[:port] (STARTTLS) or smtps://[user:pass@]host[:port] (implicit TLS)")
	}
	if u.Scheme == "smtps" && set.SMTPInsecurePlain {
		return nil, errors.New("SMTP_INSECURE_PLAIN=true with an smtps:// SMTP_URL: smtps is always TLS; unset SMTP_INSECURE_PLAIN")
	}
	tlsConfig := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if set.SMTPCAFile != "" {
		if tlsConfig.RootCAs, err = caPool(set.SMTPCAFile); err != nil {
			return nil, err
		}
	}
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second), gomail.WithTLSConfig(tlsConfig)}
	port := 25
	switch {
	case u.Scheme == "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case set.SMTPInsecurePlain:
		// A trusted relay (a local Mailpit, an internal relay) may speak
		// plain SMTP; STARTTLS is still used when offered.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL port %q: %w", p, err)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	return &SMTP{client: client, from: set.From, marker: marker, server: net.JoinHostPort(u.Hostname(), strconv.Itoa(port)),
		startTLS: u.Scheme == "smtp" && !set.SMTPInsecurePlain, insecurePlain: set.SMTPInsecurePlain}, nil
}

// caPool is the system's authorities plus those in file.
func caPool(file string) (*x509.CertPool, error) {
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("SMTP_CA_FILE: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("SMTP_CA_FILE %s: no PEM certificate in it", file)
	}
	return pool, nil
}

// String says where mail goes and how it is protected, without the
// password (the start banner shows it).
func (s *SMTP) String() string {
	switch {
	case s.startTLS:
		return "SMTP to " + s.server + " (STARTTLS required)"
	case s.insecurePlain:
		return "SMTP to " + s.server + " (SMTP_INSECURE_PLAIN: TLS only if offered)"
	default:
		return "SMTP to " + s.server + " (implicit TLS)"
	}
}

// Send delivers the message unless its key was sent before. Once the
// message is delivered, marking it is retried until ctx ends (the
// activity's timeout), so a Redis outage shorter than that does not make
// the retried activity send again. A crash between delivery and marking,
// or an outage outlasting the activity, can still send twice: the
// at-least-once edge SMTP leaves.
func (s *SMTP) Send(ctx context.Context, m mail.Message) error {
	if s.marker != nil {
		sent, err := s.marker.Sent(ctx, m.Key)
		if err != nil {
			return fmt.Errorf("mail %s: check sent: %w", m.Key, err)
		}
		if sent {
			return nil
		}
	}
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail %s: %s: %w", m.Key, s.explain(err), err)
	}
	if s.marker != nil {
		if err := markDelivered(ctx, s.marker, m.Key); err != nil {
			return fmt.Errorf("mail %s: delivered, but not marked sent (a retry may send it again): %w", m.Key, err)
		}
	}
	return nil
}

// markDelivered marks a delivered key, retrying with backoff until it
// succeeds or ctx ends.
func markDelivered(ctx context.Context, marker Marker, key string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Minute)
		defer cancel()
	}
	wait := 100 * time.Millisecond
	for {
		err := marker.MarkSent(ctx, key)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// Ping connects to the server as Send does (EHLO, STARTTLS or implicit
// TLS as required, AUTH) and says NOOP, sending nothing: /healthz's mail
// check.
func (s *SMTP) Ping(ctx context.Context) error {
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.explain(err), err)
	}
	err = c.Noop()
	if closeErr := s.client.CloseWithSMTPClient(c); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.explain(err), err)
	}
	return nil
}

// explain names the server and, for a TLS failure, the setting to look at.
// go-mail says "does not support STARTTLS" when a server offers none.
func (s *SMTP) explain(err error) string {
	var certErr *tls.CertificateVerificationError
	switch {
	case s.startTLS && strings.Contains(err.Error(), "does not support STARTTLS"):
		return "smtp " + s.server + " offers no STARTTLS and SMTP_URL requires TLS (use a relay with STARTTLS, smtps://, " +
			"or set SMTP_INSECURE_PLAIN=true for a relay on a trusted network)"
	case errors.As(err, &certErr):
		return "smtp " + s.server + ": its TLS certificate is not trusted (add its CA with SMTP_CA_FILE)"
	default:
		return "smtp " + s.server
	}
}

// Recipients lists addresses without revealing them in logs.
func Recipients(to []string) string { return strconv.Itoa(len(to)) + " recipient(s)" }
