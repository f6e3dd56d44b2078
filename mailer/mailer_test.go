package mailer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helhed/mail"
)

func TestOutboxWritesOnceAndIncludesInvite(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Settings{From: "sekretariat@example.invalid", OutboxDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 6, 14, 0, 0, 0, time.UTC)
	inv := mail.Invite{UID: "styregruppe-2026-05-06@helhed", Sequence: 1, Start: start, End: start.Add(2 * time.Hour),
		Summary: "Styregruppemøde", Organizer: "sekretariat@example.invalid", Attendees: []string{"a@example.invalid"}, Stamp: start}
	m := mail.Message{Key: "meeting/2026-05-06/invite", To: []string{"a@example.invalid"}, Subject: "Invitation: styregruppemøde",
		Text: "Kære styregruppe", HTML: "<p>Kære styregruppe</p>", Attachments: []mail.Attachment{inv.Attachment()}}
	for i := 0; i < 2; i++ { // a retried activity sends twice
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files in outbox, want 1", len(files))
	}
	b, _ := os.ReadFile(files[0])
	for _, want := range []string{"text/calendar", "Message-ID: <meeting.2026-05-06.invite@helhed>"} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".eml lacks %q", want)
		}
	}
	ics := string(inv.ICS())
	for _, want := range []string{"METHOD:REQUEST", "UID:styregruppe-2026-05-06@helhed", "SEQUENCE:1", "DTSTART:20260506T140000Z"} {
		if !strings.Contains(ics, want) {
			t.Errorf("ics lacks %q:\n%s", want, ics)
		}
	}
}

func TestBadMessagesAndURLs(t *testing.T) {
	s, _ := New(Settings{From: "x@example.invalid", OutboxDir: t.TempDir()}, nil)
	if err := s.Send(context.Background(), mail.Message{To: []string{"a@example.invalid"}}); err == nil {
		t.Error("message without key accepted")
	}
	if err := s.Send(context.Background(), mail.Message{Key: "k"}); err == nil {
		t.Error("message without recipient accepted")
	}
	for _, raw := range []string{"http://user:hemmelig-kode@mail", "smtp://user:hemmelig-kode@", "smtp://user:hemmelig-kode@mail:x"} {
		_, err := New(Settings{SMTPURL: raw, From: "x@example.invalid"}, nil)
		if err == nil || !strings.Contains(err.Error(), "SMTP_URL") {
			t.Errorf("bad SMTP_URL: %v", err)
		} else if strings.Contains(err.Error(), "hemmelig-kode") {
			t.Errorf("the error echoes the password: %v", err)
		}
	}
}

func TestFileNamesNeverCollide(t *testing.T) {
	keys := []string{"a/b", "a_b", "a b", "a:b", "a/b/", "annual-report/2024-25/v1/review"}
	seen := map[string]string{}
	for _, k := range keys {
		n := FileName(k)
		if other, ok := seen[n]; ok {
			t.Errorf("%q and %q share %s", k, other, n)
		}
		seen[n] = k
		if strings.ContainsAny(n, "/: ") {
			t.Errorf("%q: unsafe file name %q", k, n)
		}
	}
	if FileName("plain-key.1") != "plain-key.1.eml" {
		t.Errorf("a safe key keeps its name: %s", FileName("plain-key.1"))
	}
}
