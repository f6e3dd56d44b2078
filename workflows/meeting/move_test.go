package meeting_test

import (
	"strings"
	"testing"

	"helhed/internal/icstest"
	"helhed/mail"
	"helhed/workflows"
	"helhed/workflows/meeting"
)

// rejected expects an Update to be refused by its validator.
type rejected struct {
	t    *testing.T
	what string
	hit  *int
}

func (r rejected) Accept()          {}
func (r rejected) Reject(err error) { *r.hit++ }
func (r rejected) Complete(_ any, err error) {
	if err == nil {
		r.t.Errorf("%s was accepted", r.what)
	}
}

// TestMoveBoardMidRound moves the board meeting twice: before the
// requests are answered (everything ahead shifts, open requests are
// extended, updated invitations go out with a higher SEQUENCE) and after
// the steering group has met (only the board's part moves). Bad moves are
// rejected and leave no trace.
func TestMoveBoardMidRound(t *testing.T) {
	flush(t)
	h := newHarness(t, local(t, "2022-09-27 00:00"))
	in := meeting.Input{Plan: "randers-2021-25", BoardDate: "2022-11-23"}
	id := meeting.WorkflowID(in)
	h.env.SetStartWorkflowOptions(clientStartOptions(id))

	rejections := 0
	reject := func(when, name string, arg any) {
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(name, "", rejected{t: t, what: name + " at " + when, hit: &rejections}, arg)
		}, local(t, when).Sub(h.env.Now()))
	}
	reject("2022-09-29 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-09-01"})      // past
	reject("2022-09-29 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2025-08-06"})      // outside the plan
	reject("2022-09-29 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-10-05"})      // steering group before today
	reject("2022-09-29 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-12-10"})      // a Saturday
	reject("2022-09-29 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "23-11-2022"})      // not a date
	reject("2022-09-29 09:00", meeting.UpdateRecordRecommendations, meeting.Record{Text: "For tidligt"}) // before the meeting
	reject("2022-09-29 09:00", meeting.UpdateRecordDecisions, meeting.Record{Text: "For tidligt"})       // before the board
	reject("2022-11-16 16:00", meeting.UpdateRecordRecommendations, meeting.Record{Text: "  \n - \n"})   // empty
	reject("2022-11-17 09:00", meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-11-16"})      // not after the held steering meeting

	h.updateAt(t, local(t, "2022-09-29 10:00"), id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-12-07", Reason: "Budgetforhandlinger"})
	h.updateAt(t, local(t, "2022-11-16 16:00"), id, meeting.UpdateRecordRecommendations, meeting.Record{Text: "Udvid Lommepengejob"})
	h.updateAt(t, local(t, "2022-11-17 10:00"), id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-12-14", Reason: "Borgmesteren er forhindret"})
	h.updateAt(t, local(t, "2022-12-14 17:00"), id, meeting.UpdateRecordDecisions, meeting.Record{Text: "Godkendt"})

	st := h.run(t, in)
	if rejections != 9 {
		t.Errorf("%d updates rejected, want 9", rejections)
	}
	if len(st.Moves) != 2 {
		t.Errorf("moves %+v, want 2", st.Moves)
	}
	tl := st.Timeline
	for name, got := range map[string]string{
		"open (done before the moves)": tl.Open.String() + "=2022-09-28",
		"steering (moved once)":        tl.Steering.String() + "=2022-11-16",
		"due":                          tl.Due.String() + "=2022-11-02",
		"report":                       tl.Report.String() + "=2022-11-09",
		"board":                        tl.Board.String() + "=2022-12-14",
		"pack":                         tl.Pack.String() + "=2022-12-07",
	} {
		if g, w, _ := strings.Cut(got, "="); g != w {
			t.Errorf("%s: %s, want %s", name, g, w)
		}
	}

	// Every open request was extended to the new due date at the move.
	ext := h.double.Extended()
	if len(ext) != 25 {
		t.Errorf("%d extensions, want 25", len(ext))
	}
	for _, e := range ext {
		if e.Due != "2022-11-02" || e.At.In(h.plan.Location()).Format("2006-01-02 15:04") != "2022-09-29 10:00" {
			t.Errorf("extension %+v", e)
		}
	}
	sent := h.sentAt("meeting/randers-2021-25/2022-11-23/")
	want := map[string]string{
		"invite-styregruppe-0":         "2022-09-28 08:00",
		"invite-bestyrelse-0":          "2022-09-28 08:00",
		"invite-styregruppe-1":         "2022-09-29 10:00",
		"invite-bestyrelse-1":          "2022-09-29 10:00",
		"agenda":                       "2022-11-09 08:00",
		"steering-reminder-2022-11-16": "2022-11-15 08:00",
		"invite-bestyrelse-2":          "2022-11-17 10:00",
		"board-pack":                   "2022-12-07 08:00",
		"board-reminder-2022-12-14":    "2022-12-13 08:00",
	}
	for k, at := range want {
		if sent[k] != at {
			t.Errorf("mail %s sent %q, want %q", k, sent[k], at)
		}
	}
	if len(sent) != len(want) {
		t.Errorf("mails %v\nwant %v", sent, want)
	}
	for _, s := range h.mail.Sent() {
		if !strings.HasSuffix(s.Message.Key, workflows.RunMailKey(testRunID, "invite-styregruppe-1")) {
			continue
		}
		if s.Message.Invite == nil {
			t.Fatalf("updated invitation %s carries no invite", s.Message.Key)
		}
		// The .ics as the mail sender renders it.
		ics := string(s.Message.Invite.Attachment().Data)
		for _, w := range []string{"SEQUENCE:1", "UID:randers-2021-25-2022-11-23-styregruppe@helhed", "DTSTART:20221116T120000Z", "METHOD:REQUEST"} {
			if !strings.Contains(ics, w) {
				t.Errorf("updated invitation lacks %s:\n%s", w, ics)
			}
		}
		if !strings.Contains(s.Message.Subject, "flyttet") {
			t.Errorf("subject %q", s.Message.Subject)
		}
		// The notice says when the meeting was and why it moved.
		for _, w := range []string{"Styregruppens møde den 2. november 2022 kl. 13.00 er flyttet til onsdag den 16. november 2022 kl. 13.00",
			"Begrundelse: Budgetforhandlinger"} {
			if !strings.Contains(s.Message.Text, w) {
				t.Errorf("notice lacks %q:\n%s", w, s.Message.Text)
			}
		}
		if !strings.Contains(s.Message.Invite.Description, "Flyttet fra 2. november 2022: Budgetforhandlinger") {
			t.Errorf("calendar description %q", s.Message.Invite.Description)
		}
	}
	var msgs []mail.Message
	for _, s := range h.mail.Sent() {
		msgs = append(msgs, s.Message)
	}
	if n := icstest.CheckInvites(t, msgs...); n != 5 {
		t.Errorf("%d invitations checked, want 5", n)
	}
}
