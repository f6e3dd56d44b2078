// Package cycletest helps test the plan's cycles in Temporal's
// time-skipping environment and against an embedded server: a stand-in for
// the partner DataRequest workflow that speaks its contract (workflow
// name, input, result, the submit/extend/cancel Updates and the state
// query) and answers with fixture data after a delay, or never; a
// RequestControl that reaches it inside a test environment; a recording
// mail sender; and a driver workflow that fires schedule occurrences at
// their times, as the Temporal Schedule would.
package cycletest

import (
	"errors"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/plan"
	"helhed/workflows/datarequest"
)

// Answer is how the double answers one request.
type Answer struct {
	After  time.Duration // after the request starts
	Values map[string]string
	Rows   []map[string]string
}

// Started records a request the double received.
type Started struct {
	At    time.Time
	Input datarequest.Input
}

// Extended records an extend Update the double accepted.
type Extended struct {
	At        time.Time
	RequestID string
	Due       string
}

// Double is the DataRequest stand-in. Answer decides, per request, how it
// is answered (nil: never, until cancelled or submitted to).
type Double struct {
	Answer func(in datarequest.Input) *Answer

	mu        sync.Mutex
	started   []Started
	extended  []Extended
	cancelled []string
}

// Register registers the double under datarequest.WorkflowName.
func (d *Double) Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(d.Workflow, workflow.RegisterOptions{Name: datarequest.WorkflowName})
}

// Started returns the requests started so far.
func (d *Double) Started() []Started {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Started(nil), d.started...)
}

// Extended returns the extensions accepted so far.
func (d *Double) Extended() []Extended {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Extended(nil), d.extended...)
}

// Cancelled returns the request IDs cancelled so far.
func (d *Double) Cancelled() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.cancelled...)
}

// Workflow is the double's workflow function.
func (d *Double) Workflow(ctx workflow.Context, in datarequest.Input) (datarequest.Result, error) {
	d.mu.Lock()
	d.started = append(d.started, Started{At: workflow.Now(ctx), Input: in})
	d.mu.Unlock()
	st := datarequest.State{Input: in, Status: datarequest.StatusOpen, Due: in.Due, CreatedAt: workflow.Now(ctx)}
	res := datarequest.Result{RequestID: in.RequestID, Partner: in.Partner, Due: in.Due}
	finish := func(values map[string]string, rows []map[string]string) {
		now := workflow.Now(ctx)
		due, _ := plan.ParseDate(st.Due)
		st.Status, st.AnsweredAt = datarequest.StatusAnswered, now
		res.Status, res.Values, res.Rows, res.AnsweredAt, res.Due = datarequest.StatusAnswered, values, rows, now, st.Due
		res.OnTime = !plan.DateOf(now.In(copenhagen())).After(due)
	}
	if err := workflow.SetQueryHandler(ctx, datarequest.QueryState, func() (datarequest.State, error) { return st, nil }); err != nil {
		return res, err
	}
	open := func() error {
		if st.Status != datarequest.StatusOpen {
			return errors.New("request is closed")
		}
		return nil
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, datarequest.UpdateExtend,
		func(ctx workflow.Context, e datarequest.Extension) error {
			st.Due = e.Due
			d.mu.Lock()
			d.extended = append(d.extended, Extended{At: workflow.Now(ctx), RequestID: in.RequestID, Due: e.Due})
			d.mu.Unlock()
			return nil
		}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, e datarequest.Extension) error {
			if err := open(); err != nil {
				return err
			}
			if e.Due <= st.Due {
				return errors.New("due: must be after the current due date " + st.Due)
			}
			return nil
		}}); err != nil {
		return res, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, datarequest.UpdateCancel,
		func(ctx workflow.Context, c datarequest.Cancellation) error {
			st.Status, res.Status, res.Reason = datarequest.StatusCancelled, datarequest.StatusCancelled, c.Reason
			d.mu.Lock()
			d.cancelled = append(d.cancelled, in.RequestID)
			d.mu.Unlock()
			return nil
		}, workflow.UpdateHandlerOptions{Validator: func(workflow.Context, datarequest.Cancellation) error { return open() }}); err != nil {
		return res, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, datarequest.UpdateSubmit,
		func(ctx workflow.Context, s datarequest.Submission) (datarequest.SubmitResult, error) {
			rows := parseCSV(s.CSV)
			finish(s.Values, rows)
			return datarequest.SubmitResult{RequestID: in.RequestID, AnsweredAt: st.AnsweredAt, OnTime: res.OnTime, Values: len(s.Values), Rows: len(rows)}, nil
		}, workflow.UpdateHandlerOptions{Validator: func(workflow.Context, datarequest.Submission) error { return open() }}); err != nil {
		return res, err
	}

	var ans *Answer
	if d.Answer != nil {
		ans = d.Answer(in)
	}
	closed := func() bool { return st.Status != datarequest.StatusOpen }
	if ans != nil {
		if _, err := workflow.AwaitWithTimeout(ctx, ans.After, closed); err != nil {
			return res, err
		}
		if !closed() {
			finish(ans.Values, ans.Rows)
		}
	}
	if err := workflow.Await(ctx, closed); err != nil {
		return res, err
	}
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return res, err
}

// parseCSV reads a ';'-separated table with a header row into rows keyed
// by lower-cased header; the real DataRequest validates far more.
func parseCSV(body string) []map[string]string {
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")), "\n")
	if len(lines) < 2 {
		return nil
	}
	head := strings.Split(lines[0], ";")
	var rows []map[string]string
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		row := map[string]string{}
		for i, cell := range strings.Split(l, ";") {
			if i < len(head) {
				row[strings.ToLower(strings.TrimSpace(head[i]))] = strings.TrimSpace(cell)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func copenhagen() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return time.UTC
	}
	return loc
}
