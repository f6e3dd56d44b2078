package statistics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"helhed/dst"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/statistics"
)

// Activities are the pull's side effects. The method names are the
// registered activity names the workflow calls.
type Activities struct {
	Plan  *plan.Plan
	DST   *dst.Client
	Redis redis.Cmdable
}

// Prepare resolves the plan year, the data years and the monitoring unit's
// data request. A plan year outside the plan is a non-retryable error.
func (a *Activities) Prepare(_ context.Context, in statistics.PrepareInput) (statistics.PrepareResult, error) {
	p := a.Plan
	today := p.DateOf(in.Now)
	label := in.Input.PlanYear
	if label == "" {
		// The schedule: the plan year that ended last.
		if label = lastEndedPlanYear(p, today); label == "" {
			return statistics.PrepareResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("no plan year of %s has ended by %s", p.ID, today), "NoPlanYear", nil)
		}
	}
	py, ok := p.PlanYear(label)
	if !ok {
		return statistics.PrepareResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("planYear %q is not a plan year of %s", label, p.ID), "BadPlanYear", nil)
	}
	if p.Governance.MonitoringUnit == "" {
		return statistics.PrepareResult{}, temporal.NewNonRetryableApplicationError(
			"the plan names no governance.monitoring_unit to ask for the area key figures", "NoMonitoringUnit", nil)
	}
	due := in.Input.DueWeekdays
	if due <= 0 {
		due = statistics.DefaultDueWeekdays
	}
	prep := pullOf(p, py)
	prep.Due = workdays.Add(today, due).String()
	return statistics.PrepareResult{Prepared: prep, Request: statistics.KeyFigureRequest(p, prep)}, nil
}

// lastEndedPlanYear is the label of p's plan year that ended last before
// today, the one the scheduled pull reports on; "" when none has ended.
func lastEndedPlanYear(p *plan.Plan, today plan.Date) string {
	label := ""
	for _, y := range p.PlanYears() {
		if y.Period.End.Before(today) {
			label = y.Label
		}
	}
	return label
}

// pullOf is what a pull of py works with, short of its due date.
func pullOf(p *plan.Plan, py plan.PlanYear) statistics.Prepared {
	dataYear := statistics.DataYear(py)
	prep := statistics.Prepared{
		PlanID: p.ID, PlanYear: py.Label, DataYear: dataYear, Years: []int{dataYear - 1, dataYear},
		Threshold: p.DiscretionThreshold, RequestID: statistics.Kind + "-" + py.Label + "/" + p.Governance.MonitoringUnit,
	}
	for _, ar := range p.Areas {
		prep.Areas = append(prep.Areas, ar.ID)
	}
	return prep
}

// FetchBaselines pulls the kommune baselines from Statbank. Failures of a
// table are recorded in Missing, not returned: the pull goes on without
// them and says so.
func (a *Activities) FetchBaselines(ctx context.Context, prep statistics.Prepared) (statistics.Baselines, error) {
	kommune := a.Plan.KommuneCode
	if kommune == "" {
		return statistics.Baselines{Missing: []statistics.Missing{{What: "plan", Reason: "planen angiver ikke kommunens områdekode (kommune_code)"}}}, nil
	}
	areas := []string{statistics.AreaCountry, statistics.AreaRegion, kommune}
	var b statistics.Baselines
	for _, s := range specs() {
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, s.Table)
		}
		figs, missing := fetchTable(ctx, a.DST, s, areas, prep.DataYear)
		if ctx.Err() != nil {
			return statistics.Baselines{}, ctx.Err() // cancelled or timed out: let Temporal retry
		}
		b.Figures = append(b.Figures, figs...)
		b.Missing = append(b.Missing, missing...)
	}
	derive(&b)
	return b, nil
}

// Evaluate validates and computes (statistics.Evaluate), records why the
// data request gave no answer, and gives each § 61 a criterion its trend
// against last year's pull in the read model.
func (a *Activities) Evaluate(ctx context.Context, in statistics.EvaluateInput) (statistics.Result, error) {
	r := statistics.Evaluate(a.Plan, in.Prepared, in.Baselines, in.Answer)
	if in.RequestError != "" {
		r.Issues = append(r.Issues, statistics.Issue{Kind: statistics.IssueNoAnswer,
			Message: "Dataanmodningen til monitoreringsenheden gav intet svar: " + in.RequestError})
	}
	r.PulledAt = in.Now
	prev, err := a.previous(ctx, in.Prepared.PlanYear)
	if err != nil {
		return statistics.Result{}, err
	}
	statistics.AddTrend(&r, prev)
	return r, nil
}

// previous is the pull of the plan year before planYear; nil when there
// is none.
func (a *Activities) previous(ctx context.Context, planYear string) (*statistics.Result, error) {
	if a.Redis == nil {
		return nil, nil
	}
	var last string
	for _, y := range a.Plan.PlanYears() {
		if y.Label == planYear {
			break
		}
		last = y.Label
	}
	if last == "" {
		return nil, nil
	}
	return Load(ctx, a.Redis, last)
}

// Publish writes the result to the read model. Every write is a SET of the
// whole value, so a retried publish leaves the same state.
func (a *Activities) Publish(ctx context.Context, r statistics.Result) error {
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
