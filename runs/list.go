package runs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"helhed/plan"
	"helhed/searchattr"
	"helhed/workflows"
)

// Run statuses as the API spells them.
const (
	StatusRunning        = "running"
	StatusCompleted      = "completed"
	StatusFailed         = "failed"
	StatusCanceled       = "canceled"
	StatusTerminated     = "terminated"
	StatusTimedOut       = "timed-out"
	StatusContinuedAsNew = "continued-as-new"
)

var statuses = []struct {
	api   string
	query string
	enum  enumspb.WorkflowExecutionStatus
	title string // Danish, for messages and pages
}{
	{StatusRunning, "Running", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "i gang"},
	{StatusCompleted, "Completed", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "gennemført"},
	{StatusFailed, "Failed", enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, "fejlet"},
	{StatusCanceled, "Canceled", enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, "annulleret"},
	{StatusTerminated, "Terminated", enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, "afbrudt"},
	{StatusTimedOut, "TimedOut", enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, "udløbet"},
	{StatusContinuedAsNew, "ContinuedAsNew", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, "fortsat som ny"},
}

// StatusTitle is the Danish name of an API status ("running" → "i gang").
func StatusTitle(api string) string {
	for _, x := range statuses {
		if x.api == api {
			return x.title
		}
	}
	return api
}

// Statuses lists the status filter values.
func Statuses() []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = s.api
	}
	return out
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	for _, x := range statuses {
		if x.enum == s {
			return x.api
		}
	}
	return strings.ToLower(s.String())
}

// Summary is one run as lists show it: identity, status, and the stage and
// next deadline its workflow publishes as search attributes. The deadline
// is DueDate when the kind's deadlines are civil dates (Kind.DueIsDate: a
// legal deadline is a day, "2026-12-11" in JSON), else DueAt, a moment
// (RFC 3339 in JSON); at most one is set.
type Summary struct {
	WorkflowID   string     `json:"workflowId"`
	RunID        string     `json:"runId"`
	Kind         string     `json:"kind"`
	WorkflowType string     `json:"workflowType"`
	Status       string     `json:"status"`
	Stage        string     `json:"stage,omitempty"`
	StageTitle   string     `json:"stageTitle,omitempty"`
	Area         string     `json:"area,omitempty"`
	DueAt        *time.Time `json:"dueAt,omitempty"`
	DueDate      *plan.Date `json:"dueDate,omitempty"`
	StartedAt    time.Time  `json:"startedAt"`
	ClosedAt     *time.Time `json:"closedAt,omitempty"`
}

// Filter selects runs; empty fields match all.
type Filter struct {
	Kind   string
	Status string
	// Limit caps the answer [200, at most 1000].
	Limit int
}

// List returns runs of the registered kinds, newest first.
func (r *Runner) List(ctx context.Context, f Filter) ([]Summary, error) {
	var conds []string
	if f.Kind != "" {
		if _, ok := r.Kinds.Lookup(f.Kind); !ok {
			return nil, &Error{Code: CodeInvalid, Field: "kind",
				Message: fmt.Sprintf("ukendt slags kørsel %q; kendte: %s", f.Kind, strings.Join(r.Kinds.Names(), ", "))}
		}
		// Kind names are registered identifiers, so quoting is safe.
		conds = append(conds, fmt.Sprintf("%s = '%s'", searchattr.Kind.GetName(), f.Kind))
	} else {
		quoted := make([]string, 0, len(r.Kinds.kinds))
		for _, n := range r.Kinds.Names() {
			quoted = append(quoted, "'"+n+"'")
		}
		conds = append(conds, fmt.Sprintf("%s IN (%s)", searchattr.Kind.GetName(), strings.Join(quoted, ", ")))
	}
	if f.Status != "" {
		q := ""
		for _, s := range statuses {
			if s.api == f.Status {
				q = s.query
			}
		}
		if q == "" {
			return nil, &Error{Code: CodeInvalid, Field: "status",
				Message: fmt.Sprintf("ukendt status %q; en af: %s", f.Status, strings.Join(Statuses(), ", "))}
		}
		conds = append(conds, fmt.Sprintf("ExecutionStatus = '%s'", q))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, 1000)
	var out []Summary
	var token []byte
	for len(out) < limit {
		resp, err := r.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: strings.Join(conds, " AND "), PageSize: int32(min(limit-len(out), 100)), NextPageToken: token,
		})
		if err != nil {
			return nil, temporalError(err, "")
		}
		for _, info := range resp.GetExecutions() {
			out = append(out, r.summary(info))
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return r.visible(ctx, out)
}

