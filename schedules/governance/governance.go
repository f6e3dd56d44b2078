// Package governance wires the plan's governance cycles into a process:
// the meeting round and the quarterly absence follow-up (their workflows,
// activities, metrics and run kinds), the Launch workflow every occurrence
// schedule starts, and the schedule sync at start. app/modules.go holds
// one entry that calls For.
package governance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/config"
	"helhed/plan"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/schedules"
	"helhed/schedules/cycle"
	"helhed/tclient"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/meeting"
)

// Module is the governance capability of one process.
type Module struct {
	Config   *config.Config
	Plan     *plan.Plan
	Temporal client.Client
	Redis    redis.Cmdable
	Log      *slog.Logger
}

// For collects the dependencies.
func For(cfg *config.Config, p *plan.Plan, c client.Client, r redis.Cmdable, log *slog.Logger) *Module {
	if log == nil {
		log = slog.Default()
	}
	return &Module{Config: cfg, Plan: p, Temporal: c, Redis: r, Log: log}
}

// Worker registers the workflows and activities, the collectors of
// helhed_meeting_*, helhed_progress_report_*, helhed_milestone_actual and
// helhed_absence_*, and the read-model reconcilers of both kinds (package
// readmodel rebuilds helhed:meeting:*, helhed:milestone:* and
// helhed:absence:* with them).
func (m *Module) Worker(w worker.Registry, reg prometheus.Registerer) error {
	if err := errors.Join(
		readmodel.Register(meeting.Reconciler()),
		readmodel.Register(absence.Reconciler(m.Plan)),
	); err != nil {
		return fmt.Errorf("register governance read models: %w", err)
	}
	w.RegisterWorkflowWithOptions(schedules.Launch, workflow.RegisterOptions{Name: schedules.LaunchWorkflowName})
	w.RegisterActivity(&cycle.Requests{Control: cycle.TemporalRequests{Client: m.Temporal}})
	meeting.Register(w, &meeting.Activities{Plan: m.Plan, DataDir: m.Config.DataDir, Redis: m.Redis})
	absence.Register(w, &absence.Activities{Plan: m.Plan, DataDir: m.Config.DataDir, Redis: m.Redis,
		Results: absence.TemporalResults{Client: m.Temporal}})
	for _, c := range []prometheus.Collector{
		&meeting.Collector{Plan: m.Plan, Redis: m.Redis, Log: m.Log},
		&absence.Collector{Plan: m.Plan, Redis: m.Redis, Log: m.Log},
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register governance metrics: %w", err)
		}
	}
	return nil
}

// Start syncs every registered schedule of the plan (see package
// schedules).
func (m *Module) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	s, err := NewSyncer(m.Config, m.Temporal, m.Log)
	if err != nil {
		return err
	}
	if _, err := s.Sync(ctx, m.Plan); err != nil {
		return fmt.Errorf("sync schedules: %w", err)
	}
	return nil
}

// NewSyncer is a schedules.Syncer with the process's data converter, so
// the described actions can be decoded and compared.
func NewSyncer(cfg *config.Config, c client.Client, log *slog.Logger) (*schedules.Syncer, error) {
	opts, err := tclient.Options(cfg, "", nil, log)
	if err != nil {
		return nil, err
	}
	return &schedules.Syncer{Client: c, DataConverter: opts.DataConverter, TaskQueue: workflows.TaskQueue, Log: log}, nil
}

// Kinds are the run kinds meeting-round and absence-follow-up.
func Kinds() []runs.Kind { return []runs.Kind{meeting.RunKind(), absence.RunKind()} }
