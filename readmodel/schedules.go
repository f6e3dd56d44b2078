package readmodel

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"helhed/searchattr"
)

// ScheduleReport is a snapshot of one Temporal schedule (a plan cycle): what
// the Collector publishes as helhed_schedule_*. Times are Unix seconds, 0
// when unknown.
type ScheduleReport struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // the HelhedKind of the runs it starts
	// Paused schedules take no actions until unpaused.
	Paused bool `json:"paused"`
	// NextAction is the next time the schedule is due.
	NextAction int64 `json:"nextAction"`
	// LastAction is when the most recent action was taken, LastDelay how
	// late that was against its scheduled time (seconds).
	LastAction int64   `json:"lastAction"`
	LastDelay  float64 `json:"lastDelaySeconds"`
	// Missed counts actions the server skipped: missed catch-up window
	// (server down too long) or overlap (the previous run still running).
	MissedCatchupWindow int `json:"missedCatchupWindow"`
	SkippedOverlap      int `json:"skippedOverlap"`
	// LastRunStatus is the status of the latest run of the workflow the
	// most recent action started ("" when none).
	LastRunStatus string `json:"lastRunStatus"`
}

// LastRunFailed reports whether the most recent action's run ended badly.
func (r ScheduleReport) LastRunFailed() bool {
	switch r.LastRunStatus {
	case "failed", "timed_out", "terminated":
		return true
	}
	return false
}

// snapshotSchedules describes every schedule and replaces the snapshot in
// Redis. A schedule's kind is the HelhedKind its action sets, else the one
// of the run it started last, else its workflow type.
func (s *Service) snapshotSchedules(ctx context.Context) ([]ScheduleReport, error) {
	iter, err := s.Temporal.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 100})
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	var out []ScheduleReport
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		d, err := s.Temporal.ScheduleClient().GetHandle(ctx, e.ID).Describe(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe schedule %s: %w", e.ID, err)
		}
		rep := ScheduleReport{
			ID:                  e.ID,
			Paused:              d.Schedule.State != nil && d.Schedule.State.Paused,
			MissedCatchupWindow: d.Info.NumActionsMissedCatchupWindow,
			SkippedOverlap:      d.Info.NumActionsSkippedOverlap,
		}
		if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
			if k, ok := a.TypedSearchAttributes.GetKeyword(searchattr.Kind); ok {
				rep.Kind = k
			}
		}
		if len(d.Info.NextActionTimes) > 0 {
			rep.NextAction = d.Info.NextActionTimes[0].Unix()
		}
		if n := len(d.Info.RecentActions); n > 0 {
			last := d.Info.RecentActions[n-1]
			rep.LastAction = last.ActualTime.Unix()
			rep.LastDelay = max(0, last.ActualTime.Sub(last.ScheduleTime).Seconds())
			if wf := last.StartWorkflowResult; wf != nil {
				desc, err := s.Temporal.DescribeWorkflowExecution(ctx, wf.WorkflowID, "")
				if err == nil {
					run := runOf(desc.GetWorkflowExecutionInfo())
					rep.LastRunStatus = statusName(run.Status)
					if rep.Kind == "" {
						rep.Kind = run.Kind
					}
				} else {
					rep.LastRunStatus = statusName(enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED)
				}
			}
		}
		if rep.Kind == "" {
			rep.Kind = e.WorkflowType.Name
		}
		out = append(out, rep)
	}
	_, err = s.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, keySchedules)
		for _, r := range out {
			b, _ := json.Marshal(r)
			p.HSet(ctx, keySchedules, r.ID, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record schedules: %w", err)
	}
	return out, nil
}
