package schedules_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	absenceadapter "helhed/adapters/absence"
	meetingadapter "helhed/adapters/meeting"
	"helhed/internal/replaytest"
	"helhed/mailer"
	"helhed/schedules"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// TestMeetingRoundMovesOnTheServer runs an open meeting round against the
// real DataRequest: the requests start, a bad move is refused, a move
// extends every open request through its extend Update and sends an
// updated invitation (same UID, SEQUENCE 1).
func TestMeetingRoundMovesOnTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := shared.Plan
	in := meeting.Input{Plan: p.ID, BoardDate: soonBoard.String()}
	if err := meetingadapter.RunKind().Validate(p, &in); err != nil {
		t.Fatal(err)
	}
	id := meeting.WorkflowID(in)
	round, err := shared.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, meeting.WorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	state := func() (meeting.State, error) {
		var st meeting.State
		v, err := shared.Temporal.QueryWorkflow(ctx, id, "", meeting.QueryState)
		if err == nil {
			err = v.Get(&st)
		}
		return st, err
	}
	var st meeting.State
	waitFor(t, "the round to open", func() (bool, error) {
		var err error
		st, err = state()
		return err == nil && st.Stage == meeting.StageCollecting, err
	})
	// One per member, one to the monitoring unit, and the secretariat's
	// budget table when the plan has a budget for the year.
	want := len(p.Governance.SteeringGroup.Members) + 1
	if len(p.Budget(st.Year)) > 0 {
		want++
	}
	if len(st.Requests) != want {
		t.Fatalf("%d requests, want %d", len(st.Requests), want)
	}
	first := st.Requests[0]
	requestDue := func() (string, error) {
		var ds datarequest.State
		v, err := shared.Temporal.QueryWorkflow(ctx, datarequest.WorkflowID(first.RequestID), "", datarequest.QueryState)
		if err == nil {
			err = v.Get(&ds)
		}
		return ds.Due, err
	}
	waitFor(t, "the first data request to answer", func() (bool, error) {
		due, err := requestDue()
		return due == st.Timeline.Due.String(), err
	})

	err = update(ctx, id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: "2020-01-01"}, nil)
	if err == nil || !strings.Contains(err.Error(), "fortiden") {
		t.Errorf("a move into the past: %v", err)
	}
	to := soonBoard.AddDays(7)
	var tl meeting.Timeline
	if err := update(ctx, id, meeting.UpdateMoveBoard, meeting.MoveBoard{BoardDate: to.String(), Reason: "test"}, &tl); err != nil {
		t.Fatal(err)
	}
	if tl.Board != to || !tl.Due.After(st.Timeline.Due) {
		t.Fatalf("timeline after the move %+v", tl)
	}
	waitFor(t, "the open request to be extended", func() (bool, error) {
		due, err := requestDue()
		return due == tl.Due.String(), err
	})
	key := workflows.RunMailKey(round.GetRunID(), "meeting/"+p.ID+"/"+in.Key()+"/invite-styregruppe-1")
	var ics string
	waitFor(t, "the updated invitation", func() (bool, error) {
		var err error
		ics, err = attachment(filepath.Join(shared.Config.DataDir, "outbox", mailer.FileName(key)), "invitation.ics")
		return err == nil, err
	})
	for _, w := range []string{"SEQUENCE:1", "UID:" + meeting.InviteUID(p.ID, in.Key(), "styregruppe")} {
		if !strings.Contains(ics, w) {
			t.Errorf("invitation lacks %s:\n%s", w, ics)
		}
	}
	answerOneMember(ctx, t, st, state)
	replaytest.Record(t, shared.Temporal, id, "../workflows/meeting/testdata/meeting-round-history.json")
	reconcileRebuilds(t, meeting.Kind, meetingadapter.KeyPatterns)
}

