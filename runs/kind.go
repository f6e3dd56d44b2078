// Package runs is the one layer through which operators start and steer
// workflows, shared by the operator API, the starter CLI and the operator
// pages. Each capability describes its workflow kinds with a Kind; the
// layer decodes and validates input, derives the workflow ID from business
// keys, refuses duplicates and sends Updates.
//
// This file is the contract capabilities fill in: keep it stable.
package runs

import "helhed/plan"

// Kind describes one workflow kind of DESIGN.md §8.
type Kind struct {
	// Name is the API kind, e.g. "data-request".
	Name string
	// Workflow is the registered workflow type name.
	Workflow string
	// Title and Description are Danish, for the operator pages.
	Title       string
	Description string
	// NewInput returns a pointer to a zero input; JSON is decoded into it
	// strictly (unknown fields are errors).
	NewInput func() any
	// Validate checks a decoded input against the plan; a *FieldError names
	// the JSON field at fault. Nil means valid.
	Validate func(p *plan.Plan, input any) error
	// WorkflowID derives the ID from the input's business keys (never
	// personal data), so a second start of the same thing is refused.
	WorkflowID func(input any) string
	// Updates are the operator Updates this kind accepts.
	Updates []Update
	// Queries names a query returning the run's state for its page
	// ("" when the kind has none).
	StateQuery string
}

// Update is one operator action on a running workflow.
type Update struct {
	Name        string // the workflow's update name
	Title       string // Danish
	Description string
	// NewArg returns a pointer to the zero argument, decoded strictly.
	NewArg func() any
}

// FieldError is a bad input, naming the JSON field (dotted path for nested
// fields, e.g. "fields[2].type").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"error"`
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }
