package datarequest

import (
	"fmt"
	"strings"
	"time"

	"helhed/danish"
	"helhed/plan"
)

// Notice kinds: which e-mail the SendNotice activity sends.
const (
	NoticeInvite     = "invite"
	NoticeReminder   = "reminder"
	NoticeEscalation = "escalation"
	NoticeExtension  = "extension"
	NoticeReassigned = "reassigned"
	NoticeCancelled  = "cancelled"
	NoticeReceipt    = "receipt"
)

// Notice is one e-mail about a request. Key makes it idempotent: a retried
// activity never sends the same notice twice.
type Notice struct {
	Key          string `json:"key"` // data-request/<id>/<kind>[-n]
	Kind         string `json:"kind"`
	RequestID    string `json:"requestId"`
	Partner      string `json:"partner"`
	To           string `json:"to,omitempty"` // "" for the escalation: the secretariat
	Title        string `json:"title"`
	Instructions string `json:"instructions,omitempty"`
	Period       string `json:"period,omitempty"`
	Due          string `json:"due"`
	OldDue       string `json:"oldDue,omitempty"`
	Reminder     int    `json:"reminder,omitempty"`
	AfterDue     bool   `json:"afterDue,omitempty"`
	Reason       string `json:"reason,omitempty"`
	// RemindersSent is for the escalation's account of what was done.
	RemindersSent int       `json:"remindersSent,omitempty"`
	AnsweredAt    time.Time `json:"answeredAt,omitzero"`
	OnTime        bool      `json:"onTime,omitempty"`
	// A receipt's table: its rows and the encoding its file was read in.
	Rows     int    `json:"rows,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// Shown is what a receipt's answer held (ShownAnswer).
	Shown []Shown `json:"shown,omitempty"`
	// AnswerVersion numbers a new answer's receipt and a correction
	// (correct.go); 0 for the first answer.
	AnswerVersion int `json:"answerVersion,omitempty"`
}

// MailKey is the idempotency key of a notice.
func MailKey(requestID, kind string, n int) string {
	k := "data-request/" + requestID + "/" + kind
	if n > 0 {
		k += fmt.Sprintf("-%d", n)
	}
	return k
}

// FileReadAs tells a partner how their file was read: "Filen blev læst
// som Windows-1252: 12 rækker." (the receipt e-mail and the confirmation
// page), so a file read in the wrong encoding is noticed.
func FileReadAs(encoding string, rows int) string {
	what := fmt.Sprintf("%d rækker", rows)
	if rows == 1 {
		what = "1 række"
	}
	return fmt.Sprintf("Filen blev læst som %s: %s.", danish.EncodingName(encoding), what)
}

// letter is what a notice says; link parts are filled in by the activity.
type letter struct {
	subject string
	body    strings.Builder
}

func (l *letter) p(format string, args ...any) {
	fmt.Fprintf(&l.body, format, args...)
	l.body.WriteString("\n\n")
}

// Compose writes the Danish e-mail of a notice: its subject and text.
// taskURL and listURL are the partner's portal links ("" for the
// secretariat's escalation); loc is the plan's zone.
func Compose(n Notice, partnerName, planName, taskURL, listURL string, loc *time.Location) (string, string) {
	var l letter
	// The workflow writes due dates as plan.Date.String().
	dueDate, _ := plan.ParseDate(n.Due)
	due := danish.LongDate(dueDate)
	l.p("Til %s", partnerName)
	switch n.Kind {
	case NoticeInvite, NoticeReassigned:
		l.subject = fmt.Sprintf("Dataanmodning: %s – frist %s", n.Title, due)
		if n.Kind == NoticeReassigned {
			l.p("Opgaven herunder er sendt videre til jer.")
		}
		l.p("Sekretariatet for %s beder jer om data: %s.", planName, n.Title)
		if n.Period != "" {
			l.p("Perioden: %s.", n.Period)
		}
		if strings.TrimSpace(n.Instructions) != "" {
			l.p("%s", strings.TrimSpace(n.Instructions))
		}
		l.p("Fristen er %s.", due)
	case NoticeReminder:
		if n.AfterDue {
			l.subject = fmt.Sprintf("Rykker: %s – fristen var %s", n.Title, due)
			l.p("Vi har endnu ikke modtaget jeres svar på »%s«. Fristen var %s. Svar venligst hurtigst muligt.", n.Title, due)
		} else {
			l.subject = fmt.Sprintf("Påmindelse: %s – frist %s", n.Title, due)
			l.p("En venlig påmindelse om »%s«. Fristen er %s.", n.Title, due)
		}
	case NoticeExtension:
		oldDue, _ := plan.ParseDate(n.OldDue)
		l.subject = fmt.Sprintf("Ny frist: %s – %s", n.Title, due)
		l.p("Fristen for »%s« er flyttet fra %s til %s.", n.Title, danish.LongDate(oldDue), due)
	case NoticeCancelled:
		l.subject = fmt.Sprintf("Annulleret: %s", n.Title)
		l.p("Opgaven »%s« er annulleret, og I skal ikke svare på den.", n.Title)
		if n.Reason != "" {
			l.p("Begrundelse: %s", n.Reason)
		}
	case NoticeReceipt:
		l.subject = fmt.Sprintf("Kvittering: %s", n.Title)
		when := "inden fristen"
		if !n.OnTime {
			when = "efter fristen (" + due + ")"
		}
		if n.AnswerVersion > 1 {
			l.subject = fmt.Sprintf("Kvittering for rettet svar: %s", n.Title)
			l.p("Tak. Vi har modtaget jeres rettede svar på »%s« %s, %s. Det erstatter det svar, I sendte før (dette er version %d).",
				n.Title, danish.Moment(n.AnsweredAt, loc), when, n.AnswerVersion)
		} else {
			l.p("Tak. Vi har modtaget jeres svar på »%s« %s, %s.", n.Title, danish.Moment(n.AnsweredAt, loc), when)
		}
		if n.Encoding != "" {
			l.p("%s", FileReadAs(n.Encoding, n.Rows))
		}
		if len(n.Shown) > 0 {
			lines := make([]string, len(n.Shown))
			for i, s := range n.Shown {
				lines[i] = "- " + s.Text()
			}
			intro := "I sendte:"
			if n.Rows > len(n.Shown) {
				intro = fmt.Sprintf("De første %d af %d rækker:", len(n.Shown), n.Rows)
			}
			l.p("%s\n%s", intro, strings.Join(lines, "\n"))
		}
	case NoticeCorrected:
		l.subject = fmt.Sprintf("Jeres svar er rettet: %s", n.Title)
		l.p("Sekretariatet har rettet jeres svar på »%s« %s (version %d). Det rettede svar bruges fremover.", n.Title, danish.Moment(n.AnsweredAt, loc), n.AnswerVersion)
		l.p("Begrundelse: %s", n.Reason)
		if n.Rows > 0 {
			l.p("Tabellen har nu %d rækker.", n.Rows)
		}
	case NoticeEscalation:
		l = letter{}
		l.subject = fmt.Sprintf("Eskalering: %s har ikke svaret på %s", partnerName, n.Title)
		l.p("Til sekretariatet")
		l.p("%s har ikke svaret på dataanmodningen »%s« (%s). Fristen var %s, og der er sendt %d påmindelse(r).",
			partnerName, n.Title, n.RequestID, due, n.RemindersSent)
		l.p("Følg op med partneren, forlæng fristen eller annuller opgaven (starter / operatør-API).")
	}
	if taskURL != "" {
		l.p("Svar her: %s\n\nAlle jeres opgaver: %s\n\nLinket er til jeres organisation; del det ikke uden for den.", taskURL, listURL)
	}
	if n.Kind == NoticeEscalation {
		l.p("(Automatisk besked fra helhed, %s)", planName)
	} else {
		l.p("Venlig hilsen\nSekretariatet for %s", planName)
	}
	return l.subject, strings.TrimRight(l.body.String(), "\n") + "\n"
}
