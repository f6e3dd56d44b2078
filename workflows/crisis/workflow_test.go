package crisis_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	crisisadapter "helhed/adapters/crisis"
	"helhed/internal/icstest"
	"helhed/internal/testplan"
	"helhed/internal/testredis"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}

func randers(t testing.TB) *plan.Plan { return testplan.Load(t, "randers-2021-25") }

// harness is one time-skipping workflow environment with the real
// activities: the plan, a real Redis (flushed) and an outbox directory.
type harness struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	p      *plan.Plan
	outbox string
	start  time.Time
	in     crisis.Input
	n      int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessSending(t, func(o *mailer.Outbox) mailer.Sender { return o })
}

// newHarnessSending is newHarness with the mail activity sending through
// sender, given the outbox.
func newHarnessSending(t *testing.T, sender func(*mailer.Outbox) mailer.Sender) *harness {
	t.Helper()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	h := &harness{t: t, env: s.NewTestWorkflowEnvironment(), p: randers(t), outbox: t.TempDir()}
	h.env.RegisterWorkflowWithOptions(crisis.Activation, workflow.RegisterOptions{Name: crisis.WorkflowName})
	h.env.RegisterActivity(&crisisadapter.Activities{Plan: h.p, Redis: rdb, PublicURL: "https://helhed.example"})
	h.env.RegisterActivity(&activities.Mail{Sender: sender(&mailer.Outbox{Dir: h.outbox, From: "helhedsplan@example.invalid"})})
	loc := h.p.Location()
	h.start = time.Date(2026, 3, 2, 9, 0, 0, 0, loc) // a Monday
	h.env.SetStartTime(h.start)
	h.in = crisis.Example(h.p, h.start)
	h.in.Incident = crisis.Shooting
	return h
}

// at runs f d after the start.
func (h *harness) at(d time.Duration, f func()) { h.env.RegisterDelayedCallback(f, d) }

// ok sends an Update that must be accepted and complete without error.
func (h *harness) ok(name string, arg any) {
	h.n++
	h.env.UpdateWorkflow(name, fmt.Sprintf("u%d", h.n), &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { h.t.Errorf("%s rejected: %v", name, err) },
		OnComplete: func(_ any, err error) {
			if err != nil {
				h.t.Errorf("%s failed: %v", name, err)
			}
		},
	}, arg)
}

// refused sends an Update that the validator must reject with a message
// containing want; field is the field an Invalid rejection names ("" for
// a stage refusal).
func (h *harness) refused(name string, arg any, field, want string) {
	h.n++
	h.env.UpdateWorkflow(name, fmt.Sprintf("u%d", h.n), &testsuite.TestUpdateCallback{
		OnAccept: func() { h.t.Errorf("%s accepted, want refusal %q", name, want) },
		OnReject: func(err error) {
			if !strings.Contains(err.Error(), want) {
				h.t.Errorf("%s refused with %q, want %q", name, err, want)
			}
			var app *temporal.ApplicationError
			gotField := ""
			if errors.As(err, &app) && app.HasDetails() {
				_ = app.Details(&gotField)
			}
			if gotField != field {
				h.t.Errorf("%s refusal names field %q, want %q", name, gotField, field)
			}
		},
		OnComplete: func(any, error) {},
	}, arg)
}

func (h *harness) state() crisis.State {
	v, err := h.env.QueryWorkflow(crisis.QueryState)
	if err != nil {
		h.t.Fatal(err)
	}
	var s crisis.State
	if err := v.Get(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) expectStage(d time.Duration, want string) {
	h.at(d, func() {
		if got := h.state().Stage; got != want {
			h.t.Errorf("at +%s stage %q, want %q", d, got, want)
		}
	})
}

func (h *harness) run() crisis.Result {
	h.env.ExecuteWorkflow(crisis.WorkflowName, h.in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatal(err)
	}
	var r crisis.Result
	if err := h.env.GetWorkflowResult(&r); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// testRunID is the run id the test environment gives every workflow; the
// e-mail keys are scoped to it (workflows.MailKey).
const testRunID = "default-test-run-id"

// mail returns the outbox message with business key key, failing when it
// was not sent.
func (h *harness) mail(key string) sentMail {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.outbox, mailer.FileName(workflows.RunMailKey(testRunID, key))))
	if err != nil {
		h.t.Fatalf("mail %s not sent: %v", key, err)
	}
	return parseMail(h.t, string(b))
}

func (h *harness) noMail(key string) {
	h.t.Helper()
	if _, err := os.Stat(filepath.Join(h.outbox, mailer.FileName(workflows.RunMailKey(testRunID, key)))); err == nil {
		h.t.Errorf("mail %s was sent", key)
	}
}