// answerOneMember submits one member's progress data through the real
// DataRequest's submit Update: its figures reach the read model (and
// helhed_milestone_actual) at once, and the completeness metric counts the
// answer, weeks before the progress report.
func answerOneMember(ctx context.Context, t *testing.T, st meeting.State, state func() (meeting.State, error)) {
	t.Helper()
	var req datarequest.State
	for _, q := range st.Requests {
		if q.Kind != meeting.RequestProgress {
			continue
		}
		v, err := shared.Temporal.QueryWorkflow(ctx, datarequest.WorkflowID(q.RequestID), "", datarequest.QueryState)
		if err == nil {
			err = v.Get(&req)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(req.Input.Fields) > 1 { // figures besides the status text
			break
		}
	}
	// 7, not below the discretion threshold, so the actual is published.
	vals := map[string]string{}
	for _, f := range req.Input.Fields {
		vals[f.Key] = "7"
		if f.Type == datarequest.Text {
			vals[f.Key] = "Som planlagt"
		}
	}
	if err := update(ctx, datarequest.WorkflowID(req.Input.RequestID), datarequest.UpdateSubmit,
		datarequest.Submission{Values: vals, SubmittedBy: "operator"}, nil); err != nil {
		t.Fatal(err)
	}
	key := "helhed:meeting:round:" + st.Input.Plan + ":" + st.Input.Key()
	waitFor(t, "the answer in the read model", func() (bool, error) {
		n, err := shared.Redis.HGet(ctx, key, "answered").Result()
		return n == "1", err
	})
	st, err := state()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Figures) == 0 || st.Figures[0].Partner != req.Input.Partner || st.Stage != meeting.StageCollecting {
		t.Fatalf("figures %+v at stage %s", st.Figures, st.Stage)
	}
	body := shared.Scrape(t)
	f := st.Figures[0]
	for _, w := range []string{
		fmt.Sprintf(`helhed_milestone_actual{activity=%q,area=%q,metric=%q,year=%q} 7`, f.Activity, f.Area, f.Metric, st.Year),
		fmt.Sprintf(`helhed_progress_report_completeness_ratio{meeting=%q,year=%q} %g`, st.Meeting, st.Year, 1/float64(len(st.Requests))),
	} {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
}

// attachment reads one attachment of an .eml file.
func attachment(path, name string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart()
		if err != nil {
			return "", err
		}
		if part.FileName() != name {
			continue
		}
		body, err := io.ReadAll(part)
		if err != nil {
			return "", err
		}
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "base64") {
			dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
			return string(dec), err
		}
		return string(body), nil
	}
}

