package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/plan"
	"helhed/searchattr"
	"helhed/workflows"
)

// Runner is the run layer over one Temporal client: what the operator API,
// the operator pages and the starter all call, so input checks, workflow
// IDs, duplicate handling and error meanings are the same everywhere.
type Runner struct {
	Client client.Client
	Plan   *plan.Plan
	Kinds  *Registry
	// TaskQueue defaults to workflows.TaskQueue.
	TaskQueue string
}

// Started is the answer to a start.
type Started struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	// Outcome is OutcomeStarted or OutcomeRerun.
	Outcome Outcome `json:"outcome"`
	// Previous is the closed run a rerun follows (nil for a new key).
	Previous *PreviousRun `json:"previous,omitempty"`
	// Message says what happened, in Danish.
	Message string `json:"message"`
}

// Outcome says what a start did: started a new key, ran a closed key
// again, or was refused (then it is the Error's).
type Outcome string

// Outcomes of a start.
const (
	OutcomeStarted        Outcome = "started"         // no run had the key
	OutcomeRerun          Outcome = "rerun"           // a new run of a closed key
	OutcomeRefusedRunning Outcome = "refused-running" // a run with the key is open (CodeAlreadyRunning)
	OutcomeRefusedClosed  Outcome = "refused-closed"  // the key's run closed and the kind does not rerun (CodeKeyUsed)
)

// PreviousRun is the closed run a rerun follows.
type PreviousRun struct {
	RunID       string     `json:"runId"`
	Status      string     `json:"status"`
	StatusTitle string     `json:"statusTitle"` // Danish, e.g. "annulleret"
	ClosedAt    *time.Time `json:"closedAt,omitempty"`
}

// SignalCancelReason is the signal that records an operator's reason before
// a kind without a "cancel" Update is cancelled through Temporal.
const SignalCancelReason = "helhed-cancel-reason"

// CancelReason is the SignalCancelReason payload.
type CancelReason struct {
	Reason string `json:"reason"`
	By     string `json:"by"` // "operator"
	// Actor is the signed-in person (in the encrypted payload only).
	Actor *workflows.Actor `json:"actor,omitempty"`
}

// MaxReason bounds a cancellation reason.
const MaxReason = 1000

// Prepare decodes and validates input for kind and derives the workflow
// ID, without starting anything (the start form's preview uses it too).
func (r *Runner) Prepare(kind string, raw []byte) (Kind, any, string, error) {
	k, ok := r.Kinds.Lookup(kind)
	if !ok {
		msg := fmt.Sprintf("ukendt slags kørsel %q; kendte: %s", kind, strings.Join(r.Kinds.Names(), ", "))
		if kind == "" {
			msg = "angiv slags kørsel (kind); kendte: " + strings.Join(r.Kinds.Names(), ", ")
		}
		return Kind{}, nil, "", &Error{Code: CodeUnknownKind, Message: msg, Field: "kind"}
	}
	in := k.NewInput()
	if err := Decode(raw, in); err != nil {
		return k, nil, "", inputError(err)
	}
	if k.Validate != nil {
		if err := k.Validate(r.Plan, in); err != nil {
			return k, nil, "", inputError(err)
		}
	}
	id := k.WorkflowID(in)
	if id == "" || len(id) > 250 || strings.IndexFunc(id, unicode.IsSpace) >= 0 {
		return k, nil, "", fmt.Errorf("%s kunne ikke danne et brugbart id for kørslen (fik %q)", k.Name, id)
	}
	return k, in, id, nil
}

// inputError prefixes the field path of an input error with "input", as
// the API's body nests the input under that key.
func inputError(err error) *Error {
	e := AsInvalid(err)
	if e.Field == "" {
		e.Field = "input"
	} else {
		e.Field = "input." + e.Field
	}
	return e
}

