package datarequest_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"log/slog"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	datarequestadapter "helhed/adapters/datarequest"
	"helhed/adapters/datarequest/tokens"
	"helhed/danish"
	"helhed/internal/testredis"
	"helhed/mail"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows"
	"helhed/workflows/datarequest"
)

var testRedis *testredis.Server

func TestMain(m *testing.M) {
	rs, err := testredis.Start()
	if err != nil {
		if testredis.Required() {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("skipping tests that need redis-server:", err)
	} else {
		testRedis = rs
	}
	code := m.Run()
	if rs != nil {
		rs.Stop()
	}
	os.Exit(code)
}

// sent is one notice the workflow sent, at workflow time.
type sent struct {
	At  time.Time
	Key string
	N   datarequest.Notice
}

// harness is a time-skipping test environment with the real activities:
// a real Redis for the read model and tokens, the real outbox sender.
type harness struct {
	env    *testsuite.TestWorkflowEnvironment
	store  *datarequestadapter.Store
	outbox string
	mu     sync.Mutex
	sent   []sent
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	return newHarnessSending(t, start, func(o *mailer.Outbox) mailer.Sender { return o })
}

// newHarnessSending is newHarness with the outbox wrapped by sender.
func newHarnessSending(t *testing.T, start time.Time, sender func(*mailer.Outbox) mailer.Sender) *harness {
	t.Helper()
	if testRedis == nil {
		t.Skip("redis-server not installed")
	}
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: testRedis.Addr})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	h := &harness{store: &datarequestadapter.Store{R: rdb, Loc: p.Location()}, outbox: t.TempDir()}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	h.env = suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.SetTestTimeout(time.Minute)
	h.env.RegisterWorkflowWithOptions(datarequest.Workflow, workflow.RegisterOptions{Name: datarequest.WorkflowName})
	h.env.RegisterActivity(&datarequestadapter.Activities{Plan: p, Store: h.store, Tokens: &tokens.Tokens{R: rdb, Secret: secret},
		Mail: sender(&mailer.Outbox{Dir: h.outbox, From: "helhedsplan@example.invalid"}), PublicURL: "https://portal.example"})
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
		if info.ActivityType.Name != datarequest.ActivitySendNotice {
			return
		}
		var n datarequest.Notice
		if err := args.Get(&n); err != nil {
			t.Error(err)
			return
		}
		h.mu.Lock()
		h.sent = append(h.sent, sent{At: h.env.Now(), Key: n.Key, N: n})
		h.mu.Unlock()
	})
	return h
}

// at schedules f at a Copenhagen wall-clock time.
func (h *harness) at(t *testing.T, when string, f func()) {
	t.Helper()
	ts, err := time.ParseInLocation("2006-01-02 15:04", when, cph)
	if err != nil {
		t.Fatal(err)
	}
	h.env.RegisterDelayedCallback(f, ts.Sub(h.env.Now()))
}

// testRunID is the run id the test environment gives every workflow.
const testRunID = "default-test-run-id"

// timeline lists what was sent as "yyyy-mm-dd hh:mm kind[-n]": the key
// between the request's prefix and the run's suffix (workflows.MailKey),
// or the whole key marked "not per run:" when it lacks either.
func (h *harness) timeline(requestID string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.sent {
		kind, ok := strings.CutPrefix(s.Key, "data-request/"+requestID+"/")
		if ok {
			kind, ok = strings.CutSuffix(kind, workflows.RunMailKey(testRunID, ""))
		}
		if !ok {
			kind = "not per run: " + s.Key
		}
		out = append(out, s.At.In(cph).Format("2006-01-02 15:04")+" "+kind)
	}
	return out
}

func copenhagen(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.ParseInLocation("2006-01-02 15:04", s, cph)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func easterInput(id string) datarequest.Input {
	in := *formInput()
	in.RequestID = id
	in.Due = "2026-04-07"
	return in
}

var goodValues = map[string]string{"elever": "120", "fravaer@vangdalen": "5,7", "fravaer@gl-jennumparken": "6,1"}

// update sends an operator Update and fails the test if it is rejected.
func (h *harness) update(t *testing.T, name string, arg any) {
	h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { t.Errorf("%s rejected: %v", name, err) },
	}, arg)
}

// submit sends the submit Update and fails the test unless it completes.
func (h *harness) submit(t *testing.T, values map[string]string) {
	h.env.UpdateWorkflow(datarequest.UpdateSubmit, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { t.Errorf("submit rejected: %v", err) },
		OnComplete: func(_ any, err error) {
			if err != nil {
				t.Errorf("submit failed: %v", err)
			}
		},
	}, datarequest.Submission{Values: values, SubmittedBy: "portal"})
}

