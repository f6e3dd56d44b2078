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
	method := ics.MethodRequest
	if i.Cancel {
		method = ics.MethodCancel
	}
	cal.SetMethod(method)
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
	return []byte(cal.Serialize())
}

// Attachment wraps the invitation for a Message.
func (i Invite) Attachment() Attachment {
	method := "REQUEST"
	if i.Cancel {
		method = "CANCEL"
	}
	return Attachment{Name: "invitation.ics", ContentType: "text/calendar; method=" + method, Data: i.ICS()}
}
