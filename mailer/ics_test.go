package mailer

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helhed/internal/icstest"
	helhedmail "helhed/mail"
)

// TestInvitationAsSent renders invitations (a request with long Danish
// text, and a cancellation) the way workflows hand them over
// (Message.Invite), reads the calendar part back out of the .eml and
// checks it against RFC 5545: CRLF, folding at 75 octets, the charset and
// the method in its Content-Type, LOCATION and DTSTAMP.
func TestInvitationAsSent(t *testing.T) {
	start := time.Date(2027, 1, 14, 12, 0, 0, 0, time.UTC)
	inv := helhedmail.Invite{UID: "randers-2021-25-2027-02-04-styregruppe@helhed", Sequence: 2, Start: start, End: start.Add(2 * time.Hour),
		Summary:     "Styregruppen: Helhedsplan for Østervold, Vestervold og Jebjerg – boligområderne i Randers Kommune, æøå ÆØÅ",
		Location:    "Rådhuset, Laksetorvet 1, 8900 Randers C, mødelokale »Gudenåen« på 3. sal (indgang fra Østervold)",
		Description: "Dagsorden og fremdriftsrapport følger en uge før mødet.\nMødet er flyttet fra torsdag den 21. januar 2027.",
		Organizer:   "sekretariat@example.invalid", Attendees: []string{"a@example.invalid", "b@example.invalid"}, Stamp: start.Add(-30 * 24 * time.Hour)}
	cancel := inv
	cancel.Cancel, cancel.Sequence = true, 3

	for name, inv := range map[string]helhedmail.Invite{"request": inv, "cancel": cancel} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := New(Settings{From: "sekretariat@example.invalid", OutboxDir: dir}, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := helhedmail.Message{Key: "meeting/" + name, To: []string{"a@example.invalid"}, Subject: "Invitation", Text: "Se kalenderfilen.", Invite: &inv}
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			att := calendarPart(t, filepath.Join(dir, FileName(m.Key)))
			if err := icstest.ValidatePart(att.ContentType, att.Data); err != nil {
				t.Fatalf("%v\n%s", err, att.Data)
			}
			ics := string(att.Data)
			// Folded lines unfold to the original text.
			unfolded := strings.ReplaceAll(ics, "\r\n ", "")
			for _, want := range []string{"METHOD:" + inv.Method(), "SEQUENCE:" + string(rune('0'+inv.Sequence)), "DTSTAMP:20261215T120000Z",
				"LOCATION:Rådhuset\\, Laksetorvet 1\\, 8900 Randers C\\, mødelokale »Gudenåen« på 3. sal (indgang fra Østervold)",
				"UID:randers-2021-25-2027-02-04-styregruppe@helhed"} {
				if !strings.Contains(unfolded, want) {
					t.Errorf("calendar lacks %q:\n%s", want, ics)
				}
			}
			if !strings.Contains(ics, "\r\n ") {
				t.Errorf("no folded line in a calendar with long lines:\n%s", ics)
			}
		})
	}
}

// calendarPart finds the text/calendar part of an .eml file and decodes
// it, with its Content-Type header as written.
func calendarPart(t *testing.T, path string) helhedmail.Attachment {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := findCalendar(t, msg.Header.Get("Content-Type"), msg.Body); ok {
		return a
	}
	t.Fatalf("no text/calendar part in %s", raw)
	return helhedmail.Attachment{}
}

func findCalendar(t *testing.T, contentType string, body io.Reader) (helhedmail.Attachment, bool) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", contentType, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return helhedmail.Attachment{}, false
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return helhedmail.Attachment{}, false
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := p.Header.Get("Content-Type")
		if a, ok := findCalendar(t, ct, p); ok {
			return a, true
		}
		pt, _, _ := mime.ParseMediaType(ct)
		if pt != "text/calendar" {
			continue
		}
		var r io.Reader = p
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return helhedmail.Attachment{ContentType: ct, Data: data}, true
	}
}