func TestRemindersAndEscalationAcrossEaster(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	h.at(t, "2026-04-15 10:00", func() { h.submit(t, goodValues) })
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("easter"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sameList(t, h.timeline("easter"), []string{
		"2026-03-20 10:00 invite",
		"2026-03-30 08:00 reminder-1", // 3 weekdays before, across the weekend
		"2026-04-07 08:00 reminder-2", // due, the day after Easter Monday
		"2026-04-09 08:00 reminder-3", // 2 weekdays after
		"2026-04-14 08:00 escalation", // 5 weekdays after
		"2026-04-15 10:00 receipt",
	})
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != datarequest.StatusAnswered || res.OnTime || res.Values["fravaer@vangdalen"] != "5.7" || !res.AnsweredAt.Equal(copenhagen(t, "2026-04-15 10:00")) {
		t.Fatalf("result %+v", res)
	}
	task, ok, err := h.store.Get(context.Background(), "easter", copenhagen(t, "2026-04-15 11:00"))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if task.Status != datarequest.StatusAnswered || task.OnTime || task.RemindersSent != 3 || !task.Escalated || task.Overdue {
		t.Fatalf("read model %+v", task)
	}
	// The escalation went to the secretariat, the rest to the partner.
	for _, s := range h.sent {
		want := "centerleder@ppr-eksempel.randers.dk"
		if s.N.Kind == datarequest.NoticeEscalation {
			want = ""
		}
		if s.N.To != want {
			t.Errorf("%s to %q", s.Key, s.N.To)
		}
	}
	eml, err := os.ReadFile(filepath.Join(h.outbox, mailer.FileName(workflows.RunMailKey(testRunID, "data-request/easter/escalation"))))
	if err != nil || !strings.Contains(string(eml), "sekretariatsleder@bysekretariatet-eksempel.randers.dk") {
		t.Fatalf("escalation e-mail: %v", err)
	}
}

func TestExtensionMovesReminders(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	h.at(t, "2026-04-08 10:00", func() {
		h.update(t, datarequest.UpdateExtend, datarequest.Extension{Due: "2026-04-17", Reason: "ferie"})
	})
	h.at(t, "2026-04-25 12:00", func() {
		h.update(t, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "data kommer fra anden kilde"})
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("extended"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sameList(t, h.timeline("extended"), []string{
		"2026-03-20 10:00 invite",
		"2026-03-30 08:00 reminder-1",
		"2026-04-07 08:00 reminder-2",
		"2026-04-08 10:00 extension-1", // the old after-due reminder (9 Apr) is not sent
		"2026-04-14 08:00 reminder-3",  // 3 weekdays before 17 Apr
		"2026-04-17 08:00 reminder-4",  // the new due date
		"2026-04-21 08:00 reminder-5",  // 2 weekdays after, across the weekend
		"2026-04-24 08:00 escalation",  // 5 weekdays after the new due date
		"2026-04-25 12:00 cancelled",
	})
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != datarequest.StatusCancelled || res.Due != "2026-04-17" || res.Reason != "data kommer fra anden kilde" {
		t.Fatalf("result %+v", res)
	}
}

func TestCancelStopsReminders(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	h.at(t, "2026-03-23 09:00", func() { h.update(t, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "sendt ved en fejl"}) })
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("cancelled"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	sameList(t, h.timeline("cancelled"), []string{"2026-03-20 10:00 invite", "2026-03-23 09:00 cancelled"})
	task, _, err := h.store.Get(context.Background(), "cancelled", copenhagen(t, "2026-05-01 00:00"))
	if err != nil || task.Status != datarequest.StatusCancelled || task.Overdue {
		t.Fatalf("read model %+v %v", task, err)
	}
}

// Rejected Updates run only the validator: the state (and its version)
// does not move, no activity runs, and the request still takes a right
// answer afterwards.
func TestRejectedUpdatesChangeNothing(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	state := func() datarequest.State {
		v, err := h.env.QueryWorkflow(datarequest.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var s datarequest.State
		if err := v.Get(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var before datarequest.State
	var rejected []error
	reject := func(name string, arg any) {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Errorf("%s accepted %+v", name, arg) },
			OnReject: func(err error) { rejected = append(rejected, err) },
		}, arg)
	}
	h.at(t, "2026-03-21 10:00", func() {
		before = state()
		reject(datarequest.UpdateSubmit, datarequest.Submission{Values: map[string]string{"elever": "mange", "fravaer@vangdalen": "140"}})
		reject(datarequest.UpdateExtend, datarequest.Extension{Due: "2026-04-01"})
		reject(datarequest.UpdateReassign, datarequest.Reassignment{Contact: "ikke en adresse"})
		reject(datarequest.UpdateCancel, datarequest.Cancellation{})
	})
	h.at(t, "2026-03-21 11:00", func() {
		after := state()
		if after.Version != before.Version || after.Status != datarequest.StatusOpen || after.Due != "2026-04-07" || after.Contact != before.Contact {
			t.Errorf("state moved: before %+v after %+v", before, after)
		}
		h.submit(t, goodValues)
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("rejected"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 4 {
		t.Fatalf("%d rejections", len(rejected))
	}
	ve, ok := datarequest.AsValidationError(rejected[0])
	if !ok || !hasError(ve.Errors, "elever", 0, "", "helt tal") || !hasError(ve.Errors, "fravaer@vangdalen", 0, "", "0 og 100") ||
		!hasError(ve.Errors, "fravaer@gl-jennumparken", 0, "", "udfyldes") {
		t.Fatalf("submit rejection %v", rejected[0])
	}
	for _, err := range rejected[1:] {
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != "FieldError" {
			t.Errorf("operator rejection %v is not a run-layer field error", err)
		}
	}
	sameList(t, h.timeline("rejected"), []string{"2026-03-20 10:00 invite", "2026-03-21 11:00 receipt"})
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil || !res.OnTime || res.Values["elever"] != "120" {
		t.Fatalf("result %+v %v", res, err)
	}
}

// Two submissions at the same moment, before the deadline: both are
// taken in turn, as answer versions 1 and 2 (correct.go), and the result
// holds the second. (A request with a parent completes at the first; the
// second is then refused as not open.)
func TestDoubleSubmitTakesOne(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	var outcomes []string
	var mu sync.Mutex
	record := func(s string) { mu.Lock(); outcomes = append(outcomes, s); mu.Unlock() }
	h.at(t, "2026-03-24 10:00", func() {
		for _, v := range []string{"120", "130"} {
			values := map[string]string{"elever": v, "fravaer@vangdalen": "1", "fravaer@gl-jennumparken": "2"}
			h.env.UpdateWorkflow(datarequest.UpdateSubmit, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) {
					if _, ok := datarequest.IsNotOpen(err); !ok {
						t.Errorf("rejected for %v", err)
					}
					record("refused")
				},
				OnComplete: func(_ any, err error) {
					if err == nil {
						record("taken " + v)
					} else if _, ok := datarequest.IsNotOpen(err); ok {
						record("refused")
					} else {
						t.Errorf("failed: %v", err)
					}
				},
			}, datarequest.Submission{Values: values})
		}
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput("double"))
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	sort.Strings(outcomes)
	if len(outcomes) != 2 || outcomes[0] != "taken 120" || outcomes[1] != "taken 130" || res.Values["elever"] != "130" {
		t.Fatalf("outcomes %v result %+v", outcomes, res)
	}
}

func TestBadInputFailsNamingTheField(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	in := easterInput("bad")
	in.Fields[0].Type = "money"
	h.env.ExecuteWorkflow(datarequest.Workflow, in)
	err := h.env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "fields[0].type") {
		t.Fatalf("error %v", err)
	}
	if len(h.timeline("bad")) != 0 {
		t.Fatal("a bad request sent mail")
	}
}

// mailOutage is a mail server that can be down: sends fail while it is,
// and each key is delivered once.
type mailOutage struct {
	out       *mailer.Outbox
	mu        sync.Mutex
	down      bool
	delivered map[string]int // per key, without the run suffix
}

func (m *mailOutage) Send(ctx context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return errors.New("451 mail server unavailable")
	}
	m.delivered[strings.TrimSuffix(msg.Key, workflows.RunMailKey(testRunID, ""))]++
	return m.out.Send(ctx, msg)
}

func (m *mailOutage) set(down bool) { m.mu.Lock(); m.down = down; m.mu.Unlock() }

func (m *mailOutage) count(key string) int { m.mu.Lock(); defer m.mu.Unlock(); return m.delivered[key] }

// The operator's extend, reassign and cancel return as soon as the
// change is recorded, with the mail server down; the read model follows at
// once and each notice once the server is back (ChangeNoticeAfterAck).
func TestOperatorUpdatesReturnBeforeTheirMail(t *testing.T) {
	smtp := &mailOutage{delivered: map[string]int{}}
	h := newHarnessSending(t, copenhagen(t, "2026-03-20 10:00"), func(o *mailer.Outbox) mailer.Sender { smtp.out = o; return smtp })
	const id = "ack"
	key := func(kind string, n int) string { return datarequest.MailKey(id, kind, n) }
	// acked sends an Update and checks, when it completes, that its notice
	// has not gone out.
	acked := func(name string, arg any, notice string) {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("%s rejected: %v", name, err) },
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("%s failed: %v", name, err)
				}
				if n := smtp.count(notice); n != 0 {
					t.Errorf("%s returned after its notice was sent", name)
				}
			},
		}, arg)
	}
	h.at(t, "2026-03-23 09:00", func() {
		smtp.set(true)
		acked(datarequest.UpdateExtend, datarequest.Extension{Due: "2026-04-17"}, key(datarequest.NoticeExtension, 1))
		acked(datarequest.UpdateReassign, datarequest.Reassignment{Contact: "ny-kontakt@ppr-eksempel.randers.dk"}, key(datarequest.NoticeReassigned, 1))
	})
	// The test environment retries an activity 10 times, 1 s doubling up
	// to 30 s: the server is back within those 2½ minutes.
	h.at(t, "2026-03-23 09:02", func() {
		task, _, err := h.store.Get(context.Background(), id, h.env.Now())
		if err != nil || task.Due != "2026-04-17" {
			t.Errorf("read model while the mail server is down: %+v %v", task, err)
		}
		smtp.set(false)
	})
	h.at(t, "2026-03-24 09:00", func() {
		smtp.set(true)
		acked(datarequest.UpdateCancel, datarequest.Cancellation{Reason: "sendt ved en fejl"}, key(datarequest.NoticeCancelled, 0))
	})
	h.at(t, "2026-03-24 09:02", func() { smtp.set(false) })
	h.env.ExecuteWorkflow(datarequest.Workflow, easterInput(id))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{key(datarequest.NoticeInvite, 0), key(datarequest.NoticeExtension, 1), key(datarequest.NoticeReassigned, 1), key(datarequest.NoticeCancelled, 0)} {
		if n := smtp.count(k); n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Status != datarequest.StatusCancelled || res.Due != "2026-04-17" {
		t.Fatalf("result %+v %v", res, err)
	}
	task, _, err := h.store.Get(context.Background(), id, copenhagen(t, "2026-03-25 00:00"))
	if err != nil || task.Status != datarequest.StatusCancelled {
		t.Fatalf("read model %+v %v", task, err)
	}
}

