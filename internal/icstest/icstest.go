// Package icstest checks the calendar files the product sends against
// RFC 5545 (and the iTIP method of RFC 5546): golang-ical's parser, plus
// what the parser forgives: CRLF line ends, lines of at most 75 octets,
// UTF-8, the properties a calendar needs to place and update an event, and
// an attachment Content-Type that carries the charset and the method.
package icstest

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"testing"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"helhed/mail"
)

// maxLineOctets is RFC 5545 §3.1: lines longer than 75 octets are folded.
const maxLineOctets = 75

// Validate checks one .ics attachment; the error lists every fault.
func Validate(a mail.Attachment) error {
	var faults []string
	fault := func(format string, args ...any) { faults = append(faults, fmt.Sprintf(format, args...)) }
	data := a.Data
	checkLines(data, fault)

	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		fault("golang-ical cannot parse it: %v", err)
		return join(faults)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	for _, name := range []string{"VERSION", "PRODID", "METHOD"} {
		if props[name] == "" {
			fault("calendar without %s", name)
		}
	}
	if props["VERSION"] != "" && props["VERSION"] != "2.0" {
		fault("VERSION %q, want 2.0", props["VERSION"])
	}
	events := cal.Events()
	if len(events) != 1 {
		fault("%d events, want 1", len(events))
	}
	for _, ev := range events {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp,
			ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd, ics.ComponentPropertySequence,
			ics.ComponentPropertySummary, ics.ComponentPropertyOrganizer} {
			if prop := ev.GetProperty(p); prop == nil || prop.Value == "" {
				fault("event without %s", p)
			}
		}
		if len(ev.Attendees()) == 0 {
			fault("event without ATTENDEE")
		}
		start, errStart := ev.GetStartAt()
		end, errEnd := ev.GetEndAt()
		if errStart == nil && errEnd == nil && !end.After(start) {
			fault("event ends (%s) before it starts (%s)", end, start)
		}
	}

	if err := checkContentType(a.ContentType, props["METHOD"]); err != nil {
		fault("%v", err)
	}
	if !strings.HasSuffix(a.Name, ".ics") {
		fault("attachment name %q does not end in .ics", a.Name)
	}
	return join(faults)
}

// checkLines checks the octets: UTF-8, CRLF line ends, folded lines.
func checkLines(data []byte, fault func(format string, args ...any)) {
	if !utf8.Valid(data) {
		fault("not UTF-8")
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		fault("does not end in CRLF")
	}
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		content, ok := bytes.CutSuffix(line, []byte("\r\n"))
		switch {
		case !ok && bytes.HasSuffix(line, []byte("\n")):
			fault("line %d ends in a bare LF", i+1)
		case bytes.IndexByte(content, '\r') >= 0:
			fault("line %d holds a bare CR", i+1)
		}
		if len(content) > maxLineOctets {
			fault("line %d is %d octets long, more than %d: %q", i+1, len(content), maxLineOctets, content)
		}
	}
}

// ValidateFeed checks a subscribed calendar (a feed, as GET
// /calendar/<token>.ics serves it) with its Content-Type: the octets as
// Validate does, golang-ical's parser, VERSION 2.0 and PRODID, no iTIP
// METHOD (a feed publishes, it invites no one; a Content-Type method, if
// any, must then be absent too), and every event with a unique UID,
// DTSTAMP, DTSTART, DTEND after it, SEQUENCE and SUMMARY. It returns the
// parsed calendar for further checks.
func ValidateFeed(contentType string, data []byte) (*ics.Calendar, error) {
	var faults []string
	fault := func(format string, args ...any) { faults = append(faults, fmt.Sprintf(format, args...)) }
	checkLines(data, fault)
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		fault("golang-ical cannot parse it: %v", err)
		return nil, join(faults)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["VERSION"] != "2.0" {
		fault("VERSION %q, want 2.0", props["VERSION"])
	}
	if props["PRODID"] == "" {
		fault("calendar without PRODID")
	}
	if props["METHOD"] != "" {
		fault("a feed with METHOD %s", props["METHOD"])
	}
	if err := checkContentType(contentType, ""); err != nil {
		fault("%v", err)
	}
	uids := map[string]bool{}
	for i, ev := range cal.Events() {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp,
			ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd, ics.ComponentPropertySequence, ics.ComponentPropertySummary} {
			if prop := ev.GetProperty(p); prop == nil || prop.Value == "" {
				fault("event %d (%s) without %s", i+1, ev.Id(), p)
			}
		}
		if uids[ev.Id()] {
			fault("UID %s twice", ev.Id())
		}
		uids[ev.Id()] = true
		start, errStart := ev.GetStartAt()
		end, errEnd := ev.GetEndAt()
		if errStart != nil || errEnd != nil {
			fault("event %s: start or end unreadable: %v %v", ev.Id(), errStart, errEnd)
		} else if !end.After(start) {
			fault("event %s ends (%s) before it starts (%s)", ev.Id(), end, start)
		}
	}
	return cal, join(faults)
}

// checkContentType wants text/calendar with charset UTF-8 and the
// calendar's method, in whatever order and case a MIME writer puts them
// (it may add the file name).
func checkContentType(contentType, method string) error {
	media, params, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
		return fmt.Errorf("Content-Type %q: %w", contentType, err)
	case media != "text/calendar":
		return fmt.Errorf("Content-Type %q, want text/calendar", contentType)
	case !strings.EqualFold(params["charset"], "UTF-8"):
		return fmt.Errorf("Content-Type %q without charset=UTF-8", contentType)
	case !strings.EqualFold(params["method"], method):
		return fmt.Errorf("Content-Type %q: method %q, but the calendar says %q", contentType, params["method"], method)
	}
	return nil
}

// ValidatePart checks a text/calendar MIME part as a receiving client reads
// it from an e-mail: its Content-Type header and decoded body.
func ValidatePart(contentType string, data []byte) error {
	name := "invitation.ics"
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["name"] != "" {
		name = params["name"]
	}
	return Validate(mail.Attachment{Name: name, ContentType: contentType, Data: data})
}

func join(faults []string) error {
	if len(faults) == 0 {
		return nil
	}
	return errors.New(strings.Join(faults, "; "))
}

// CheckInvites validates the invitation of every message that carries
// one, as the mail sender renders it, and returns how many it checked (so
// a test can insist that there were some).
func CheckInvites(t testing.TB, msgs ...mail.Message) int {
	t.Helper()
	n := 0
	for _, m := range msgs {
		if m.Invite == nil {
			continue
		}
		n++
		a := m.Invite.Attachment()
		if err := Validate(a); err != nil {
			t.Errorf("invitation in %s: %v\n%s", m.Key, err, a.Data)
		}
	}
	return n
}
