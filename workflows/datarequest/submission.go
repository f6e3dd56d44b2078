package datarequest

import (
	"errors"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// ValidationErrorType is the ApplicationError type a rejected submission
// carries; its details hold the *ValidationError.
const ValidationErrorType = "ValidationError"

// NotOpenErrorType is the ApplicationError type of an Update refused
// because the request is answered or cancelled (the run layer's 409).
const NotOpenErrorType = "NotOpen"

// Answer is an accepted submission in canonical form.
type Answer struct {
	Values map[string]string
	Rows   []map[string]string
}

// FieldKey is the answer key of a field, per area when area is set.
func FieldKey(f Field, area string) string {
	if f.PerArea && area != "" {
		return f.Key + "@" + area
	}
	return f.Key
}

// Slot is one input of a form: a field, for one area when it is asked per
// area.
type Slot struct {
	Field Field
	Area  string // "" unless Field.PerArea
	Key   string // the answer key
}

// Slots lists a request's form inputs in order.
func Slots(fields []Field, areas []string) []Slot {
	var out []Slot
	for _, f := range fields {
		if !f.PerArea {
			out = append(out, Slot{Field: f, Key: f.Key})
			continue
		}
		for _, a := range areas {
			out = append(out, Slot{Field: f, Area: a, Key: FieldKey(f, a)})
		}
	}
	return out
}

// Check validates a submission against the request and returns it in
// canonical form, or a *ValidationError with a Danish message per field
// (per line and column for a table). It is pure, so the workflow's update
// validator, the portal and the API all run the same rules.
func Check(in *Input, sub Submission) (Answer, error) {
	if sub.SubmittedBy != "" && sub.SubmittedBy != "portal" && sub.SubmittedBy != "operator" {
		return Answer{}, &ValidationError{Errors: []FieldError{{Field: "submittedBy", Message: "skal være »portal« eller »operator«."}}}
	}
	if in.Table != nil {
		if len(sub.Values) > 0 {
			return Answer{}, &ValidationError{Errors: []FieldError{{Field: "values", Message: "Opgaven beder om en tabel (CSV-fil), ikke om enkeltværdier."}}}
		}
		if strings.TrimSpace(sub.CSV) == "" {
			return Answer{}, &ValidationError{Errors: []FieldError{{Field: "csv", Message: "Vælg en CSV-fil med tabellen."}}}
		}
		rows, errs := parseTable(in.Table, sub.CSV)
		if len(errs) > 0 {
			return Answer{}, &ValidationError{Errors: errs}
		}
		return Answer{Rows: rows}, nil
	}
	if sub.CSV != "" {
		return Answer{}, &ValidationError{Errors: []FieldError{{Field: "csv", Message: "Opgaven beder om udfyldte felter, ikke om en CSV-fil."}}}
	}
	slots := Slots(in.Fields, in.Areas)
	var errs []FieldError
	values := map[string]string{}
	for _, s := range slots {
		raw := strings.TrimSpace(sub.Values[s.Key])
		if raw == "" {
			if s.Field.Required {
				errs = append(errs, FieldError{Field: s.Key, Message: "Feltet skal udfyldes."})
			}
			continue
		}
		v, msg := parseValue(s.Field.Type, s.Field.Choices, raw)
		if msg != "" {
			errs = append(errs, FieldError{Field: s.Key, Message: msg})
			continue
		}
		values[s.Key] = v
	}
	// Unknown keys are an API caller's mistake; name them in a stable order.
	var unknown []string
	for k := range sub.Values { //workflowcheck:ignore only collected, then sorted
		if !slices.ContainsFunc(slots, func(s Slot) bool { return s.Key == k }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs = append(errs, FieldError{Field: k, Message: "Ukendt felt i denne opgave."})
	}
	if len(errs) > 0 {
		return Answer{}, &ValidationError{Errors: errs}
	}
	if len(values) == 0 {
		return Answer{}, &ValidationError{Errors: []FieldError{{Message: "Udfyld mindst ét felt."}}}
	}
	return Answer{Values: values}, nil
}

// reject wraps a validation error for an update validator: the caller gets
// an ApplicationError whose details are the *ValidationError.
func reject(ve *ValidationError) error {
	return temporal.NewApplicationErrorWithOptions(ve.Error(), ValidationErrorType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{ve}})
}

// notOpen refuses an Update because of the request's status.
func notOpen(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, NotOpenErrorType, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// IsNotOpen reports whether an Update was refused because the request is
// answered or cancelled; msg is the Danish reason.
func IsNotOpen(err error) (msg string, ok bool) {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == NotOpenErrorType {
		return app.Message(), true
	}
	return "", false
}

// AsValidationError extracts the per-field errors from an update's error,
// as the portal and the API show them.
func AsValidationError(err error) (*ValidationError, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve, true
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == ValidationErrorType {
		var got *ValidationError
		if app.HasDetails() && app.Details(&got) == nil && got != nil && len(got.Errors) > 0 {
			return got, true
		}
		return &ValidationError{Errors: []FieldError{{Message: app.Message()}}}, true
	}
	return nil, false
}
