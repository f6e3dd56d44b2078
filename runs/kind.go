// Package runs is the one layer through which operators start and steer
// workflows, shared by the operator API, the starter CLI and the operator
// pages. Each capability describes its workflow kinds with a Kind; the
// layer decodes and validates input, derives the workflow ID from business
// keys, refuses duplicates and sends Updates.
//
// This file is the contract capabilities fill in: keep it stable.
package runs

import (
	"fmt"

	"helhed/plan"
)

// Conventions beyond the fields below, which the operator layer relies on:
//
//   - Input and Update argument types are structs with json tags. Optional
//     struct tags feed the generated operator forms: `label:"…"` (Danish
//     field label), `help:"…"` (Danish hint) and `form:"textarea"` (a
//     multi-line text). time.Time fields take RFC 3339 in JSON and a local
//     (Europe/Copenhagen) date-time in the forms.
//   - The workflow upserts the HelhedStage search attribute (and HelhedDueAt
//     for its next deadline); Start sets HelhedKind and HelhedPlan. A
//     deadline that is a moment (a meeting, a crisis deadline) is stored as
//     it is; a deadline that is a civil date (a legal deadline, a task's
//     last day) is stored as the end of that day, the first instant of the
//     next day in the plan's zone, and its kind sets DueIsDate.
//   - The StateQuery result may carry top-level fields the layer reads:
//     "stage" (used until the search attribute is visible), "openTasks" (a
//     list of Task) and "accepts" (the Update names the current stage
//     accepts), so pages offer only what the run takes.
//   - A kind with an Update named "cancel" takes {"reason": "…"} in it; the
//     layer's Cancel uses it. Other kinds are cancelled through Temporal,
//     with the reason recorded first as the SignalCancelReason signal.
//   - Update validators that reject a bad argument return an error from
//     fielderr.Invalid(field, msg) (or a *fielderr.Error); any other rejection means the
//     run's current stage does not accept the Update (HTTP 409).

// Kind describes one workflow kind that the operator API, the pages and
// the starter start and steer (docs/interfaces.md).
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
	// Validate checks a decoded input against the plan; a *fielderr.Error names
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

	// Example returns a valid input for the plan (optional). The API tests
	// start every kind with it; GET /api/v1/kinds and `starter kinds --json`
	// show it as a sample.
	Example func(p *plan.Plan) any
	// Choices lists the allowed values of input fields, by JSON field
	// name, for the start form's drop-downs (optional).
	Choices func(p *plan.Plan) map[string][]Choice
	// StageTitles are Danish names of the HelhedStage values (optional).
	StageTitles map[string]string
	// DueIsDate says the kind's deadlines are civil dates: HelhedDueAt is
	// the end of the last day, and the layer reports that day
	// (Summary.DueDate), not the instant.
	DueIsDate bool

	// Rerun says whether a business key whose run has closed may start
	// again (the zero value, RerunAllowed, lets it).
	Rerun Rerun

	// Roles may start, steer and cancel runs of the kind besides
	// sekretariat (none: sekretariat only); an Update may name its own.
	// Every role may read.
	Roles []Role
	// Organisation is the housing organisation (plan id) a run belongs to,
	// from its input; it makes the kind a case kind, whose runs a case
	// worker sees and steers only for their organisations (for a started
	// run, the state query's "organisation" field says it).
	Organisation func(p *plan.Plan, input any) string
}

// Rerun is a kind's policy for starting a closed business key again. An
// open run always blocks a second start with its key.
type Rerun int

const (
	// RerunAllowed: a start with a closed run's key is a new run of it
	// (OutcomeRerun), e.g. a crisis activated again after a cancel.
	RerunAllowed Rerun = iota
	// RerunRefused: a key is used once; a start with a closed run's key
	// is refused (CodeKeyUsed) and needs a new key.
	RerunRefused
)

// String is the policy as GET /api/v1/kinds spells it.
func (r Rerun) String() string {
	switch r {
	case RerunAllowed:
		return "allowed"
	case RerunRefused:
		return "refused"
	}
	return fmt.Sprintf("Rerun(%d)", int(r))
}

// Choice is one allowed value of a field, with its Danish label.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Update is one operator action on a running workflow.
type Update struct {
	Name        string // the workflow's update name
	Title       string // Danish
	Description string
	// NewArg returns a pointer to the zero argument, decoded strictly.
	NewArg func() any
	// Choices lists allowed values of argument fields for the form (optional).
	Choices func(p *plan.Plan) map[string][]Choice
	// Roles may send it besides sekretariat (nil: the kind's Roles).
	Roles []Role
}

// UpdateRoles are the roles that may send u on a run of k.
func (k Kind) UpdateRoles(u Update) []Role {
	if u.Roles != nil {
		return u.Roles
	}
	return k.Roles
}