// TestAbsenceScheduleTriggerOnTheServer fires the absence schedule by
// hand: Launch starts the quarter due now; schools answer through the real
// DataRequest's submit Update (one with a bad file first, which is
// refused and asked for again); the operator closes the round; the note
// names the school that did not answer and the figures reach /metrics.
func TestAbsenceScheduleTriggerOnTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := shared.Plan
	specs, err := absence.ScheduleSpecs(p)
	if err != nil {
		t.Fatal(err)
	}
	occ, ok := schedules.Pick(specs[0].Occurrences, time.Now())
	if !ok {
		t.Fatalf("no absence quarter is due today in plan %s %s (the derived test plan has one)", p.ID, p.Period)
	}
	if err := schedules.Trigger(ctx, shared.Temporal, schedules.ID(p.ID, schedules.CycleAbsenceFollowUp)); err != nil {
		t.Fatal(err)
	}
	state := func() (absence.State, error) {
		var st absence.State
		v, err := shared.Temporal.QueryWorkflow(ctx, occ.WorkflowID, "", absence.QueryState)
		if err == nil {
			err = v.Get(&st)
		}
		return st, err
	}
	var st absence.State
	waitFor(t, "the quarter's round and its four requests", func() (bool, error) {
		var err error
		st, err = state()
		if err != nil || len(st.Schools) != 4 {
			return false, err
		}
		for _, s := range st.Schools {
			if s.RequestID == "" {
				return false, nil
			}
		}
		return true, nil
	})
	// The round names a request a moment before its child has started, so
	// a submit may first find no workflow.
	submit := func(requestID, csv string) error {
		var err error
		waitFor(t, "submit to "+requestID, func() (bool, error) {
			err = update(ctx, datarequest.WorkflowID(requestID), datarequest.UpdateSubmit, datarequest.Submission{CSV: csv, SubmittedBy: "operator"}, nil)
			return err == nil || !strings.Contains(err.Error(), "not found"), err
		})
		return err
	}
	header := "elev_id;omraade;skoledage;fravaersdage;ulovligt_fravaer\n"
	csvs := map[string]string{
		"noerrevangsskolen": header + "N1;Gl. Jennumparken;60;3;0\nN2;gl-jennumparken;60;6;6\nN3;gl-jennumparken;60;12;9\nN4;gl-jennumparken;60;0;0\nN5;gl-jennumparken;60;1,5;0\nN6;gl-jennumparken;60;4,5;3\n",
		"oestervangsskolen": header + "O1;hermann-stillingsvej-omraadet;50;2;0\n",
		"hobrovejens-skole": header + "H1;Energivej;40;2;0\n",
	}
	// A bad file is refused by the request itself (the round's rules are
	// the table's): no attempt is used and the school answers the same
	// request again.
	bad := header + "N1;Gl. Jennumparken;60;61;0\n"
	if err := submit(st.Schools[0].RequestID, bad); err == nil ||
		!strings.Contains(err.Error(), "linje 2, kolonne fravaersdage: »fravaersdage« (61) må ikke være mere end »skoledage« (60)") {
		t.Fatalf("bad file: %v", err)
	}
	for _, s := range st.Schools {
		csv, ok := csvs[s.School]
		if !ok {
			continue // vestervangsskolen never answers
		}
		if err := submit(s.RequestID, csv); err != nil {
			t.Fatalf("%s: %v", s.School, err)
		}
	}
	waitFor(t, "three schools accepted", func() (bool, error) {
		var err error
		st, err = state()
		n := 0
		for _, s := range st.Schools {
			if s.Status == absence.SchoolAccepted {
				n++
			}
		}
		return n == 3, err
	})
	if err := update(ctx, occ.WorkflowID, absence.UpdateClose, absence.Close{Reason: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	var res absence.Result
	if err := shared.Temporal.GetWorkflow(ctx, occ.WorkflowID, "").Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Schools {
		if s.School == "vestervangsskolen" && s.Status != absence.SchoolMissing {
			t.Errorf("vestervangsskolen %s", s.Status)
		}
	}
	note, err := os.ReadFile(filepath.Join(shared.Config.DataDir, res.Note[0]))
	if err != nil || !strings.Contains(string(note), "**Skoler uden gyldige data ved fristen:** Vestervangsskolen.") ||
		!strings.Contains(string(note), "| Gl. Jennumparken | 6 | 7,5 | 5,7 | +1,8 | .. | .. |") {
		t.Errorf("note (%v):\n%s", err, note)
	}
	body := shared.Scrape(t)
	q := strings.TrimPrefix(occ.WorkflowID, absence.WorkflowID(absence.Input{Plan: p.ID})) // the quarter
	for _, w := range []string{
		`helhed_absence_percent{area="gl-jennumparken",quarter="` + q + `"} 7.5`,
		`helhed_absence_kommune_percent 4.5`,
		`helhed_absence_flags_suppressed{area="gl-jennumparken",level="10"} 1`,
		`helhed_meeting_next_timestamp_seconds{body="steering-group"}`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
	if strings.Contains(body, `helhed_absence_percent{area="hermann-stillingsvej-omraadet"`) {
		t.Error("an area with one pupil was published")
	}
	replaytest.Record(t, shared.Temporal, occ.WorkflowID, "../workflows/absence/testdata/absence-follow-up-history.json")
	reconcileRebuilds(t, absence.Kind, absenceadapter.KeyPatterns)
}
