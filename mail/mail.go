// Package mail holds what an e-mail is: the Message a workflow hands to the
// SendMail activity, its attachments and meeting invitations (.ics). It is
// pure data, so workflow packages import it; package mailer sends.
package mail

// Message is one e-mail. Text is required; HTML is an optional alternative.
type Message struct {
	// Key identifies the message across retries (e.g. "datarequest/ID/reminder-1").
	// It becomes the Message-ID; it must not contain personal data.
	Key         string
	To          []string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	// Invite, when set, is rendered to an .ics attachment by the sender.
	// Workflows pass the invitation as data and leave the rendering (which
	// iterates maps inside the iCalendar library) to the activity.
	Invite *Invite
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string
	ContentType string // e.g. "text/calendar; charset=UTF-8; method=REQUEST"
	Data        []byte
}