// TestFullActivation walks an activation through the meeting (confirmed,
// then moved), SSP activation, resident information (agreed, approved,
// sent) and the evaluation, with the refusals a stage gives on the way.
func TestFullActivation(t *testing.T) {
	h := newHarness(t)
	id := "default-test-workflow-id" // the test environment's workflow ID
	first, moved := h.start.Add(3*time.Hour), h.start.Add(5*time.Hour)

	h.expectStage(time.Minute, crisis.StageConvening)
	h.at(time.Hour, func() {
		s := h.state()
		if len(s.OpenTasks) != 1 || s.OpenTasks[0].Name != crisis.UpdateConfirmMeeting || strings.Join(s.Accepts, ",") != "confirm-meeting,cancel" {
			t.Errorf("convening: open %+v accepts %v", s.OpenTasks, s.Accepts)
		}
		h.refused(crisis.UpdateClose, crisis.Closing{}, "", "kan først afsluttes efter mødet")
		h.refused(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: h.start.Add(-time.Hour), Place: "X"}, "at", "passeret")
		h.refused(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: first}, "place", "mødestedet")
		h.ok(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: first, Place: "Bysekretariatet, Flyvervej 5"})
	})
	h.expectStage(90*time.Minute, crisis.StageScheduled)
	h.at(2*time.Hour, func() {
		h.refused(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: first, Place: "X"}, "", "allerede indkaldt")
		h.ok(crisis.UpdateMoveMeeting, crisis.MeetingTime{At: moved, Place: "Beboerhuset"})
	})
	// The original time passes: the meeting was moved, so still scheduled.
	h.expectStage(4*time.Hour, crisis.StageScheduled)
	h.expectStage(5*time.Hour+time.Minute, crisis.StageFollowUp)
	h.at(6*time.Hour, func() {
		s := h.state()
		if !s.MeetingHeld || len(s.OpenTasks) != 3 {
			t.Errorf("follow-up: held %v open %+v", s.MeetingHeld, s.OpenTasks)
		}
		h.refused(crisis.UpdateClose, crisis.Closing{}, "", "SSP-aktiveringen er ikke registreret")
		h.refused(crisis.UpdateApproveInfo, crisis.Approval{}, "", "ingen aftalt tekst")
		h.refused(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: true}, "message", "skal udfyldes")
		h.refused(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: true, Message: "Kontakt 010203-1234"}, "message", "CPR")
		h.ok(crisis.UpdateSSP, crisis.SSPDecision{Activated: true, Note: "Klubberne og skolen er orienteret."})
		h.ok(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: true, Message: "Der har været skud i området i nat. Politiet er til stede."})
		h.refused(crisis.UpdateClose, crisis.Closing{Evaluate: true}, "", "ikke godkendt og sendt")
		h.refused(crisis.UpdateApproveInfo, crisis.Approval{ApprovedBy: "formand"}, "approvedBy", "ikke en rolle")
		h.ok(crisis.UpdateApproveInfo, crisis.Approval{ApprovedBy: "sekretariatsleder"})
	})
	h.at(7*time.Hour, func() {
		s := h.state()
		if !s.InfoApproved || s.InfoSentTo == 0 {
			t.Errorf("info not sent: %+v", s)
		}
		h.refused(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false}, "", "allerede godkendt")
		h.ok(crisis.UpdateClose, crisis.Closing{Evaluate: true, Note: "Evaluering aftalt."})
	})
	h.at(8*time.Hour, func() {
		s := h.state()
		if s.Stage != crisis.StageEvaluation || s.EvaluateBy == nil || len(s.OpenTasks) != 1 || s.OpenTasks[0].Name != crisis.UpdateEvaluation {
			t.Errorf("evaluation: %+v", s)
		}
		// Five weekdays after Monday 2 March 2026 is Monday 9 March.
		if got := s.EvaluateBy.In(h.p.Location()).Format(time.DateOnly); got != "2026-03-09" {
			t.Errorf("evaluation due %s", got)
		}
		h.refused(crisis.UpdateCancel, crisis.Cancellation{Reason: "x"}, "", "afsluttet")
		h.refused(crisis.UpdateEvaluation, crisis.Evaluation{}, "summary", "skal udfyldes")
		h.ok(crisis.UpdateEvaluation, crisis.Evaluation{Summary: "Informationen nåede ud samme dag.", ChannelsWorked: true})
	})

	r := h.run()
	if r.Status != crisis.StageClosed || !r.SSPActivated || !r.InfoSent || !r.Evaluated || r.MeetingAt == nil || !r.MeetingAt.Equal(moved) {
		t.Fatalf("result %+v", r)
	}
	for _, role := range h.p.Governance.Crisis.Roles {
		if m := h.mail(id + "/activated/" + role.ID); !strings.Contains(m.Text, "Skyderi") || !strings.Contains(m.Subject, "Gl. Jennumparken") {
			t.Errorf("activation mail to %s lacks the incident", role.ID)
		}
	}
	if m := h.mail(id + "/activated/sekretariatsleder"); !strings.Contains(m.Text, "Du er tovholder") || !strings.Contains(m.Text, "Østjyllands Politis") {
		t.Errorf("convenor's activation mail:\n%s", m.Text)
	}
	ics0, ics1 := h.mail(id+"/meeting-0").ICS, h.mail(id+"/meeting-1").ICS
	if !strings.Contains(ics0, "SEQUENCE:0") || !strings.Contains(ics0, "DTSTART:20260302T110000Z") {
		t.Errorf("first invitation:\n%s", ics0)
	}
	if !strings.Contains(ics1, "SEQUENCE:1") || !strings.Contains(ics1, "LOCATION:Beboerhuset") || !strings.Contains(ics1, "DTSTART:20260302T130000Z") {
		t.Errorf("moved invitation:\n%s", ics1)
	}
	h.mail(id + "/task-ssp")
	h.mail(id + "/task-resident-information")
	info := h.mail(id + "/resident-information")
	for _, want := range []string{"randersbolig", "bysekretariatet", "Politiet er til stede"} {
		if !strings.Contains(info.To+info.Text, want) {
			t.Errorf("resident information lacks %q:\n%s", want, info)
		}
	}
	h.mail(id + "/task-evaluation")
	h.mail(id + "/evaluation")
	h.noMail(id + "/convene-reminder")
	h.noMail(id + "/evaluation-reminder")

	// The read model and the metrics built from it.
	hash := rdb.HGetAll(context.Background(), crisisadapter.KeyRunPrefix+id).Val()
	if hash["stage"] != crisis.StageClosed || hash["incident"] != crisis.Shooting || hash["firstMeetingAt"] != moved.UTC().Format(time.RFC3339) {
		t.Errorf("read model %v", hash)
	}
	// What a reconcile rebuilds from the state query is what the workflow wrote.
	if want := crisisadapter.RecordHash(crisis.RecordOf(id, h.state())); !maps.Equal(hash, want) {
		t.Errorf("read model %v, rebuilt from state %v", hash, want)
	}
	fams := gather(t)
	if v := counter(fams, "helhed_crisis_activations_total", "type", crisis.Shooting); v != 1 {
		t.Errorf("activations{shooting} = %v", v)
	}
	if v := counter(fams, "helhed_crisis_activations_total", "type", crisis.Arson); v != 0 {
		t.Errorf("activations{arson} = %v", v)
	}
	hist := fams["helhed_crisis_time_to_first_meeting_seconds"].GetMetric()[0].GetHistogram()
	if hist.GetSampleCount() != 1 || hist.GetSampleSum() != 5*3600 {
		t.Errorf("time to first meeting: count %d sum %v", hist.GetSampleCount(), hist.GetSampleSum())
	}
}

