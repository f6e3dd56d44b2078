package meeting

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/mail"
	"helhed/plan"
)

// sendInvitations sends an invitation for each meeting of the round that
// is still ahead and not yet announced for its current date: the first
// time with SEQUENCE 0, after a move with the sequence bumped and the same
// UID, so calendars move the event rather than add one.
func (r *round) sendInvitations(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	if r.steeringSent != r.st.Timeline.Steering && !r.steeringHeld(now) {
		if !r.steeringSent.IsZero() {
			r.st.SteeringSeq++
		}
		if err := r.invite(ctx, r.setup.Steering, "styregruppe", r.st.Timeline.Steering, r.st.SteeringSeq); err != nil {
			return err
		}
		r.steeringSent = r.st.Timeline.Steering
	}
	if !r.st.Input.Summer() && r.boardSent != r.st.Timeline.Board && !r.boardHeld(now) {
		if !r.boardSent.IsZero() {
			r.st.BoardSeq++
		}
		if err := r.invite(ctx, r.setup.Board, "bestyrelse", r.st.Timeline.Board, r.st.BoardSeq); err != nil {
			return err
		}
		r.boardSent = r.st.Timeline.Board
	}
	return nil
}

// InviteUID is the stable iCalendar UID of a round's meeting of a body.
func InviteUID(planID, key, body string) string {
	return fmt.Sprintf("%s-%s-%s@helhed", planID, key, body)
}

func (r *round) invite(ctx workflow.Context, b Body, body string, d plan.Date, seq int) error {
	start := r.meetingStart(b, d)
	inv := mail.Invite{
		UID: InviteUID(r.setup.PlanID, r.st.Input.Key(), body), Sequence: seq,
		Start: start, End: start.Add(durationOf(b)),
		Summary:     fmt.Sprintf("%s: %s", b.Name, r.setup.PlanName),
		Description: "Dagsorden og fremdriftsrapport følger en uge før mødet.",
		Organizer:   b.Organizer, Attendees: emails(b.Members), Stamp: workflow.Now(ctx),
	}
	subject := fmt.Sprintf("Invitation: %s %s kl. %s", b.Name, danish.LongDate(d), start.Format("15.04"))
	text := fmt.Sprintf("%s holder møde %s kl. %s.\n\nInvitationen er vedhæftet som kalenderfil.\n", b.Name, danish.LongDate(d), start.Format("15.04"))
	if seq > 0 {
		subject = fmt.Sprintf("Mødet er flyttet: %s %s kl. %s", b.Name, danish.LongDate(d), start.Format("15.04"))
		text = fmt.Sprintf("%s er flyttet til %s kl. %s.\n\nDen vedhæftede kalenderfil opdaterer mødet i jeres kalender.\n", b.Name, danish.LongDate(d), start.Format("15.04"))
	}
	// The iCalendar library orders parameters by ranging over a map, so
	// the bytes are rendered once in a side effect and replayed from
	// history.
	var att mail.Attachment
	//workflowcheck:ignore
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return inv.Attachment() }).Get(&att); err != nil {
		return err
	}
	return r.mail(ctx, mail.Message{
		Key: r.mailKey(fmt.Sprintf("invite-%s-%d", body, seq)), To: emails(b.Members),
		Subject: subject, Text: text, Attachments: []mail.Attachment{att},
	})
}
