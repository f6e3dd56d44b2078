package datarequest

import (
	"errors"

	"go.temporal.io/sdk/temporal"
)

// Other workflows (meeting rounds, absence quarters) steer their
// data-request children through the contract's Updates. A workflow cannot
// send an Update itself, so it calls these shared activities by name
// (package activities implements them).
const (
	ActivityExtend = "ExtendDataRequest"
	ActivityCancel = "CancelDataRequest"
	// ErrTypeClosed is the error type of a steering activity that found
	// the request already closed (answered or cancelled).
	ErrTypeClosed = "RequestClosed"
)

// IsClosed reports whether an activity error means the request had closed.
func IsClosed(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == ErrTypeClosed
}

// RequestUpdate is the argument of the two activities.
type RequestUpdate struct {
	UpdateID     string        `json:"updateId"`
	RequestID    string        `json:"requestId"`
	Extension    *Extension    `json:"extension,omitempty"`
	Cancellation *Cancellation `json:"cancellation,omitempty"`
}