// TestConveneReminderAndCancel: nobody confirms the meeting, so the
// convenor is reminded at the deadline; then the activation is withdrawn.
func TestConveneReminderAndCancel(t *testing.T) {
	h := newHarness(t)
	id := "default-test-workflow-id"
	h.in.ConveneWithinHours = 2
	h.at(time.Hour, func() { h.refused(crisis.UpdateCancel, crisis.Cancellation{Reason: "  "}, "reason", "begrundelse") })
	h.at(3*time.Hour, func() {
		if s := h.state(); s.Stage != crisis.StageConvening {
			t.Errorf("stage %s", s.Stage)
		}
		h.ok(crisis.UpdateCancel, crisis.Cancellation{Reason: "Falsk alarm: brandvæsnet fandt intet."})
	})
	r := h.run()
	if r.Status != crisis.StageCancelled || r.Reason != "Falsk alarm: brandvæsnet fandt intet." || r.MeetingAt != nil {
		t.Fatalf("result %+v", r)
	}
	if m := h.mail(id + "/convene-reminder"); !strings.Contains(m.Text, "skulle have været indkaldt senest 2.3.2026 kl. 11.00") {
		t.Errorf("reminder:\n%s", m.Text)
	}
	h.mail(id + "/cancelled")
	h.noMail(id + "/meeting-cancelled")
	if stage := rdb.HGet(context.Background(), crisisadapter.KeyRunPrefix+id, "stage").Val(); stage != crisis.StageCancelled {
		t.Errorf("read model stage %q", stage)
	}
	hist := gather(t)["helhed_crisis_time_to_first_meeting_seconds"].GetMetric()[0].GetHistogram()
	if hist.GetSampleCount() != 0 {
		t.Errorf("a cancelled activation without meeting counted: %d", hist.GetSampleCount())
	}
}