// Start starts a run of kind with the JSON input. A run with the same
// business key still open is refused with CodeAlreadyRunning naming it. A
// closed one starts a new run (OutcomeRerun, naming the closed run) when
// the kind's Rerun allows it, and is refused with CodeKeyUsed otherwise.
func (r *Runner) Start(ctx context.Context, kind string, raw []byte) (Started, error) {
	// The role first: a caller who may not start the kind learns nothing
	// from its input checks.
	if k, ok := r.Kinds.Lookup(kind); ok {
		if err := authorize(ctx, "at starte "+strings.ToLower(k.Title), k.Roles); err != nil {
			return Started{}, err
		}
	}
	k, in, id, err := r.Prepare(kind, raw)
	if err != nil {
		return Started{}, err
	}
	if k.Organisation != nil {
		if p, ok := PrincipalFrom(ctx); ok && !p.SeesOrganisation(k.Organisation(r.Plan, in)) {
			return Started{}, &Error{Code: CodeForbidden, Field: "input.organisation",
				Message: "sagen hører til en anden boligorganisation end dine (" + strings.Join(p.Organisations, ", ") + ")"}
		}
	}
	setActor(ctx, in)
	// The latest run with the key decides the outcome; the reuse policy
	// below holds the same line should another start slip in between.
	prev, err := r.describeRun(ctx, id, "")
	if err != nil && HTTPStatus(err) != http.StatusNotFound {
		return Started{}, err
	}
	if err == nil {
		if refused := startRefusal(k, prev); refused != nil {
			return Started{}, refused
		}
	}
	reuse := enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	if k.Rerun == RerunRefused {
		reuse = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	}
	opts := client.StartWorkflowOptions{
		ID:                                       id,
		TaskQueue:                                r.taskQueue(),
		WorkflowIDReusePolicy:                    reuse,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			searchattr.Kind.ValueSet(k.Name), searchattr.PlanID.ValueSet(r.Plan.ID)),
	}
	run, err := r.Client.ExecuteWorkflow(ctx, opts, k.Workflow, in)
	if err != nil {
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			// A start that raced this one, or (for a kind that does not
			// rerun) a run that closed since we looked: the run says which.
			other := Summary{WorkflowID: id, RunID: started.RunId, Status: StatusRunning}
			if k.Rerun == RerunRefused {
				if sum, derr := r.describeRun(ctx, id, started.RunId); derr == nil {
					other = sum
				}
			}
			refused := startRefusal(k, other)
			refused.Err = err
			return Started{}, refused
		}
		return Started{}, temporalError(err, id)
	}
	s := Started{WorkflowID: run.GetID(), RunID: run.GetRunID(), Outcome: OutcomeStarted, Message: "kørslen er startet"}
	if prev.RunID != "" { // prev is the zero Summary when the key is new
		s.Outcome = OutcomeRerun
		s.Previous = &PreviousRun{RunID: prev.RunID, Status: prev.Status, StatusTitle: StatusTitle(prev.Status), ClosedAt: prev.ClosedAt}
		s.Message = "en ny kørsel med samme nøgle er startet; den forrige kørsel er " + StatusTitle(prev.Status)
	}
	return s, nil
}

// startRefusal is why a start of kind k with the key of run prev is
// refused, or nil when it may start: prev is open, or it closed and k
// does not rerun.
func startRefusal(k Kind, prev Summary) *Error {
	switch {
	case prev.Status == StatusRunning:
		return &Error{Code: CodeAlreadyRunning, Outcome: OutcomeRefusedRunning, WorkflowID: prev.WorkflowID, RunID: prev.RunID,
			Message: "en kørsel med samme nøgle er allerede i gang"}
	case k.Rerun == RerunRefused:
		return &Error{Code: CodeKeyUsed, Outcome: OutcomeRefusedClosed, WorkflowID: prev.WorkflowID, RunID: prev.RunID,
			Message: fmt.Sprintf("id'et %s er brugt af en afsluttet kørsel (%s); %s startes ikke igen under samme id – brug et nyt id",
				prev.WorkflowID, StatusTitle(prev.Status), strings.ToLower(k.Title))}
	}
	return nil
}

func (r *Runner) taskQueue() string {
	if r.TaskQueue != "" {
		return r.TaskQueue
	}
	return workflows.TaskQueue
}

