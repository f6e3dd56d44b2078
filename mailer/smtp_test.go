package mailer_test

import (
	"context"
	"testing"

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
	rs, err := testredis.Start()
	if err != nil {
		if testredis.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer rs.Stop()
	ctx := context.Background()
	rdb, err := store.Open(ctx, rs.URL(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	server := testsmtp.Start(t)
	newSender := func() mailer.Sender {
		s, err := mailer.New(server.URL(), "sekretariat@example.invalid", t.TempDir(), store.MailMarker{R: rdb})
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
