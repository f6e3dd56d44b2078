package meeting

import (
	"fmt"
	"strings"

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
		if err := r.invite(ctx, r.setup.Steering, "styregruppe", r.steeringSent, r.st.Timeline.Steering, r.st.SteeringSeq); err != nil {
			return err
		}
		r.steeringSent = r.st.Timeline.Steering
	}
	if !r.st.Input.Summer() && r.boardSent != r.st.Timeline.Board && !r.boardHeld(now) {
		if !r.boardSent.IsZero() {
			r.st.BoardSeq++
		}
		if err := r.invite(ctx, r.setup.Board, "bestyrelse", r.boardSent, r.st.Timeline.Board, r.st.BoardSeq); err != nil {
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

// inviteBySender is the change that left the rendering of the .ics to the
// mail sender: the round hands it the invitation as data
// (mail.Message.Invite).
const inviteBySender = "invite-rendered-by-sender"

// movedNotice is the change after which a moved meeting's notice gives
// the old date and the reason, and invitations carry the plan's meeting
// place (LOCATION).
const movedNotice = "moved-notice-old-date-reason-place"

// invite sends the invitation to b's meeting on d; from is the date it was
// announced for before (zero the first time).
func (r *round) invite(ctx workflow.Context, b Body, body string, from, d plan.Date, seq int) error {
	start := r.meetingStart(b, d)
	inv := mail.Invite{
		UID: InviteUID(r.setup.PlanID, r.st.Input.Key(), body), Sequence: seq,
		Start: start, End: start.Add(b.Duration()),
		Summary:     fmt.Sprintf("%s: %s", b.Name, r.setup.PlanName),
		Description: "Dagsorden og fremdriftsrapport følger en uge før mødet.",
		Organizer:   b.Organizer, Attendees: emails(b.Members), Stamp: workflow.Now(ctx),
	}
	clock := start.Format("15.04")
	subject := fmt.Sprintf("Invitation: %s %s kl. %s", b.Name, danish.LongDate(d), clock)
	text := fmt.Sprintf("%s holder møde %s kl. %s.\n\nInvitationen er vedhæftet som kalenderfil.\n", b.Name, danish.LongDate(d), clock)
	switch v := workflow.GetVersion(ctx, movedNotice, workflow.DefaultVersion, 1); {
	case v == workflow.DefaultVersion && seq > 0:
		subject = fmt.Sprintf("Mødet er flyttet: %s %s kl. %s", b.Name, danish.LongDate(d), clock)
		text = fmt.Sprintf("%s er flyttet til %s kl. %s.\n\nDen vedhæftede kalenderfil opdaterer mødet i jeres kalender.\n", b.Name, danish.LongDate(d), clock)
	case v == workflow.DefaultVersion:
	default:
		inv.Location = b.Place
		paras := []string{fmt.Sprintf("%s holder møde %s kl. %s.", b.Name, danish.LongDate(d), clock)}
		if seq > 0 {
			was := CapitalizeFirst(MeetingTitle(b.Name, from))
			subject = fmt.Sprintf("Mødet er flyttet: %s – nu %s kl. %s", was, danish.LongDate(d), clock)
			paras[0] = fmt.Sprintf("%s kl. %s er flyttet til %s kl. %s.", was, r.meetingStart(b, from).Format("15.04"), danish.LongDate(d), clock)
			moved := "Flyttet fra " + danish.Date(from)
			if reason := r.lastMoveReason(); reason != "" {
				paras = append(paras, "Begrundelse: "+reason)
				moved += ": " + reason
			}
			inv.Description = moved + ". " + inv.Description
		}
		if b.Place != "" {
			paras = append(paras, "Sted: "+b.Place)
		}
		if seq > 0 {
			paras = append(paras, "Den vedhæftede kalenderfil opdaterer mødet i jeres kalender.")
		} else {
			paras = append(paras, "Invitationen er vedhæftet som kalenderfil.")
		}
		text = strings.Join(paras, "\n\n") + "\n"
	}
	// Rounds started before inviteBySender rendered the .ics in a side
	// effect here; their histories replay only with that marker in place.
	// Its value is no longer used.
	if workflow.GetVersion(ctx, inviteBySender, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		workflow.SideEffect(ctx, func(workflow.Context) any { return nil })
	}
	return r.mail(ctx, mail.Message{
		Key: r.mailKey(fmt.Sprintf("invite-%s-%d", body, seq)), To: emails(b.Members),
		Subject: subject, Text: text, Invite: &inv,
	})
}

// lastMoveReason is the reason given for the latest move of the board
// meeting ("" if none was given).
func (r *round) lastMoveReason() string {
	if n := len(r.st.Moves); n > 0 {
		return strings.TrimSpace(r.st.Moves[n-1].Reason)
	}
	return ""
}
