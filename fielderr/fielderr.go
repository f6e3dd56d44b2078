// Package fielderr is the one way a rule says "this input is wrong": an
// Error naming the field (a JSON path such as "fields[2].type") and a
// Danish message for the person who typed it. It is pure, so workflow
// packages and their validators use it as freely as the API, the pages and
// the starter that show it.
package fielderr

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// Error is a bad input, naming the JSON field (dotted path for nested
// fields, e.g. "fields[2].type").
type Error struct {
	Field   string `json:"field"`
	Message string `json:"error"`
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// New is an *Error for field with a formatted Danish message.
func New(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ApplicationErrorType is the Temporal ApplicationError type of Invalid.
const ApplicationErrorType = "FieldError"

// Invalid is what an Update validator returns for a bad argument: a
// non-retryable ApplicationError carrying the field, which the run layer
// reports as 400 naming the field.
func Invalid(field, message string) error {
	return temporal.NewApplicationErrorWithOptions(message, ApplicationErrorType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{field}})
}

// From finds the field error in err, wherever Temporal carried it: an
// *Error, or an ApplicationError made by Invalid or from an *Error
// returned as is. It reports false for any other error.
func From(err error) (*Error, bool) {
	var fe *Error
	if errors.As(err, &fe) {
		return fe, true
	}
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ApplicationErrorType {
		return nil, false
	}
	out := &Error{Message: app.Message()}
	if app.HasDetails() {
		_ = app.Details(&out.Field)
	} else if f, m, ok := strings.Cut(out.Message, ": "); ok {
		// An *Error returned from a validator as is: "field: message".
		out.Field, out.Message = f, m
	}
	return out, true
}
