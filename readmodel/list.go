package readmodel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"helhed/searchattr"
)

// Visibility is read in small pages, each call under its own deadline. The
// SDK gives one call at most 10 s whatever the context allows, and the
// embedded dev server spends about 2 ms on every run it lists (it reads the
// search-attribute definitions again for each), so on a busy machine a
// page of 1,000 runs did not finish in time. A call that timed out or found
// the server unavailable is made again after a pause; a timed-out page is
// asked for at half the size.
const (
	defaultPageSize = 250
	minPageSize     = 25
	// callTimeout bounds one visibility call with the SDK's own retries of
	// an unavailable server.
	callTimeout = 30 * time.Second
	// callAttempts is how often one call is made before the reconcile of
	// the kind gives up.
	callAttempts = 4
	// defaultRetryPause is the pause before the second attempt; it doubles.
	defaultRetryPause = time.Second
)

// list pages through a visibility query, handing each page to visit.
// beat is called before every call, for heartbeats.
func (s *Service) list(ctx context.Context, query string, beat func(), visit func([]Run) error) error {
	size := s.pageSize
	if size <= 0 {
		size = defaultPageSize
	}
	var token []byte
	for {
		var resp *workflowservice.ListWorkflowExecutionsResponse
		err := s.retry(ctx, beat, func(ctx context.Context) error {
			var err error
			resp, err = s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Query: query, NextPageToken: token, PageSize: int32(size),
			})
			if timedOut(err) {
				size = max(size/2, min(size, minPageSize))
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("list %q: %w", query, err)
		}
		page := make([]Run, 0, len(resp.GetExecutions()))
		for _, e := range resp.GetExecutions() {
			page = append(page, runOf(e))
		}
		if err := visit(page); err != nil {
			return err
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return nil
		}
	}
}

// newest returns the first run visibility lists for query (the one that
// closed last), or false when there is none.
func (s *Service) newest(ctx context.Context, query string, beat func()) (Run, bool, error) {
	var resp *workflowservice.ListWorkflowExecutionsResponse
	err := s.retry(ctx, beat, func(ctx context.Context) error {
		var err error
		resp, err = s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1})
		return err
	})
	if err != nil {
		return Run{}, false, fmt.Errorf("list %q: %w", query, err)
	}
	if len(resp.GetExecutions()) == 0 {
		return Run{}, false, nil
	}
	return runOf(resp.GetExecutions()[0]), true, nil
}

// retry makes call, each attempt under its own deadline, until it succeeds,
// fails for a reason another attempt cannot mend, or callAttempts are used.
func (s *Service) retry(ctx context.Context, beat func(), call func(context.Context) error) error {
	pause := s.retryPause
	if pause <= 0 {
		pause = defaultRetryPause
	}
	for attempt := 1; ; attempt++ {
		beat()
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		err := call(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !transient(err) {
			return err
		}
		if attempt == callAttempts {
			return fmt.Errorf("%d attempts: %w", attempt, err)
		}
		s.Log.Warn("visibility call failed; trying again", "attempt", attempt, "pause", pause, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
	}
}

func timedOut(err error) bool {
	var de *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &de)
}

// transient errors may pass on another attempt.
func transient(err error) bool {
	var (
		un *serviceerror.Unavailable
		re *serviceerror.ResourceExhausted
	)
	return timedOut(err) || errors.As(err, &un) || errors.As(err, &re)
}

// countKind fills in kr's runs by status and its last completed and failed
// times with three visibility calls, whatever the number of runs: a count
// per status, and the newest completed and the newest failed run
// (visibility lists the runs that closed last first).
func (s *Service) countKind(ctx context.Context, kr *KindReport, beat func()) error {
	query := KindQuery(kr.Kind) + " GROUP BY ExecutionStatus"
	var resp *workflowservice.CountWorkflowExecutionsResponse
	err := s.retry(ctx, beat, func(ctx context.Context) error {
		var err error
		resp, err = s.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		return err
	})
	if err != nil {
		return fmt.Errorf("count %q: %w", query, err)
	}
	for _, g := range resp.GetGroups() {
		var name string
		if len(g.GetGroupValues()) != 1 || converter.GetDefaultDataConverter().FromPayload(g.GetGroupValues()[0], &name) != nil {
			return fmt.Errorf("count %q: unexpected group %v", query, g.GetGroupValues())
		}
		st, err := enumspb.WorkflowExecutionStatusFromString(name)
		if err != nil {
			return fmt.Errorf("count %q: %w", query, err)
		}
		if st != enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			kr.Runs[statusName(st)] += int(g.GetCount())
		}
	}
	for _, last := range []struct {
		at     *int64
		filter string
	}{
		{&kr.LastCompleted, `ExecutionStatus = "Completed"`},
		{&kr.LastFailed, `ExecutionStatus IN ("Failed", "TimedOut", "Terminated")`},
	} {
		run, ok, err := s.newest(ctx, KindQuery(kr.Kind)+" AND "+last.filter, beat)
		if err != nil {
			return err
		}
		if ok && !run.Close.IsZero() {
			*last.at = run.Close.Unix()
		}
	}
	return nil
}

