package mail

import (
	"time"

	ics "github.com/arran4/golang-ical"
)

// Invite is one meeting invitation. Sending it again with a higher
// Sequence and the same UID moves the meeting in the invitee's calendar;
// Cancel withdraws it.
type Invite struct {
	UID         string // stable per meeting, e.g. "styregruppe-2026-05-06@helhed"
	Sequence    int
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	Organizer   string   // e-mail
	Attendees   []string // e-mails
	Cancel      bool
	Stamp       time.Time // DTSTAMP; pass the workflow's time for determinism
}

// ICS renders the invitation as an iCalendar (RFC 5545) file.
func (i Invite) ICS() []byte {
	cal := ics.NewCalendar()
	cal.SetProductId("-//helhed//helhedsplan//DA")
	cal.SetMethod(ics.Method(i.Method()))
	ev := cal.AddEvent(i.UID)
	ev.SetDtStampTime(i.Stamp.UTC())
	ev.SetSequence(i.Sequence)
	ev.SetStartAt(i.Start.UTC())
	ev.SetEndAt(i.End.UTC())
	ev.SetSummary(i.Summary)
	if i.Location != "" {
		ev.SetLocation(i.Location)
	}
	if i.Description != "" {
		ev.SetDescription(i.Description)
	}
	if i.Organizer != "" {
		ev.SetOrganizer("mailto:" + i.Organizer)
	}
	for _, a := range i.Attendees {
		ev.AddAttendee("mailto:"+a, ics.WithRSVP(true))
	}
	if i.Cancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	}
	// RFC 5545 lines end in CRLF; the library folds them at 75 octets
	// without splitting a UTF-8 character.
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// Method is the iTIP method (RFC 5546) of the invitation: REQUEST, or
// CANCEL for a withdrawn meeting. The .ics and its Content-Type carry it.
func (i Invite) Method() string {
	if i.Cancel {
		return string(ics.MethodCancel)
	}
	return string(ics.MethodRequest)
}

// Attachment wraps the invitation for a Message.
func (i Invite) Attachment() Attachment {
	return Attachment{Name: "invitation.ics", ContentType: "text/calendar; charset=UTF-8; method=" + i.Method(), Data: i.ICS()}
}
