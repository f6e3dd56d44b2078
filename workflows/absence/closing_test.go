package absence_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"helhed/internal/cycletest"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

// lateFiles steers the requests as the process does, except that a
// school in files uploads its file just before the round's withdrawal of
// its request arrives: the request takes the file and refuses the
// withdrawal as closed. It records each withdrawal's reason.
type lateFiles struct {
	cycletest.EnvControl
	files map[string]string // school → the CSV it uploads

	mu      sync.Mutex
	reasons map[string]string // request → withdrawal reason
}

func (c *lateFiles) Cancel(ctx context.Context, updateID, requestID string, cn datarequest.Cancellation) error {
	// No query of the round from here: an activity's goroutine querying the
	// test environment races its workflow dispatcher.
	c.mu.Lock()
	c.reasons[requestID] = cn.Reason
	c.mu.Unlock()
	for school, csv := range c.files {
		if !strings.HasSuffix(requestID, "/"+school) {
			continue
		}
		done := make(chan error, 1)
		if err := cycletest.UpdateWorkflowByID(c.Env, datarequest.WorkflowID(requestID), datarequest.UpdateSubmit, "late-"+school,
			&updated{done: done}, datarequest.Submission{CSV: csv, SubmittedBy: "portal"}); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
		return temporal.NewNonRetryableApplicationError("data request already closed", datarequest.ErrTypeClosed, nil)
	}
	return c.EnvControl.Cancel(ctx, updateID, requestID, cn)
}

type updated struct {
	once sync.Once
	done chan error
}

func (u *updated) Accept()                   {}
func (u *updated) Reject(err error)          { u.once.Do(func() { u.done <- err }) }
func (u *updated) Complete(_ any, err error) { u.once.Do(func() { u.done <- err }) }

func csvOf(rows []map[string]string) string {
	cols := []string{absence.ColPupil, absence.ColArea, absence.ColSchoolDays, absence.ColAbsent, absence.ColUnlawful}
	lines := []string{strings.Join(cols, ";")}
	for _, r := range rows {
		var cells []string
		for _, c := range cols {
			cells = append(cells, r[c])
		}
		lines = append(lines, strings.Join(cells, ";"))
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestClosingRoundTakesNoMoreFiles: the round starts finishing (closed by
// the operator, or at the cut-off) while three schools have not answered.
// It withdraws their requests at once, telling them why (ClosingMessage);
// a school whose good file its request took just before the withdrawal
// counts; a school whose file came in then and is refused is not asked
// again but told so by e-mail; the school that sent nothing is named as
// missing.
func TestClosingRoundTakesNoMoreFiles(t *testing.T) {
	t.Run("closed by the operator", func(t *testing.T) { closeWithLateFiles(t, true) })
	t.Run("at the cut-off", func(t *testing.T) { closeWithLateFiles(t, false) })
}

func closeWithLateFiles(t *testing.T, byOperator bool) {
	if err := rdb.FlushDB(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	env := cycletest.NewEnv(local(t, "2022-10-05 08:00"))
	control := &lateFiles{EnvControl: cycletest.EnvControl{Env: env}, reasons: map[string]string{}, files: map[string]string{
		"oestervangsskolen": csvOf(q3["oestervangsskolen"]),
		"hobrovejens-skole": csvOf(table("H1;Energivej;40;41;0")), // more days absent than school days
	}}
	// Only Nørrevangsskolen answers on its own.
	h := newHarnessWith(t, env, control, nil, answerFrom(map[string][]map[string]string{"noerrevangsskolen": q3["noerrevangsskolen"]}))
	if byOperator {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(absence.UpdateClose, "close", &testsuite.TestUpdateCallback{
				OnReject: func(err error) { t.Errorf("close-round refused: %v", err) },
				OnComplete: func(_ interface{}, err error) {
					if err != nil {
						t.Errorf("close-round: %v", err)
					}
				},
			}, absence.Close{Reason: "test"})
		}, 60*time.Hour)
		// While it waits for files taken just before the withdrawal, the
		// round is closing and offers nothing.
		env.RegisterDelayedCallback(func() {
			v, err := env.QueryWorkflow(absence.QueryState)
			if err != nil {
				t.Errorf("state while closing: %v", err)
				return
			}
			var st absence.State
			if err := v.Get(&st); err != nil || st.Stage != absence.StageClosing || len(st.Accepts) != 0 {
				t.Errorf("while withdrawing: stage %q, offers %v (%v); want %q, nothing", st.Stage, st.Accepts, err, absence.StageClosing)
			}
		}, 60*time.Hour+time.Minute)
	}
	h.env.ExecuteWorkflow(absence.WorkflowName, absence.Input{Plan: "randers-2021-25", Quarter: "2022-Q3"})
	var res absence.Result
	if err := h.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}

	status := map[string]absence.SchoolStatus{}
	for _, s := range res.Schools {
		status[s.School] = s
	}
	for school, want := range map[string]string{
		"noerrevangsskolen": absence.SchoolAccepted, "oestervangsskolen": absence.SchoolAccepted,
		"hobrovejens-skole": absence.SchoolRejected, "vestervangsskolen": absence.SchoolMissing,
	} {
		if got := status[school]; got.Status != want || got.Attempts != 1 {
			t.Errorf("%s: %s after %d attempts, want %s after 1", school, got.Status, got.Attempts, want)
		}
	}
	if n := res.Outcome.Total.Pupils; n != len(q3["noerrevangsskolen"])+len(q3["oestervangsskolen"]) {
		t.Errorf("%d pupils counted; the late good file's are missing", n)
	}
	for _, st := range h.double.Started() {
		if st.Input.Partner == "hobrovejens-skole" && strings.HasSuffix(st.Input.RequestID, "/2") {
			t.Error("the school refused while the round closed was asked for a new file")
		}
	}
	if len(control.reasons) != 3 {
		t.Errorf("withdrawn %v, want the three open requests", control.reasons)
	}
	for req, reason := range control.reasons {
		if reason != absence.ClosingMessage {
			t.Errorf("%s withdrawn with %q, want %q", req, reason, absence.ClosingMessage)
		}
	}
	var told bool
	for _, s := range h.mail.Sent() {
		m := s.Message
		if len(m.To) == 1 && m.To[0] == "fravaer@hobrovejens-skole-eksempel.randers.dk" {
			told = strings.HasPrefix(m.Text, absence.ClosingMessage) && strings.Contains(m.Text, "fraværsdage (41) er flere end skoledage (40)")
			if !told {
				t.Errorf("the refused school was told:\n%s", m.Text)
			}
		}
	}
	if !told {
		t.Error("the school whose file was refused while the round closed was not told")
	}
}
