package statistics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"helhed/dst"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/datarequest"
)

// Activities are the pull's side effects; register with
// worker.RegisterActivity(&Activities{...}).
type Activities struct {
	Plan  *plan.Plan
	DST   *dst.Client
	Redis redis.Cmdable
}

// PrepareInput carries the workflow's clock into Prepare.
type PrepareInput struct {
	Input Input     `json:"input"`
	Now   time.Time `json:"now"`
}

// PrepareResult is the resolved pull and the data request to send.
type PrepareResult struct {
	Prepared Prepared          `json:"prepared"`
	Request  datarequest.Input `json:"request"`
}

// Prepare resolves the plan year, the data years and the monitoring unit's
// data request. A plan year outside the plan is a non-retryable error.
func (a *Activities) Prepare(_ context.Context, in PrepareInput) (PrepareResult, error) {
	p := a.Plan
	today := p.DateOf(in.Now)
	label := in.Input.PlanYear
	if label == "" {
		// The schedule: the plan year that ended last.
		for _, y := range p.PlanYears() {
			if y.Period.End.Before(today) {
				label = y.Label
			}
		}
		if label == "" {
			return PrepareResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("no plan year of %s has ended by %s", p.ID, today), "NoPlanYear", nil)
		}
	}
	py, ok := p.PlanYear(label)
	if !ok {
		return PrepareResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("planYear %q is not a plan year of %s", label, p.ID), "BadPlanYear", nil)
	}
	if p.Governance.MonitoringUnit == "" {
		return PrepareResult{}, temporal.NewNonRetryableApplicationError(
			"the plan names no governance.monitoring_unit to ask for the area key figures", "NoMonitoringUnit", nil)
	}
	due := in.Input.DueWeekdays
	if due <= 0 {
		due = DefaultDueWeekdays
	}
	dataYear := py.Period.Start.Year
	prep := Prepared{
		PlanID: p.ID, PlanYear: label, DataYear: dataYear, Years: []int{dataYear - 1, dataYear},
		Threshold: p.DiscretionThreshold, RequestID: Kind + "-" + label + "/" + p.Governance.MonitoringUnit,
		Due: workdays.Add(today, due).String(),
	}
	for _, ar := range p.Areas {
		prep.Areas = append(prep.Areas, ar.ID)
	}
	return PrepareResult{Prepared: prep, Request: requestInput(p, prep)}, nil
}

// FetchBaselines pulls the kommune baselines from Statbank. Failures of a
// table are recorded in Missing, not returned: the pull goes on without
// them and says so.
func (a *Activities) FetchBaselines(ctx context.Context, prep Prepared) (Baselines, error) {
	kommune := a.Plan.KommuneCode
	if kommune == "" {
		return Baselines{Missing: []Missing{{What: "plan", Reason: "planen angiver ikke kommunens områdekode (kommune_code)"}}}, nil
	}
	areas := []string{AreaCountry, AreaRegion, kommune}
	var b Baselines
	for _, s := range specs() {
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, s.Table)
		}
		figs, missing := fetchTable(ctx, a.DST, s, areas, prep.DataYear)
		if ctx.Err() != nil {
			return Baselines{}, ctx.Err() // cancelled or timed out: let Temporal retry
		}
		b.Figures = append(b.Figures, figs...)
		b.Missing = append(b.Missing, missing...)
	}
	derive(&b)
	return b, nil
}

// EvaluateInput is what Evaluate needs.
type EvaluateInput struct {
	Prepared  Prepared            `json:"prepared"`
	Baselines Baselines           `json:"baselines"`
	Answer    *datarequest.Result `json:"answer,omitempty"`
	// RequestError says why the data request gave no answer.
	RequestError string    `json:"requestError,omitempty"`
	Now          time.Time `json:"now"`
}

// Evaluate validates and computes (see the package function Evaluate).
func (a *Activities) Evaluate(_ context.Context, in EvaluateInput) (Result, error) {
	r := Evaluate(a.Plan, in.Prepared, in.Baselines, in.Answer)
	if in.RequestError != "" {
		r.Issues = append(r.Issues, Issue{Kind: IssueNoAnswer, Message: "Dataanmodningen til monitoreringsenheden gav intet svar: " + in.RequestError})
	}
	r.PulledAt = in.Now
	return r, nil
}

// Read-model keys.
const (
	keyPullPrefix  = "helhed:stats:pull:"
	KeyLatest      = "helhed:stats:latest"
	KeyLastSuccess = "helhed:stats:last_success"
)

// KeyPull is the key of one plan year's result.
func KeyPull(planYear string) string { return keyPullPrefix + planYear }

// Publish writes the result to the read model. Every write is a SET of the
// whole value, so a retried publish leaves the same state.
func (a *Activities) Publish(ctx context.Context, r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode pull %s: %w", r.PlanYear, err)
	}
	latest, err := a.Redis.Get(ctx, KeyLatest).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("read %s: %w", KeyLatest, err)
	}
	_, err = a.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, KeyPull(r.PlanYear), b, 0)
		if r.PlanYear >= latest {
			p.Set(ctx, KeyLatest, r.PlanYear, 0)
		}
		p.Set(ctx, KeyLastSuccess, strconv.FormatInt(r.PulledAt.Unix(), 10), 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish pull %s: %w", r.PlanYear, err)
	}
	return nil
}

// Load reads a plan year's result; nil without error when there is none.
func Load(ctx context.Context, rdb redis.Cmdable, planYear string) (*Result, error) {
	b, err := rdb.Get(ctx, KeyPull(planYear)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", KeyPull(planYear), err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode %s: %w", KeyPull(planYear), err)
	}
	return &r, nil
}

// Latest reads the newest plan year's result; nil when there is none.
func Latest(ctx context.Context, rdb redis.Cmdable) (*Result, error) {
	year, err := rdb.Get(ctx, KeyLatest).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", KeyLatest, err)
	}
	return Load(ctx, rdb, year)
}
