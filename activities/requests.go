package activities

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/workflows/datarequest"
)

// RequestControl sends operator Updates to a running data request. A
// workflow cannot send an Update itself, so the cycles call it from the
// ExtendDataRequest and CancelDataRequest activities.
type RequestControl interface {
	Extend(ctx context.Context, updateID, requestID string, ext datarequest.Extension) error
	Cancel(ctx context.Context, updateID, requestID string, c datarequest.Cancellation) error
}

// TemporalRequests is the RequestControl of a running process.
type TemporalRequests struct{ Client client.Client }

// Extend sends the extend Update and waits for it to complete.
func (t TemporalRequests) Extend(ctx context.Context, updateID, requestID string, ext datarequest.Extension) error {
	return t.update(ctx, updateID, requestID, datarequest.UpdateExtend, ext)
}

// Cancel sends the cancel Update and waits for it to complete.
func (t TemporalRequests) Cancel(ctx context.Context, updateID, requestID string, c datarequest.Cancellation) error {
	return t.update(ctx, updateID, requestID, datarequest.UpdateCancel, c)
}

func (t TemporalRequests) update(ctx context.Context, updateID, requestID, name string, arg any) error {
	h, err := t.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   datarequest.WorkflowID(requestID),
		UpdateID:     updateID, // a retried activity repeats the same Update
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return classify(err)
}

// ErrClosed marks an Update that found the request already closed
// (answered or cancelled): nothing left to steer.
var ErrClosed = errors.New("data request already closed")

// classify makes a closed request a non-retryable ErrClosed and a rejected
// Update non-retryable; transport errors stay retryable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return temporal.NewNonRetryableApplicationError(ErrClosed.Error(), datarequest.ErrTypeClosed, err)
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return temporal.NewNonRetryableApplicationError(app.Error(), "RequestRejected", err)
	}
	return err
}

// Requests holds the activities; register it on the worker once.
type Requests struct{ Control RequestControl }

// ExtendDataRequest moves an open request's due date.
func (r *Requests) ExtendDataRequest(ctx context.Context, u datarequest.RequestUpdate) error {
	if u.Extension == nil {
		return temporal.NewNonRetryableApplicationError("no extension", "BadArgument", nil)
	}
	return r.Control.Extend(ctx, u.UpdateID, u.RequestID, *u.Extension)
}

// CancelDataRequest ends an open request without data.
func (r *Requests) CancelDataRequest(ctx context.Context, u datarequest.RequestUpdate) error {
	if u.Cancellation == nil {
		return temporal.NewNonRetryableApplicationError("no cancellation", "BadArgument", nil)
	}
	return r.Control.Cancel(ctx, u.UpdateID, u.RequestID, *u.Cancellation)
}