// summary reads a run's identity and search attributes.
func (r *Runner) summary(info *workflowpb.WorkflowExecutionInfo) Summary {
	sa := info.GetSearchAttributes().GetIndexedFields()
	s := Summary{
		WorkflowID:   info.GetExecution().GetWorkflowId(),
		RunID:        info.GetExecution().GetRunId(),
		WorkflowType: info.GetType().GetName(),
		Status:       statusName(info.GetStatus()),
		Kind:         saString(sa, searchattr.Kind.GetName()),
		Stage:        saString(sa, searchattr.Stage.GetName()),
		Area:         saString(sa, searchattr.Area.GetName()),
		StartedAt:    info.GetStartTime().AsTime(),
	}
	k, known := r.Kinds.resolve(s.Kind, s.WorkflowType)
	if known {
		s.Kind = k.Name
		if s.Stage != "" {
			s.StageTitle = k.StageTitle(s.Stage)
		}
	}
	if p := sa[searchattr.DueAt.GetName()]; p != nil {
		var t time.Time
		if converter.GetDefaultDataConverter().FromPayload(p, &t) == nil && !t.IsZero() {
			if known && k.DueIsDate {
				d := LastDay(t, r.Plan.Location())
				s.DueDate = &d
			} else {
				s.DueAt = &t
			}
		}
	}
	if info.GetCloseTime() != nil {
		t := info.GetCloseTime().AsTime()
		s.ClosedAt = &t
	}
	return s
}

// LastDay is the civil date a date deadline stored as the end of its day
// (HelhedDueAt: the next midnight in loc) stands for: the day before.
func LastDay(endOfDay time.Time, loc *time.Location) plan.Date {
	return plan.DateOf(endOfDay.In(loc).Add(-time.Nanosecond))
}

func saString(sa map[string]*commonpb.Payload, key string) string {
	p := sa[key]
	if p == nil {
		return ""
	}
	var s string
	if converter.GetDefaultDataConverter().FromPayload(p, &s) != nil {
		// A keyword list decodes as a list; show its first value.
		var list []string
		if converter.GetDefaultDataConverter().FromPayload(p, &list) == nil && len(list) > 0 {
			return list[0]
		}
	}
	return s
}

// lookup describes one run and finds its kind.
func (r *Runner) lookup(ctx context.Context, id string) (Summary, Kind, error) {
	if id == "" {
		return Summary{}, Kind{}, &Error{Code: CodeInvalid, Field: "id", Message: "angiv kørslens id"}
	}
	sum, err := r.describeRun(ctx, id, "")
	if err != nil {
		return Summary{}, Kind{}, err
	}
	k, ok := r.Kinds.resolve(sum.Kind, sum.WorkflowType)
	if !ok {
		return sum, Kind{}, &Error{Code: CodeNotFound, WorkflowID: id,
			Message: fmt.Sprintf("kørslen %q er ikke af en slags, operatører styrer (workflowtype %s)", id, sum.WorkflowType)}
	}
	return sum, k, nil
}

// describeRun reads run runID of workflow id ("" for the latest); no such
// run is CodeNotFound.
func (r *Runner) describeRun(ctx context.Context, id, runID string) (Summary, error) {
	resp, err := r.Client.DescribeWorkflowExecution(ctx, id, runID)
	if err != nil {
		return Summary{}, temporalError(err, id)
	}
	return r.summary(resp.GetWorkflowExecutionInfo()), nil
}

// Description is one run in detail: its summary, the state its query
// reports, its open tasks and the Updates it takes now.
type Description struct {
	Summary
	State      json.RawMessage      `json:"state,omitempty"`
	StateError string               `json:"stateError,omitempty"`
	OpenTasks  []workflows.OpenTask `json:"openTasks"`
	// Accepts are the Updates the current stage takes (all of the kind's
	// while running when the state does not say; none once ended).
	Accepts []string `json:"accepts"`
	Updates []string `json:"updates"`
}

// Describe reads one run.
func (r *Runner) Describe(ctx context.Context, id string) (Description, error) {
	sum, k, err := r.lookup(ctx, id)
	if err != nil {
		return Description{}, err
	}
	if err := r.authorizeRun(ctx, k, sum); err != nil {
		return Description{}, err
	}
	d := Description{Summary: sum, OpenTasks: []workflows.OpenTask{}, Accepts: []string{}, Updates: k.UpdateNames()}
	if sum.Status == StatusRunning {
		d.Accepts = k.UpdateNames()
	}
	if k.StateQuery == "" {
		return d, nil
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := r.Client.QueryWorkflow(qctx, id, sum.RunID, k.StateQuery)
	if err == nil {
		err = v.Get(&d.State)
	}
	if err != nil {
		d.StateError = Message(err)
		return d, nil
	}
	var conv struct {
		Stage     string               `json:"stage"`
		OpenTasks []workflows.OpenTask `json:"openTasks"`
		Accepts   *[]string            `json:"accepts"`
	}
	if json.Unmarshal(d.State, &conv) == nil {
		// Right after a start the workflow may not have upserted its stage
		// yet; the query (answered after its first task) has it.
		if d.Stage == "" && conv.Stage != "" {
			d.Stage, d.StageTitle = conv.Stage, k.StageTitle(conv.Stage)
		}
		if conv.OpenTasks != nil {
			d.OpenTasks = conv.OpenTasks
		}
		if conv.Accepts != nil && sum.Status == StatusRunning {
			d.Accepts = *conv.Accepts
		}
	}
	return d, nil
}
