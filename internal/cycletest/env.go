package cycletest

import (
	"context"
	"fmt"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/mail"
	"helhed/mailer"
	"helhed/schedules"
	"helhed/workflows/datarequest"
)

// EnvControl is an activities.RequestControl for the time-skipping
// environment: it sends the Update to the child request inside the
// environment and waits for it to complete.
type EnvControl struct {
	Env *testsuite.TestWorkflowEnvironment
}

// Extend implements activities.RequestControl.
func (c EnvControl) Extend(ctx context.Context, updateID, requestID string, ext datarequest.Extension) error {
	return c.update(ctx, updateID, requestID, datarequest.UpdateExtend, ext)
}

// Cancel implements activities.RequestControl.
func (c EnvControl) Cancel(ctx context.Context, updateID, requestID string, cn datarequest.Cancellation) error {
	return c.update(ctx, updateID, requestID, datarequest.UpdateCancel, cn)
}

// UpdateCallbacks is the SDK's (internal) update callback interface.
type UpdateCallbacks interface {
	Accept()
	Reject(err error)
	Complete(success any, err error)
}

// updateMu serialises UpdateWorkflowByID: activities call it from their
// own goroutines, and the SDK's test environment writes a map in it
// without a lock (concurrent calls crash the test binary).
var updateMu sync.Mutex

// UpdateWorkflowByID sends an Update into env from an activity's goroutine;
// every such call in a test goes through here.
func UpdateWorkflowByID(env *testsuite.TestWorkflowEnvironment, workflowID, name, updateID string, cb UpdateCallbacks, arg any) error {
	updateMu.Lock()
	defer updateMu.Unlock()
	return env.UpdateWorkflowByID(workflowID, name, updateID, cb, arg)
}

func (c EnvControl) update(ctx context.Context, updateID, requestID, name string, arg any) error {
	done := make(chan error, 1)
	cb := &callbacks{done: done}
	if err := UpdateWorkflowByID(c.Env, datarequest.WorkflowID(requestID), name, updateID, cb, arg); err != nil {
		return err // serviceerror.NotFound when the request has closed
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

type callbacks struct {
	once sync.Once
	done chan error
}

func (c *callbacks) Accept()                   {}
func (c *callbacks) Reject(err error)          { c.once.Do(func() { c.done <- err }) }
func (c *callbacks) Complete(_ any, err error) { c.once.Do(func() { c.done <- err }) }

// Sent is one e-mail a Recorder saw, with the (test) time it was sent.
type Sent struct {
	At      time.Time
	Message mail.Message
}

// Recorder is a mailer.Sender that remembers what was sent and when, by
// Clock (the test environment's Now), and passes it on to Next when set.
type Recorder struct {
	Clock func() time.Time
	Next  mailer.Sender

	mu   sync.Mutex
	sent []Sent
	keys map[string]bool
}

// Send implements mailer.Sender; a key sent before is not recorded again
// (as mail is idempotent by key).
func (r *Recorder) Send(ctx context.Context, m mail.Message) error {
	r.mu.Lock()
	if r.keys == nil {
		r.keys = map[string]bool{}
	}
	if !r.keys[m.Key] {
		r.keys[m.Key] = true
		r.sent = append(r.sent, Sent{At: r.Clock(), Message: m})
	}
	r.mu.Unlock()
	if r.Next != nil {
		return r.Next.Send(ctx, m)
	}
	return nil
}

// Sent returns the messages in send order.
func (r *Recorder) Sent() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

// DriverName is the registered name of Driver.
const DriverName = "CycleTestDriver"

// RegisterDriver registers Driver.
func RegisterDriver(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Driver, workflow.RegisterOptions{Name: DriverName})
}

// Driver fires each occurrence at its time, as the Temporal Schedule's
// Launch would, then waits for every run it started. The time-skipping
// environment has no schedules, so tests and benchmarks of whole plan
// periods run the schedule's occurrences through it.
func Driver(ctx workflow.Context, occs []schedules.Occurrence) ([]string, error) {
	var futures []workflow.ChildWorkflowFuture
	for _, o := range occs {
		if d := o.At.Sub(workflow.Now(ctx)); d > 0 {
			if err := workflow.Sleep(ctx, d); err != nil {
				return nil, err
			}
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: o.WorkflowID, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		})
		futures = append(futures, workflow.ExecuteChildWorkflow(cctx, o.Workflow, o.Input))
	}
	var failed []string
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", occs[i].WorkflowID, err))
		}
	}
	return failed, nil
}
