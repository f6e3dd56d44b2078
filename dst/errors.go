package dst

import (
	"errors"
	"fmt"
)

// Error type codes the API returns in errorTypeCode.
const (
	CodeNotFound     = "EXTRACT-NOTFOUND"   // table, variable or value does not exist
	CodeNotAllowed   = "EXTRACT-NOTALLOWED" // e.g. a variable not selected in a streaming format
	CodeRequestLimit = "REQUEST-LIMIT"      // over the cell limit of non-streaming formats
	CodeMissing      = "REQUEST-MISSING"    // a required parameter is missing
	CodeEmpty        = "REQUEST-EMPTY"      // empty or malformed request
)

// APIError is an error answer from the API: HTTP 400 with
// {"errorTypeCode","message"}, or another status without such a body.
type APIError struct {
	Status  int    // HTTP status
	Code    string // errorTypeCode, or "HTTP-<status>" when the body had none
	Message string // the API's message (Danish with lang=da)
	Table   string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("statbank %s: %s (HTTP %d): %s", e.Table, e.Code, e.Status, e.Message)
}

// Is makes errors.Is(err, ErrNotFound) and friends match on the code.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Status == 0 && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrNotFound     = &APIError{Code: CodeNotFound}
	ErrNotAllowed   = &APIError{Code: CodeNotAllowed}
	ErrRequestLimit = &APIError{Code: CodeRequestLimit}
	ErrMissing      = &APIError{Code: CodeMissing}
	// ErrUnavailable wraps the last error when every attempt failed on a
	// 5xx answer or a dropped connection.
	ErrUnavailable = errors.New("statbank unavailable")
	// ErrTimeout means every attempt timed out.
	ErrTimeout = errors.New("statbank timed out")
	// ErrTruncated means the body ended before it was complete.
	ErrTruncated = errors.New("statbank response truncated")
)

// Kind names an error for records and logs: the API's errorTypeCode,
// "HTTP-5xx", "TIMEOUT", "TRUNCATED", "UNAVAILABLE" or "ERROR".
func Kind(err error) string {
	var api *APIError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &api):
		return api.Code
	case errors.Is(err, ErrTimeout):
		return "TIMEOUT"
	case errors.Is(err, ErrTruncated):
		return "TRUNCATED"
	case errors.Is(err, ErrUnavailable):
		return "UNAVAILABLE"
	}
	return "ERROR"
}

// Permanent reports whether retrying err cannot help (an API error answer
// other than a 5xx).
func Permanent(err error) bool {
	var api *APIError
	return errors.As(err, &api) && api.Status < 500
}