// TestCancelScheduledMeetingAndNoInformation: a cancelled activation with a
// meeting on sends the calendar cancellation.
func TestCancelScheduledMeeting(t *testing.T) {
	h := newHarness(t)
	id := "default-test-workflow-id"
	h.at(time.Hour, func() {
		h.ok(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: h.start.Add(24 * time.Hour), Place: "Rådhuset"})
	})
	h.at(2*time.Hour, func() { h.ok(crisis.UpdateCancel, crisis.Cancellation{Reason: "Politiet har overtaget sagen."}) })
	if r := h.run(); r.Status != crisis.StageCancelled {
		t.Fatalf("result %+v", r)
	}
	if ics := h.mail(id + "/meeting-cancelled").ICS; !strings.Contains(ics, "METHOD:CANCEL") || !strings.Contains(ics, "SEQUENCE:1") {
		t.Errorf("no calendar cancellation:\n%s", ics)
	}
}

// TestNoInformationNoEvaluation: the group agrees nothing is to be told
// and closes without evaluation.
func TestNoInformationNoEvaluation(t *testing.T) {
	h := newHarness(t)
	id := "default-test-workflow-id"
	h.at(time.Hour, func() {
		h.ok(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: h.start.Add(2 * time.Hour), Place: "Rådhuset"})
	})
	h.at(3*time.Hour, func() {
		h.refused(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false, Message: "x"}, "message", "kun mening")
		h.ok(crisis.UpdateSSP, crisis.SSPDecision{Activated: false, Note: "Ikke nødvendigt."})
		h.ok(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false})
		h.refused(crisis.UpdateApproveInfo, crisis.Approval{}, "", "ingen aftalt tekst")
		h.ok(crisis.UpdateClose, crisis.Closing{Evaluate: false})
	})
	r := h.run()
	if r.Status != crisis.StageClosed || r.Evaluated || r.InfoSent || r.SSPActivated {
		t.Fatalf("result %+v", r)
	}
	h.noMail(id + "/resident-information")
	h.noMail(id + "/task-evaluation")
}

// TestEvaluationReminder: the evaluation is late, so the convenor is
// reminded once at its due time.
func TestEvaluationReminder(t *testing.T) {
	h := newHarness(t)
	id := "default-test-workflow-id"
	h.at(time.Hour, func() {
		h.ok(crisis.UpdateConfirmMeeting, crisis.MeetingTime{At: h.start.Add(2 * time.Hour), Place: "Rådhuset"})
	})
	h.at(3*time.Hour, func() {
		h.ok(crisis.UpdateSSP, crisis.SSPDecision{Activated: true})
		h.ok(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false})
		h.ok(crisis.UpdateClose, crisis.Closing{Evaluate: true})
	})
	h.at(10*24*time.Hour, func() { h.ok(crisis.UpdateEvaluation, crisis.Evaluation{Summary: "Sen, men grundig."}) })
	if r := h.run(); !r.Evaluated {
		t.Fatalf("result %+v", r)
	}
	h.mail(id + "/evaluation-reminder")
}

func gather(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(&crisisadapter.Collector{Redis: rdb}); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

func counter(fams map[string]*dto.MetricFamily, name, label, value string) float64 {
	for _, m := range fams[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label && l.GetValue() == value {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}

// sentMail is an outbox message, decoded.
type sentMail struct {
	To, Subject, Text, ICS string
}

// parseMail decodes an .eml message: headers, the plain text (quoted-
// printable) and the calendar attachment (base64), if any.
func parseMail(t *testing.T, eml string) sentMail {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	out := sentMail{To: msg.Header.Get("To"), Subject: subject}
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(r io.Reader, enc, ctype string) {
		switch enc {
		case "quoted-printable":
			r = quotedprintable.NewReader(r)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, r)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(ctype, "text/calendar") {
			out.ICS = string(b)
			if err := icstest.ValidatePart(ctype, b); err != nil {
				t.Errorf("calendar attachment is not RFC 5545: %v\n%s", err, b)
			}
		} else if strings.HasPrefix(ctype, "text/plain") {
			out.Text = string(b)
		}
	}
	if !strings.HasPrefix(media, "multipart/") {
		read(msg.Body, msg.Header.Get("Content-Transfer-Encoding"), media)
		return out
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		read(part, part.Header.Get("Content-Transfer-Encoding"), part.Header.Get("Content-Type"))
	}
}
