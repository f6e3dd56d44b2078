package absence

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"

	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/activities"
	"helhed/docstore"
	"helhed/plan"
	"helhed/workflows/absence"
)

// Results reads a completed round's result; false when there is none.
type Results interface {
	Result(ctx context.Context, workflowID string) (absence.Result, bool, error)
}

// TemporalResults reads results from Temporal.
type TemporalResults struct{ Client client.Client }

// Result returns the result of the latest run of workflowID if it
// completed.
func (t TemporalResults) Result(ctx context.Context, workflowID string) (absence.Result, bool, error) {
	d, err := t.Client.DescribeWorkflowExecution(ctx, workflowID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return absence.Result{}, false, nil
	}
	if err != nil {
		return absence.Result{}, false, err
	}
	if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		return absence.Result{}, false, nil
	}
	var res absence.Result
	if err := t.Client.GetWorkflow(ctx, workflowID, "").Get(ctx, &res); err != nil {
		return absence.Result{}, false, err
	}
	return res, true, nil
}

// ResultsMap is an in-memory Results, for simulations and tests that run
// quarters in sequence without a server.
type ResultsMap struct {
	mu sync.Mutex
	m  map[string]absence.Result
}

// Put stores a completed round's result.
func (r *ResultsMap) Put(workflowID string, res absence.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]absence.Result{}
	}
	r.m[workflowID] = res
}

// Len is the number of results stored.
func (r *ResultsMap) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// Result implements Results.
func (r *ResultsMap) Result(_ context.Context, workflowID string) (absence.Result, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.m[workflowID]
	return res, ok, nil
}

// Activities are the round's side effects with their dependencies. Their
// method names are the activity names the workflow calls
// (absence.ActivityPrepare, …): every exported method is an activity.
type Activities struct {
	Plan    *plan.Plan
	Docs    docstore.Store // notes are kept as absence/<plan>/<quarter>/runs/<run>/…
	Redis   redis.Cmdable
	Results Results
}

// AbsencePrepare snapshots the plan for the round.
func (a *Activities) AbsencePrepare(_ context.Context, in absence.Input) (absence.Setup, error) {
	s, err := absence.BuildSetup(a.Plan, in)
	if err != nil {
		return absence.Setup{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	return s, nil
}

// AbsencePrevious carries the plan year's flagged pupils and course count
// over from the preceding quarter's round, if it completed.
func (a *Activities) AbsencePrevious(ctx context.Context, workflowID string) (absence.Carry, error) {
	res, ok, err := a.Results.Result(ctx, workflowID)
	if err != nil {
		return absence.Carry{}, fmt.Errorf("read %s: %w", workflowID, err)
	}
	if !ok {
		return absence.Carry{}, nil
	}
	return absence.Carry{Found: true, Flagged: res.Outcome.FlaggedYTD, CoursesYTD: res.Outcome.CoursesYTD, CoursesHidden: res.Outcome.CoursesHidden}, nil
}

// AbsenceCompile renders the quarterly note and keeps it in the document
// store under absence/<plan>/<quarter>/runs/<run>/.
func (a *Activities) AbsenceCompile(ctx context.Context, in absence.NoteInput) (absence.Document, error) {
	md, html, err := templates.Render("note", noteData(in))
	if err != nil {
		return absence.Document{}, temporal.NewNonRetryableApplicationError(err.Error(), "RenderFailed", err)
	}
	dir := path.Join("absence", in.Setup.PlanID, in.Setup.Quarter)
	paths, err := activities.KeepDocument(ctx, a.Docs, dir, "kvartalsnotat", activity.GetInfo(ctx).WorkflowExecution.RunID, md, html)
	if err != nil {
		return absence.Document{}, err
	}
	return absence.Document{Markdown: md, HTML: html, Paths: paths}, nil
}

// AbsenceTeamMeeting reads a team and one of its meetings from the plan
// for the team-meeting invitation. A meeting the plan no longer has fails
// at once, naming the field.
func (a *Activities) AbsenceTeamMeeting(_ context.Context, in absence.TeamMeetingInput) (absence.TeamMeetingSetup, error) {
	s, err := absence.BuildTeamMeetingSetup(a.Plan, in)
	if err != nil {
		return absence.TeamMeetingSetup{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	return s, nil
}