// Update sends the kind's Update name with the JSON argument and waits for
// its result. The argument is decoded strictly first; the workflow's
// validator may still reject it (CodeInvalid naming the field, or
// CodeRejected when the run's stage does not take it).
func (r *Runner) Update(ctx context.Context, id, name string, raw []byte) (json.RawMessage, error) {
	sum, k, err := r.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	u, ok := k.FindUpdate(name)
	if !ok {
		msg := fmt.Sprintf("%s kender ikke handlingen %q; den kender: %s", k.Name, name, strings.Join(k.UpdateNames(), ", "))
		if len(k.Updates) == 0 {
			msg = fmt.Sprintf("%s tager ikke imod handlinger (fik %q)", k.Name, name)
		}
		return nil, &Error{Code: CodeUnknownUpdate, Field: "update", WorkflowID: id, Message: msg}
	}
	if err := authorize(ctx, "handlingen "+u.Title, k.UpdateRoles(u)); err != nil {
		return nil, err
	}
	if err := r.authorizeRun(ctx, k, sum); err != nil {
		return nil, err
	}
	if sum.Status != StatusRunning {
		return nil, &Error{Code: CodeClosed, WorkflowID: id, Message: "kørslen er afsluttet (" + StatusTitle(sum.Status) + ")"}
	}
	arg := u.NewArg()
	if err := Decode(raw, arg); err != nil {
		return nil, AsInvalid(err)
	}
	setActor(ctx, arg)
	h, err := r.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		var out json.RawMessage
		if err = h.Get(ctx, &out); err == nil {
			return out, nil
		}
	}
	if rej := rejection(err); rej != nil {
		rej.WorkflowID = id
		return nil, rej
	}
	return nil, temporalError(err, id)
}

// Cancelled says how a run was cancelled.
type Cancelled struct {
	WorkflowID string `json:"workflowId"`
	// Via is "update" (the kind's own cancel Update ran) or
	// "cancel-request" (Temporal cancellation was requested).
	Via    string          `json:"via"`
	Result json.RawMessage `json:"result,omitempty"`
}

// Cancel ends a run with a reason: through the kind's "cancel" Update when
// it has one (the workflow records the reason and winds down its own way),
// otherwise by recording the reason as the SignalCancelReason signal (kept,
// encrypted, in the history) and requesting cancellation.
func (r *Runner) Cancel(ctx context.Context, id, reason string) (Cancelled, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Cancelled{}, &Error{Code: CodeInvalid, Field: "reason", Message: "angiv en begrundelse"}
	case len(reason) > MaxReason:
		return Cancelled{}, &Error{Code: CodeInvalid, Field: "reason", Message: fmt.Sprintf("højst %d tegn", MaxReason)}
	}
	sum, k, err := r.lookup(ctx, id)
	if err != nil {
		return Cancelled{}, err
	}
	if err := authorize(ctx, "at annullere "+strings.ToLower(k.Title), k.Roles); err != nil {
		return Cancelled{}, err
	}
	if err := r.authorizeRun(ctx, k, sum); err != nil {
		return Cancelled{}, err
	}
	if sum.Status != StatusRunning {
		return Cancelled{}, &Error{Code: CodeClosed, WorkflowID: id, Message: "kørslen er afsluttet (" + StatusTitle(sum.Status) + ")"}
	}
	if _, ok := k.FindUpdate("cancel"); ok {
		arg, _ := json.Marshal(map[string]string{"reason": reason})
		out, err := r.Update(ctx, id, "cancel", arg)
		if err != nil {
			return Cancelled{}, err
		}
		return Cancelled{WorkflowID: id, Via: "update", Result: out}, nil
	}
	why := CancelReason{Reason: reason, By: "operator"}
	if p, ok := PrincipalFrom(ctx); ok {
		why.Actor = p.Actor()
	}
	if err := r.Client.SignalWorkflow(ctx, id, "", SignalCancelReason, why); err != nil {
		return Cancelled{}, temporalError(err, id)
	}
	if err := r.Client.CancelWorkflow(ctx, id, ""); err != nil {
		return Cancelled{}, temporalError(err, id)
	}
	return Cancelled{WorkflowID: id, Via: "cancel-request"}, nil
}

// temporalError gives a Temporal client error its meaning.
func temporalError(err error, id string) error {
	var nf *serviceerror.NotFound
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	switch {
	case errors.As(err, &nf):
		if strings.Contains(nf.Error(), "already completed") {
			return &Error{Code: CodeClosed, WorkflowID: id, Message: "kørslen er afsluttet", Err: err}
		}
		return &Error{Code: CodeNotFound, WorkflowID: id, Message: fmt.Sprintf("ingen kørsel med id %q", id), Err: err}
	case errors.As(err, &unavailable), errors.As(err, &deadline), errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeUnavailable, WorkflowID: id, Message: "Temporal svarer ikke; prøv igen om lidt", Err: err}
	}
	if id == "" {
		return err
	}
	return fmt.Errorf("kørslen %s: %w", id, err)
}