// maxKinds bounds otherKinds, in case visibility kept answering with a
// kind the query excludes.
const maxKinds = 200

// otherKinds returns the kinds visibility knows besides known, with one
// call per kind found: each asks for one run of a kind not found yet.
func (s *Service) otherKinds(ctx context.Context, known []string, beat func()) ([]string, error) {
	seen := map[string]bool{}
	for _, k := range known {
		seen[k] = true
	}
	var found []string
	for range maxKinds {
		query := searchattr.Kind.GetName() + " IS NOT NULL"
		if len(seen) > 0 {
			quoted := make([]string, 0, len(seen))
			for k := range seen {
				quoted = append(quoted, `"`+strings.ReplaceAll(k, `"`, ``)+`"`)
			}
			query += " AND " + searchattr.Kind.GetName() + " NOT IN (" + strings.Join(quoted, ", ") + ")"
		}
		run, ok, err := s.newest(ctx, query, beat)
		if err != nil {
			return nil, err
		}
		if !ok {
			return found, nil
		}
		if seen[run.Kind] {
			return nil, fmt.Errorf("list %q: visibility listed kind %q, which the query excludes", query, run.Kind)
		}
		seen[run.Kind] = true
		found = append(found, run.Kind)
	}
	return nil, fmt.Errorf("more than %d kinds of runs", maxKinds)
}

// runOf is the Run of an execution as visibility lists it.
func runOf(e *workflowpb.WorkflowExecutionInfo) Run {
	r := Run{
		WorkflowID: e.GetExecution().GetWorkflowId(),
		RunID:      e.GetExecution().GetRunId(),
		Type:       e.GetType().GetName(),
		Status:     e.GetStatus(),
		Start:      e.GetStartTime().AsTime(),
		memo:       e.GetMemo(),
	}
	if ct := e.GetCloseTime(); ct != nil && ct.IsValid() && r.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		r.Close = ct.AsTime()
	}
	fields := e.GetSearchAttributes().GetIndexedFields()
	str := func(name string) string {
		var v string
		if p, ok := fields[name]; ok {
			if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
				var vs []string // keyword lists decode as a slice
				if converter.GetDefaultDataConverter().FromPayload(p, &vs) == nil && len(vs) > 0 {
					v = vs[0]
				}
			}
		}
		return v
	}
	r.Kind = str(searchattr.Kind.GetName())
	r.Stage = str(searchattr.Stage.GetName())
	r.Area = str(searchattr.Area.GetName())
	r.Partner = str(searchattr.Partner.GetName())
	r.Plan = str(searchattr.PlanID.GetName())
	if p, ok := fields[searchattr.DueAt.GetName()]; ok {
		var t time.Time
		if converter.GetDefaultDataConverter().FromPayload(p, &t) == nil {
			r.DueAt = t
		}
	}
	return r
}

func statusName(st enumspb.WorkflowExecutionStatus) string {
	switch st {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "running"
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "continued_as_new"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "timed_out"
	}
	return "unknown"
}
