// Package mailer sends helhed's e-mails: through SMTP when SMTP_URL is set
// (go-mail), otherwise as .eml files in DATA_DIR/outbox, which is what dev
// and the tests read. Every message carries an idempotency key, so an
// activity retried after a send does not mail twice.
package mailer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// New returns an SMTP sender for smtpURL, or an outbox sender writing to
// outboxDir when smtpURL is empty.
func New(smtpURL, from, outboxDir string, marker Marker) (Sender, error) {
	if smtpURL == "" {
		if err := os.MkdirAll(outboxDir, 0o750); err != nil {
			return nil, fmt.Errorf("create outbox %s: %w", outboxDir, err)
		}
		return &Outbox{Dir: outboxDir, From: from}, nil
	}
	return newSMTP(smtpURL, from, marker)
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
}

func newSMTP(raw, from string, marker Marker) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP_URL %q: want smtp://[user:pass@]host[:port] or smtps://…", raw)
	}
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second)}
	port := 25
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		// Local relays such as Mailpit speak plain SMTP; STARTTLS is used
		// when the server offers it.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
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
	return &SMTP{client: client, from: from, marker: marker}, nil
}

// Send delivers the message unless its key was sent before. A crash
// between delivery and marking can still send twice; that is the
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
		return fmt.Errorf("mail %s: smtp: %w", m.Key, err)
	}
	if s.marker != nil {
		if err := s.marker.MarkSent(ctx, m.Key); err != nil {
			return fmt.Errorf("mail %s: mark sent: %w", m.Key, err)
		}
	}
	return nil
}

// Recipients lists addresses without revealing them in logs.
func Recipients(to []string) string { return strconv.Itoa(len(to)) + " recipient(s)" }