// A table read at the edge arrives as rows: the workflow checks them,
// keeps them as they are and tells the partner how the file was read.
func TestTableAnsweredWithRows(t *testing.T) {
	h := newHarness(t, copenhagen(t, "2026-03-20 10:00"))
	in := *tableInput()
	in.RequestID, in.Due = "rows", "2026-04-07"
	rows := []map[string]string{{"omraade": "Hermann Stillingsvej-området", "beboere": "1234", "andel": "5.7"}, {"omraade": "Ærø", "beboere": "12"}}
	var rejected error
	h.at(t, "2026-03-23 09:00", func() {
		h.env.UpdateWorkflow(datarequest.UpdateSubmit, "", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Error("rows in a form the workflow does not keep were accepted") },
			OnReject: func(err error) { rejected = err },
		}, datarequest.Submission{Rows: []map[string]string{{"omraade": "Vangdalen", "beboere": "1.234"}}})
	})
	h.at(t, "2026-03-23 10:00", func() {
		h.env.UpdateWorkflow(datarequest.UpdateSubmit, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("rows rejected: %v", err) },
			OnComplete: func(v any, err error) {
				res, ok := v.(datarequest.SubmitResult)
				if err != nil || !ok || res.Rows != 2 || res.Encoding != danish.EncodingWindows1252 {
					t.Errorf("submit: %+v %v", v, err)
				}
			},
		}, datarequest.Submission{Rows: rows, Encoding: danish.EncodingWindows1252, SubmittedBy: "portal"})
	})
	h.env.ExecuteWorkflow(datarequest.Workflow, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if ve, ok := datarequest.AsValidationError(rejected); !ok || !hasError(ve.Errors, "rows[0]", 0, "beboere", "et helt tal") {
		t.Fatalf("rejection %v", rejected)
	}
	var res datarequest.Result
	if err := h.env.GetWorkflowResult(&res); err != nil || len(res.Rows) != 2 || res.Rows[0]["omraade"] != "Hermann Stillingsvej-området" || res.Rows[1]["omraade"] != "Ærø" {
		t.Fatalf("result %+v %v", res, err)
	}
	var receipt datarequest.Notice
	for _, s := range h.sent {
		if s.N.Kind == datarequest.NoticeReceipt {
			receipt = s.N
		}
	}
	if receipt.Rows != 2 || receipt.Encoding != danish.EncodingWindows1252 {
		t.Fatalf("receipt %+v", receipt)
	}
	task, _, err := h.store.Get(context.Background(), "rows", copenhagen(t, "2026-03-24 00:00"))
	if err != nil || task.AnsweredRows != 2 || task.Encoding != danish.EncodingWindows1252 {
		t.Fatalf("read model %+v %v", task, err)
	}
}
