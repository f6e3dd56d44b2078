package mailer_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"helhed/internal/testredis"
	"helhed/internal/testsmtp"
	"helhed/mail"
	"helhed/mailer"
	"helhed/store"
	"helhed/workflows"
)

// TestSMTPSendsEachKeyOnce: through SMTP with the Redis marker production
// uses, a send retried with the same key (a retried SendMail activity, on
// this replica or another) delivers once, and the same business e-mail of
// a new run (a rerun's key) is delivered again.
func TestSMTPSendsEachKeyOnce(t *testing.T) {
	rs, _ := testredis.StartT(t)
	ctx := context.Background()
	rdb, err := store.Open(ctx, rs.URL(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	server := testsmtp.Start(t)
	newSender := func() mailer.Sender {
		s, err := mailer.New(mailer.Settings{SMTPURL: server.URL(), SMTPCAFile: server.CAFile, From: "sekretariat@example.invalid"},
			store.MailMarker{R: rdb})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	key := "crisis/vangdalen/2026-12-04/arson/activated/sekretariatsleder"
	msg := func(run string) mail.Message {
		return mail.Message{Key: workflows.RunMailKey(run, key), To: []string{"leder@example.invalid"},
			Subject: "Aktiveret", Text: "Beredskabsplanen er aktiveret."}
	}
	delivered := func(run string) int { return server.Count("<" + mailer.MessageID(msg(run).Key) + ">") }

	first, other := newSender(), newSender()
	for _, s := range []mailer.Sender{first, first, other} {
		if err := s.Send(ctx, msg("run-1")); err != nil {
			t.Fatal(err)
		}
	}
	if n := delivered("run-1"); n != 1 {
		t.Errorf("a send retried with the same key delivered %d times, want once", n)
	}
	if err := first.Send(ctx, msg("run-2")); err != nil {
		t.Fatal(err)
	}
	if n := delivered("run-2"); n != 1 {
		t.Errorf("the rerun's e-mail delivered %d times, want once", n)
	}
	if n := len(server.Messages()); n != 2 {
		t.Errorf("%d messages delivered, want 2", n)
	}
}

// password is the SMTP password in the tests' URLs; no error or
// description may contain it.
const password = "hemmelig-kode-123"

// withPassword is server's SMTP_URL with user and password.
func withPassword(server *testsmtp.Server) string {
	u, _ := url.Parse(server.URL())
	u.User = url.UserPassword("helhed", password)
	return u.String()
}

func message(key string) mail.Message {
	return mail.Message{Key: key, To: []string{"leder@example.invalid"}, Subject: "Prøve", Text: "Prøve."}
}

// TestSMTPRequiresTLS: smtp:// must get STARTTLS and smtps:// speaks TLS at
// once; both deliver, authenticated, over TLS. A server without STARTTLS
// is refused with an error naming SMTP_INSECURE_PLAIN, and that setting
// lets the message through in plain text. The password shows in no error
// and not in the description the start banner prints.
func TestSMTPRequiresTLS(t *testing.T) {
	ctx := context.Background()
	send := func(t *testing.T, server *testsmtp.Server, set mailer.Settings, key string) error {
		t.Helper()
		set.SMTPURL, set.From = withPassword(server), "sekretariat@example.invalid"
		s, err := mailer.New(set, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := fmt.Sprint(s); strings.Contains(d, password) || !strings.Contains(d, server.Addr) {
			t.Errorf("description %q: want the server's address and no password", d)
		}
		return s.Send(ctx, message(key))
	}
	delivered := func(t *testing.T, server *testsmtp.Server, key string, tls bool) {
		t.Helper()
		var got []testsmtp.Message
		for _, m := range server.Messages() {
			if strings.Contains(m.Data, mailer.MessageID(key)) {
				got = append(got, m)
			}
		}
		if len(got) != 1 || got[0].TLS != tls || got[0].User != "helhed" {
			t.Fatalf("delivered %+v, want once, TLS %v, as user helhed", got, tls)
		}
	}

	t.Run("STARTTLS", func(t *testing.T) {
		server := testsmtp.Start(t)
		if err := send(t, server, mailer.Settings{SMTPCAFile: server.CAFile}, "starttls"); err != nil {
			t.Fatal(err)
		}
		delivered(t, server, "starttls", true)
	})
	t.Run("smtps", func(t *testing.T) {
		server := testsmtp.StartWith(t, testsmtp.ImplicitTLS)
		if err := send(t, server, mailer.Settings{SMTPCAFile: server.CAFile}, "smtps"); err != nil {
			t.Fatal(err)
		}
		delivered(t, server, "smtps", true)
	})
	t.Run("no STARTTLS offered", func(t *testing.T) {
		server := testsmtp.StartWith(t, testsmtp.Plain)
		err := send(t, server, mailer.Settings{}, "plain")
		if err == nil {
			t.Fatal("sent in plain text although TLS is required")
		}
		if !strings.Contains(err.Error(), "SMTP_INSECURE_PLAIN") || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("error %q does not say STARTTLS is missing nor name SMTP_INSECURE_PLAIN", err)
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error echoes the password: %v", err)
		}
		if n := len(server.Messages()); n != 0 {
			t.Fatalf("%d messages delivered", n)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		server := testsmtp.Start(t)
		err := send(t, server, mailer.Settings{}, "untrusted") // no SMTP_CA_FILE
		if err == nil {
			t.Fatal("sent to a server whose certificate is not trusted")
		}
		if !strings.Contains(err.Error(), "SMTP_CA_FILE") || strings.Contains(err.Error(), password) {
			t.Errorf("error %q: want one naming SMTP_CA_FILE, without the password", err)
		}
	})
	t.Run("plain allowed", func(t *testing.T) {
		// A trusted relay takes mail without AUTH (go-mail sends no
		// password over a plain connection).
		server := testsmtp.StartWith(t, testsmtp.Plain)
		s, err := mailer.New(mailer.Settings{SMTPURL: server.URL(), SMTPInsecurePlain: true, From: "sekretariat@example.invalid"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(ctx, message("plain-allowed")); err != nil {
			t.Fatal(err)
		}
		if got := server.Messages(); len(got) != 1 || got[0].TLS {
			t.Fatalf("delivered %+v, want once, in plain text", got)
		}
	})
	t.Run("smtps with plain allowed", func(t *testing.T) {
		_, err := mailer.New(mailer.Settings{SMTPURL: "smtps://helhed:" + password + "@mail.example.invalid", SMTPInsecurePlain: true}, nil)
		if err == nil || !strings.Contains(err.Error(), "SMTP_INSECURE_PLAIN") || strings.Contains(err.Error(), password) {
			t.Errorf("error %v: want one naming SMTP_INSECURE_PLAIN, without the password", err)
		}
	})
}

// TestSMTPPing: the health check reaches the server as a send would
// (STARTTLS, AUTH) and sends nothing; with the server stopped it fails
// naming the server, without the password, and passes again once the
// server is back.
func TestSMTPPing(t *testing.T) {
	ctx := context.Background()
	server := testsmtp.Start(t)
	s, err := mailer.New(mailer.Settings{SMTPURL: withPassword(server), SMTPCAFile: server.CAFile, From: "sekretariat@example.invalid"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	smtp := s.(*mailer.SMTP)
	if err := smtp.Ping(ctx); err != nil {
		t.Fatalf("ping with the server up: %v", err)
	}
	server.Stop()
	err = smtp.Ping(ctx)
	if err == nil {
		t.Fatal("ping passed with the server stopped")
	}
	if !strings.Contains(err.Error(), server.Addr) || strings.Contains(err.Error(), password) {
		t.Errorf("error %q: want one naming %s, without the password", err, server.Addr)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	if err := smtp.Ping(ctx); err != nil {
		t.Fatalf("ping with the server back: %v", err)
	}
	if n := len(server.Messages()); n != 0 {
		t.Errorf("ping delivered %d messages", n)
	}
	// Without TLS where it is required the check fails as a send would.
	plain := testsmtp.StartWith(t, testsmtp.Plain)
	s, err = mailer.New(mailer.Settings{SMTPURL: plain.URL(), From: "sekretariat@example.invalid"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.(*mailer.SMTP).Ping(ctx); err == nil || !strings.Contains(err.Error(), "SMTP_INSECURE_PLAIN") {
		t.Errorf("ping of a server without STARTTLS: %v, want an error naming SMTP_INSECURE_PLAIN", err)
	}
}

// flakyMarker is the Redis marker with MarkSent failing while down is
// above 0, as during a Redis restart right after a delivery.
type flakyMarker struct {
	store.MailMarker
	down int
}

func (m *flakyMarker) MarkSent(ctx context.Context, key string) error {
	if m.down > 0 {
		m.down--
		return fmt.Errorf("dial tcp: connection refused")
	}
	return m.MailMarker.MarkSent(ctx, key)
}

// TestSMTPMarksDeliveredMailThroughARedisOutage: Redis failing just after
// a delivery does not fail the send (so the activity is not retried and
// the partner gets one e-mail); an outage that outlasts the activity's
// deadline fails it, saying a retry may send again.
func TestSMTPMarksDeliveredMailThroughARedisOutage(t *testing.T) {
	rs, _ := testredis.StartT(t)
	rdb, err := store.Open(context.Background(), rs.URL(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	server := testsmtp.Start(t)
	marker := &flakyMarker{MailMarker: store.MailMarker{R: rdb}}
	s, err := mailer.New(mailer.Settings{SMTPURL: server.URL(), SMTPCAFile: server.CAFile, From: "sekretariat@example.invalid"}, marker)
	if err != nil {
		t.Fatal(err)
	}
	msg := func(key string) mail.Message {
		return mail.Message{Key: key, To: []string{"partner@example.invalid"}, Subject: "Dataanmodning", Text: "Se linket."}
	}
	delivered := func(key string) int { return server.Count("<" + mailer.MessageID(key) + ">") }

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	marker.down = 3
	for range 2 { // the second send is the activity's retry, if any
		if err := s.Send(ctx, msg("outage-short")); err != nil {
			t.Fatalf("send through a short Redis outage: %v", err)
		}
	}
	if n := delivered("outage-short"); n != 1 {
		t.Errorf("delivered %d times through a short Redis outage, want once", n)
	}

	marker.down = 1 << 30
	short, cancelShort := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancelShort()
	err = s.Send(short, msg("outage-long"))
	if err == nil || !strings.Contains(err.Error(), "not marked sent") {
		t.Errorf("an outage outlasting the deadline: %v, want an error saying the mail is not marked sent", err)
	}
	if n := delivered("outage-long"); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
}
