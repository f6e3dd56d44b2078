package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	datarequestadapter "helhed/adapters/datarequest"
	statisticsadapter "helhed/adapters/statistics"
	"helhed/plan"
	"helhed/workflows/report"
)

// Keys of other capabilities' read models that the report reads.
func keyEvictions(year string) string  { return "helhed:eviction:summary:" + year }
func keyAbsence(year string) string    { return "helhed:absence:summary:" + year }
func keyMeetings(year string) string   { return "helhed:meeting:summary:" + year }
func keyMilestones(year string) string { return "helhed:meeting:milestones:" + year }

// Assemble reads the plan year's sources from the read model and builds
// the report (report.Build). A key that is not there is a missing source.
func Assemble(ctx context.Context, p *plan.Plan, rdb redis.Cmdable, planYear string, version int, now time.Time, comments []report.Comment) (*report.Report, error) {
	py, ok := p.PlanYear(planYear)
	if !ok {
		return nil, fmt.Errorf("planYear %q is not a plan year of %s", planYear, p.ID)
	}
	var src report.Sources
	var err error
	if src.Statistics, err = statisticsadapter.Load(ctx, rdb, py.Label); err != nil {
		return nil, err
	}
	if src.Statistics != nil {
		// Earlier pulls give the trend.
		for _, y := range p.PlanYears() {
			if y.Index >= py.Index {
				break
			}
			old, err := statisticsadapter.Load(ctx, rdb, y.Label)
			if err != nil {
				return nil, err
			}
			if old != nil {
				src.Earlier = append(src.Earlier, *old)
			}
		}
	}
	if src.Milestones, err = rdb.HGetAll(ctx, keyMilestones(py.Label)).Result(); err != nil {
		return nil, fmt.Errorf("read %s: %w", keyMilestones(py.Label), err)
	}
	if src.Evictions, err = readJSON[report.EvictionSummary](ctx, rdb, keyEvictions(py.Label)); err != nil {
		return nil, err
	}
	if src.Absence, err = readJSON[report.AbsenceSummary](ctx, rdb, keyAbsence(py.Label)); err != nil {
		return nil, err
	}
	if src.Meetings, err = readJSON[report.MeetingSummary](ctx, rdb, keyMeetings(py.Label)); err != nil {
		return nil, err
	}
	store := &datarequestadapter.Store{R: rdb, Loc: p.Location()}
	if src.Requests, err = store.List(ctx, datarequestadapter.Filter{}, now); err != nil {
		return nil, fmt.Errorf("read data requests: %w", err)
	}
	return report.Build(p, py, version, now, comments, src), nil
}

// readJSON reads a JSON key; nil when it does not exist.
func readJSON[T any](ctx context.Context, rdb redis.Cmdable, key string) (*T, error) {
	b, err := rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return v, nil
}
