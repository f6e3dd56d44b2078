package meeting_test

import (
	"strings"
	"testing"
	"time"

	"helhed/fielderr"
	"helhed/internal/cycletest"
	"helhed/internal/icstest"
	"helhed/mail"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// TestStartGuards: starting a round applies the date guards and refuses
// in Danish, naming the field (the run layer answers such a
// fielderr.Error with 400 and the field).
func TestStartGuards(t *testing.T) {
	p := randers(t)
	today := plan.NewDate(2022, 8, 15)
	for _, c := range []struct {
		in    meeting.Input
		field string
		msgs  []string
	}{
		{meeting.Input{Plan: p.ID, BoardDate: "2022-11-26"}, "boardDate", []string{"lørdag den 26. november 2022 er en lørdag; vælg en hverdag"}},
		{meeting.Input{Plan: p.ID, BoardDate: "2023-04-06", DeviationReason: "Påske"}, "boardDate", []string{"skærtorsdag, en helligdag"}},
		{meeting.Input{Plan: p.ID, BoardDate: "2022-11-30"}, "deviationReason",
			[]string{"30. november 2022 er ikke et af planens møder", "onsdag den 23. november 2022", "hvorfor mødet afviger fra planen"}},
		{meeting.Input{Plan: p.ID, SummerDate: "2023-06-21"}, "deviationReason", []string{"ikke et af planens møder", "onsdag den 28. juni 2023"}},
		// A strategic board meeting has no steering-group meeting: no round,
		// reason or not.
		{meeting.Input{Plan: p.ID, BoardDate: "2022-09-14", DeviationReason: "Ekstra"}, "boardDate", []string{"strategiske møde"}},
		// Too early: the round would open at once and ask for data by
		// 18 August (three weekdays), after the report on 15 August.
		{meeting.Input{Plan: p.ID, BoardDate: "2022-09-12", DeviationReason: "Ekstra"}, "boardDate",
			[]string{"12. september 2022 er for tidligt", "udarbejdes 15. august 2022, men partnernes frist for data er 18. august 2022",
				"Første dato, der virker, er fredag den 16. september 2022"}},
	} {
		fe := c.in.Check(p, today, true)
		if fe == nil || fe.Field != c.field {
			t.Errorf("%+v: %v, want a field error on %s", c.in, fe, c.field)
			continue
		}
		for _, m := range c.msgs {
			if !strings.Contains(fe.Message, m) {
				t.Errorf("%+v: %q lacks %q", c.in, fe.Message, m)
			}
		}
	}
	for _, ok := range []meeting.Input{
		{Plan: p.ID, BoardDate: "2022-11-23"},
		{Plan: p.ID, BoardDate: "2022-11-30", DeviationReason: "Kommunalbestyrelsens budgetmøde den 23."},
		{Plan: p.ID, SummerDate: "2023-06-28"},
	} {
		if fe := ok.Check(p, today, true); fe != nil {
			t.Errorf("%+v refused: %v", ok, fe)
		}
	}
}

// TestStrategicBoardMeetingHasNoRound: no schedule occurrence for a
// strategic board meeting, and a round started for one fails at once
// without inventing a steering-group meeting.
func TestStrategicBoardMeetingHasNoRound(t *testing.T) {
	h := newHarness(t, local(t, "2022-08-01 00:00"))
	specs, err := meeting.ScheduleSpecs(h.plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range h.plan.BoardMeetings() {
		if m.Kind != plan.MeetingStrategic {
			continue
		}
		for _, o := range specs[0].Occurrences {
			if strings.Contains(o.WorkflowID, m.Date.String()) {
				t.Errorf("occurrence %s for the strategic meeting %s", o.WorkflowID, m.Date)
			}
		}
	}
	h.env.ExecuteWorkflow(meeting.WorkflowName, meeting.Input{Plan: h.plan.ID, BoardDate: "2022-09-14", DeviationReason: "Ekstra"})
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "strategiske møde") {
		t.Fatalf("error %v", err)
	}
	if len(h.double.Started()) != 0 || len(h.mail.Sent()) != 0 {
		t.Error("a round for a strategic meeting left traces")
	}
}

// moveRefusal captures a move-board refusal.
type moveRefusal struct {
	err      error
	accepted bool
}

func (r *moveRefusal) Accept()                   {}
func (r *moveRefusal) Reject(err error)          { r.err = err }
func (r *moveRefusal) Complete(_ any, err error) { r.accepted = err == nil }

// TestMoveEarlierPastDeadlineIsRefused moves the board meeting earlier
// while the partners' requests are open, so far that the progress report
// would close them before their deadline: the move is refused, naming
// the first date that works, and nobody is told they were late. A move
// to that date goes through; the members hear the old date, the reason
// and the place, and every .ics passes the RFC 5545 check.
func TestMoveEarlierPastDeadlineIsRefused(t *testing.T) {
	flush(t)
	p := randers(t)
	p.Governance.SteeringGroup.Place = "Rådhuset, Laksetorvet 1, mødelokale 2"
	h := newHarnessFor(t, local(t, "2022-09-20 00:00"), p)
	// Everybody answers on time, 14 days after the request (deadline
	// 2022-10-19).
	h.double.Answer = func(in datarequest.Input) *cycletest.Answer {
		a := answerAll(in)
		if a == nil {
			a = answerAll(datarequest.Input{Fields: in.Fields, Areas: in.Areas})
		}
		a.After = 14 * 24 * time.Hour
		return a
	}
	in := meeting.Input{Plan: p.ID, BoardDate: "2022-11-23"}
	id := meeting.WorkflowID(in)
	h.env.SetStartWorkflowOptions(clientStartOptions(id))

	tooEarly, saturday, noReason := &moveRefusal{}, &moveRefusal{}, &moveRefusal{}
	at := func(when string, cb *moveRefusal, m meeting.MoveBoard) {
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(meeting.UpdateMoveBoard, "", cb, m)
		}, local(t, when).Sub(h.env.Now()))
	}
	at("2022-10-03 09:00", tooEarly, meeting.MoveBoard{BoardDate: "2022-11-09", Reason: "Borgmesteren er forhindret"})
	at("2022-10-03 09:00", saturday, meeting.MoveBoard{BoardDate: "2022-11-19", Reason: "Borgmesteren er forhindret"})
	at("2022-10-03 09:00", noReason, meeting.MoveBoard{BoardDate: "2022-11-17"})
	h.updateAt(t, local(t, "2022-10-03 10:00"), id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2022-11-17", Reason: "Borgmesteren er forhindret"})
	h.updateAt(t, local(t, "2022-11-17 17:00"), id, meeting.UpdateRecordDecisions, meeting.Record{Text: "Godkendt"})
	st := h.run(t, in)

	for name, c := range map[string]struct {
		r           *moveRefusal
		field, want string
	}{
		"too early": {tooEarly, "boardDate", "fremdriftsrapporten skulle så udarbejdes 12. oktober 2022, men partnernes frist for data er 19. oktober 2022. " +
			"Første dato, der virker, er torsdag den 17. november 2022"},
		"saturday":  {saturday, "boardDate", "er en lørdag"},
		"no reason": {noReason, "reason", "17. november 2022 er ikke et af planens møder"},
	} {
		fe, ok := fielderr.From(c.r.err)
		if c.r.accepted || !ok || fe.Field != c.field || !strings.Contains(fe.Message, c.want) {
			t.Errorf("%s: accepted=%v err=%v, want %s: …%s…", name, c.r.accepted, c.r.err, c.field, c.want)
		}
	}
	if len(st.Moves) != 1 || st.Timeline.Board.String() != "2022-11-17" || st.Timeline.Report.String() != "2022-10-20" {
		t.Errorf("moves %+v, timeline %+v", st.Moves, st.Timeline)
	}
	// No request was cancelled: every partner answered before the report.
	if c := h.double.Cancelled(); len(c) != 0 {
		t.Errorf("cancelled %v", c)
	}
	for _, q := range st.Requests {
		if q.Status != datarequest.StatusAnswered || !q.OnTime || q.Due != "2022-10-19" {
			t.Errorf("request %+v", q)
		}
	}
	var msgs []mail.Message
	for _, s := range h.mail.Sent() {
		msgs = append(msgs, s.Message)
		if strings.Contains(s.Message.Text, "overskredet") {
			t.Errorf("%s tells someone they were late:\n%s", s.Message.Key, s.Message.Text)
		}
	}
	if n := icstest.CheckInvites(t, msgs...); n != 4 {
		t.Errorf("%d invitations, want 4 (two bodies, invited and moved)", n)
	}
	notice := false
	for _, m := range msgs {
		if m.Invite == nil || m.Invite.Sequence == 0 || !strings.Contains(m.Key, "invite-styregruppe") {
			continue
		}
		notice = true
		for _, w := range []string{"Styregruppens møde den 2. november 2022 kl. 13.00 er flyttet til torsdag den 27. oktober 2022 kl. 13.00",
			"Begrundelse: Borgmesteren er forhindret", "Sted: Rådhuset, Laksetorvet 1, mødelokale 2"} {
			if !strings.Contains(m.Text, w) {
				t.Errorf("notice lacks %q:\n%s", w, m.Text)
			}
		}
		if ics := strings.ReplaceAll(string(m.Invite.Attachment().Data), "\r\n ", ""); !strings.Contains(ics, "LOCATION:Rådhuset\\, Laksetorvet 1\\, mødelokale 2") {
			t.Errorf("no LOCATION:\n%s", ics)
		}
		if !strings.HasPrefix(m.Subject, "Mødet er flyttet: Styregruppens møde den 2. november 2022 – nu torsdag den 27. oktober 2022") {
			t.Errorf("subject %q", m.Subject)
		}
	}
	if !notice {
		t.Error("no notice of the moved steering-group meeting")
	}
	for _, s := range h.double.Started() {
		// Started before the move: titled by the date then.
		if !strings.HasSuffix(s.Input.Title, " til styregruppens møde den 2. november 2022") {
			t.Errorf("request title %q", s.Input.Title)
		}
	}
}
