package runs

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"helhed/fielderr"
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
	CodeKeyUsed        Code = "key-used"        // the ID's run closed and the kind does not rerun (409)
	CodeRejected       Code = "rejected"        // the run's stage refuses the Update (409)
	CodeClosed         Code = "closed"          // the run has ended (409)
	CodeUnavailable    Code = "unavailable"     // Temporal does not answer (503)
	CodeForbidden      Code = "forbidden"       // the caller lacks the role (403, naming it)
)

// Error is every failure the run layer reports: a code, a message (for
// field errors the field's own, Danish, message), the field at fault and,
// for conflicts, the existing run; a refused start also says its Outcome.
type Error struct {
	Code       Code
	Message    string
	Field      string
	WorkflowID string
	RunID      string
	Outcome    Outcome
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
	case CodeAlreadyRunning, CodeKeyUsed, CodeRejected, CodeClosed:
		return http.StatusConflict
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeForbidden:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// AsInvalid turns a validation error (a *fielderr.Error or any other) into an
// Error with CodeInvalid naming the field.
func AsInvalid(err error) *Error {
	if fe, ok := fielderr.From(err); ok {
		return &Error{Code: CodeInvalid, Message: fe.Message, Field: fe.Field, Err: err}
	}
	return &Error{Code: CodeInvalid, Message: err.Error(), Err: err}
}

// rejection classifies an Update rejected by the workflow's validator:
// a field error (fielderr.Invalid, a *fielderr.Error, or a partner
// ValidationError) is bad input; anything else is the stage refusing.
func rejection(err error) *Error {
	if fe, ok := fielderr.From(err); ok {
		return &Error{Code: CodeInvalid, Message: fe.Message, Field: fe.Field, Err: err}
	}
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return nil
	}
	if app.Type() == "ValidationError" {
		return &Error{Code: CodeInvalid, Message: app.Message(), Err: err}
	}
	return &Error{Code: CodeRejected, Message: app.Message(), Err: err}
}

// Message is err as a person reads it (the starter, the pages, a JSON
// answer): a run-layer or field error's Danish message naming the field;
// otherwise err's text with the Temporal error in it replaced by its
// message alone, without the SDK's decoration ("(type: …, retryable: …)",
// "workflow execution error (…)", "activity error (…)"), and Temporal's
// own conditions (not answering, timeouts) as Danish sentences.
func Message(err error) string {
	var re *Error
	if errors.As(err, &re) {
		return re.Error()
	}
	if fe, ok := fielderr.From(err); ok {
		if fe.Field == "" {
			return fe.Message
		}
		return fe.Error()
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if plain, ok := plainMessage(e); ok {
			// Keep what helhed wrote before it ("tidsplanen x: …").
			if prefix, ok := strings.CutSuffix(err.Error(), e.Error()); ok {
				return prefix + plain
			}
			return plain
		}
	}
	return err.Error()
}

// plainMessage is the plain message of e when e is a Temporal error (the
// outermost in a chain) or a context's end, or false when it is neither.
func plainMessage(e error) (string, bool) {
	var (
		app         *temporal.ApplicationError
		timeout     *temporal.TimeoutError
		canceled    *temporal.CanceledError
		terminated  *temporal.TerminatedError
		panicked    *temporal.PanicError
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		service     serviceerror.ServiceError
	)
	switch e {
	case context.DeadlineExceeded:
		return "Temporal svarede ikke i tide; prøv igen om lidt", true
	case context.Canceled:
		return "afbrudt", true
	}
	switch e.(type) {
	case *temporal.WorkflowExecutionError, *temporal.ActivityError, *temporal.ChildWorkflowExecutionError,
		*temporal.ApplicationError, *temporal.TimeoutError, *temporal.CanceledError, *temporal.TerminatedError,
		*temporal.PanicError, serviceerror.ServiceError:
	default:
		return "", false
	}
	switch {
	case errors.As(e, &app):
		return app.Message(), true
	case errors.As(e, &timeout):
		return "tidsfristen udløb, før kørslen blev færdig", true
	case errors.As(e, &canceled):
		return "kørslen blev annulleret", true
	case errors.As(e, &terminated):
		return "kørslen blev afbrudt", true
	case errors.As(e, &panicked):
		return "kørslen fejlede i programkoden; se workerens log", true
	case errors.As(e, &unavailable), errors.As(e, &deadline):
		return "Temporal svarer ikke; prøv igen om lidt", true
	case errors.As(e, &service):
		return "Temporal afviste forespørgslen: " + service.Error(), true
	}
	return "kørslen fejlede", true
}
