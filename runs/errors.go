package runs

import (
	"errors"
	"net/http"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// Code says what kind of failure an Error is; the API maps it to an HTTP
// status and the starter to an exit code.
type Code string

// Error codes.
const (
	CodeInvalid        Code = "invalid"         // bad input or argument (400)
	CodeUnknownKind    Code = "unknown-kind"    // no such kind (400, field "kind")
	CodeUnknownUpdate  Code = "unknown-update"  // the kind has no such Update (400)
	CodeNotFound       Code = "not-found"       // no such run (404)
	CodeAlreadyRunning Code = "already-running" // a run with the ID is open (409)
	CodeRejected       Code = "rejected"        // the run's stage refuses the Update (409)
	CodeClosed         Code = "closed"          // the run has ended (409)
	CodeUnavailable    Code = "unavailable"     // Temporal does not answer (503)
)

// Error is every failure the run layer reports: a code, a message (for
// field errors the field's own, Danish, message), the field at fault and,
// for conflicts, the existing run.
type Error struct {
	Code       Code
	Message    string
	Field      string
	WorkflowID string
	RunID      string
	Err        error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Code == CodeAlreadyRunning && e.WorkflowID != "" {
		msg += " (" + e.WorkflowID + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the status code that says what err means.
func HTTPStatus(err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError
	}
	switch e.Code {
	case CodeInvalid, CodeUnknownKind, CodeUnknownUpdate:
		return http.StatusBadRequest
	case CodeNotFound:
		return http.StatusNotFound
	case CodeAlreadyRunning, CodeRejected, CodeClosed:
		return http.StatusConflict
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// invalid wraps a field error as an Error.
func invalid(fe *FieldError) *Error {
	return &Error{Code: CodeInvalid, Message: fe.Message, Field: fe.Field, Err: fe}
}

// AsInvalid turns a validation error (a *FieldError or any other) into an
// Error with CodeInvalid naming the field.
func AsInvalid(err error) *Error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return invalid(fe)
	}
	return &Error{Code: CodeInvalid, Message: err.Error(), Err: err}
}

// errTypeField is the ApplicationError type of Invalid.
const errTypeField = "FieldError"

// Invalid is what an Update validator returns for a bad argument: an
// ApplicationError the layer reports as 400 naming field.
func Invalid(field, message string) error {
	return temporal.NewApplicationErrorWithOptions(message, errTypeField,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{field}})
}

// rejection classifies an Update rejected by the workflow's validator:
// a field error (Invalid, a *FieldError, or a partner ValidationError)
// is bad input; anything else is the stage refusing.
func rejection(err error) *Error {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return nil
	}
	switch app.Type() {
	case errTypeField:
		var field string
		msg := app.Message()
		if app.HasDetails() {
			_ = app.Details(&field)
		} else if f, m, ok := strings.Cut(msg, ": "); ok {
			// A *FieldError returned as is: its message is "field: message".
			field, msg = f, m
		}
		return &Error{Code: CodeInvalid, Message: msg, Field: field, Err: err}
	case "ValidationError":
		return &Error{Code: CodeInvalid, Message: app.Message(), Err: err}
	}
	return &Error{Code: CodeRejected, Message: app.Message(), Err: err}
}
