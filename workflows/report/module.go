package report

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	"helhed/dst"
	"helhed/mail"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows/statistics"
)

// Deps are what the statistics-and-report module needs from the process.
type Deps struct {
	Plan        *plan.Plan
	Redis       redis.Cmdable
	Mail        mail.Sender
	StatbankURL string
	DataDir     string
	PublicURL   string
	Metrics     prometheus.Registerer // nil: no metrics
	Log         *slog.Logger
}

// Worker registers both workflows, their activities and the metrics
// collector.
func Worker(w worker.Registry, d Deps) error {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	c := dst.New(d.StatbankURL, dst.RedisCache{R: d.Redis})
	c.Log = d.Log
	w.RegisterWorkflowWithOptions(statistics.StatisticsPull, workflow.RegisterOptions{Name: statistics.WorkflowName})
	w.RegisterActivity(&statistics.Activities{Plan: d.Plan, DST: c, Redis: d.Redis})
	w.RegisterWorkflowWithOptions(AnnualReport, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterActivity(&Activities{Plan: d.Plan, Redis: d.Redis, DataDir: d.DataDir, Mail: &activities.Mail{Sender: d.Mail}, PublicURL: d.PublicURL})
	if d.Metrics != nil {
		if err := d.Metrics.Register(&statistics.Collector{Redis: d.Redis, Log: d.Log}); err != nil {
			return fmt.Errorf("register statistics metrics: %w", err)
		}
	}
	return nil
}

func init() {
	schedules.Register(schedules.CycleStatisticsPull, scheduleSpecs(schedules.CycleStatisticsPull))
	schedules.Register(schedules.CycleAnnualReport, scheduleSpecs(schedules.CycleAnnualReport))
}

// scheduleSpecs are the yearly occurrences: the pull on 15 August after a
// plan year ends (06:00), the report six weeks before the autumn board
// meeting that approves it (1 October when the plan has no such meeting).
func scheduleSpecs(cycle string) schedules.Source {
	return func(p *plan.Plan) ([]schedules.Spec, error) {
		loc := p.Location()
		spec := schedules.Spec{ID: schedules.ID(p.ID, cycle), Cycle: cycle}
		autumn := map[string]plan.Date{}
		for _, m := range p.BoardMeetings() {
			if m.Kind == plan.MeetingAutumn {
				autumn[m.Year] = m.Date
			}
		}
		years := p.PlanYears()
		for i, y := range years {
			var at time.Time
			var occ schedules.Occurrence
			var err error
			end := y.Period.End
			switch cycle {
			case schedules.CycleStatisticsPull:
				spec.Title = "Årligt statistikudtræk"
				at = time.Date(end.Year, time.August, 15, 6, 0, 0, 0, loc)
				in := statistics.Input{PlanYear: y.Label}
				occ, err = schedules.NewOccurrence(at, time.Time{}, statistics.WorkflowName, statistics.WorkflowID(in), "Statistikudtræk "+y.Label, in)
			default:
				spec.Title = "Årsrapport"
				at = time.Date(end.Year, time.October, 1, 6, 0, 0, 0, loc)
				if i+1 < len(years) {
					if d, ok := autumn[years[i+1].Label]; ok {
						at = d.AddDays(-42).In(loc).Add(6 * time.Hour)
					}
				}
				in := Input{PlanYear: y.Label}
				occ, err = schedules.NewOccurrence(at, time.Time{}, WorkflowName, WorkflowID(in), "Årsrapport "+y.Label, in)
			}
			if err != nil {
				return nil, err
			}
			spec.Occurrences = append(spec.Occurrences, occ)
		}
		return []schedules.Spec{spec}, nil
	}
}
