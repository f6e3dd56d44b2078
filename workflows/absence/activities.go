package absence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/plan"
	"helhed/schedules/cycle"
	"helhed/suppress"
)

// Results reads a completed round's result; false when there is none.
type Results interface {
	Result(ctx context.Context, workflowID string) (Result, bool, error)
}

// TemporalResults reads results from Temporal.
type TemporalResults struct{ Client client.Client }

// Result returns the result of the latest run of workflowID if it
// completed.
func (t TemporalResults) Result(ctx context.Context, workflowID string) (Result, bool, error) {
	d, err := t.Client.DescribeWorkflowExecution(ctx, workflowID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		return Result{}, false, nil
	}
	var res Result
	if err := t.Client.GetWorkflow(ctx, workflowID, "").Get(ctx, &res); err != nil {
		return Result{}, false, err
	}
	return res, true, nil
}

// ResultsMap is an in-memory Results, for simulations and tests that run
// quarters in sequence without a server.
type ResultsMap struct {
	mu sync.Mutex
	m  map[string]Result
}

// Put stores a completed round's result.
func (r *ResultsMap) Put(workflowID string, res Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]Result{}
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
func (r *ResultsMap) Result(_ context.Context, workflowID string) (Result, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.m[workflowID]
	return res, ok, nil
}

// Activities are the round's side effects with their dependencies.
type Activities struct {
	Plan    *plan.Plan
	DataDir string // notes go under DataDir/absence/<plan>/<quarter>/
	Redis   redis.Cmdable
	Results Results
}

// AbsencePrepare snapshots the plan for the round.
func (a *Activities) AbsencePrepare(_ context.Context, in Input) (Setup, error) {
	s, err := BuildSetup(a.Plan, in)
	if err != nil {
		return Setup{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	return s, nil
}

// AbsencePrevious carries the plan year's flagged pupils and course count
// over from the preceding quarter's round, if it completed.
func (a *Activities) AbsencePrevious(ctx context.Context, workflowID string) (Carry, error) {
	res, ok, err := a.Results.Result(ctx, workflowID)
	if err != nil {
		return Carry{}, fmt.Errorf("read %s: %w", workflowID, err)
	}
	if !ok {
		return Carry{}, nil
	}
	return Carry{Found: true, Flagged: res.Outcome.FlaggedYTD, CoursesYTD: res.Outcome.CoursesYTD}, nil
}

// NoteInput is what the quarterly note is rendered from.
type NoteInput struct {
	Setup      Setup          `json:"setup"`
	Outcome    Outcome        `json:"outcome"`
	Schools    []SchoolStatus `json:"schools"`
	CompiledAt time.Time      `json:"compiledAt"`
}

// AbsenceCompile renders the quarterly note and keeps it under DATA_DIR.
func (a *Activities) AbsenceCompile(_ context.Context, in NoteInput) (cycle.Doc, error) {
	doc, err := templates.Render("note", noteData(in))
	if err != nil {
		return cycle.Doc{}, temporal.NewNonRetryableApplicationError(err.Error(), "RenderFailed", err)
	}
	dir := filepath.Join(a.DataDir, "absence", in.Setup.PlanID, in.Setup.Quarter)
	if err := cycle.Keep(dir, "kvartalsnotat", &doc); err != nil {
		return cycle.Doc{}, err
	}
	return doc, nil
}

// Read-model keys (helhed:absence:*):
//
//	helhed:absence:quarters:<plan>       zset: quarter → start (unix s)
//	helhed:absence:q:<plan>:<quarter>    hash: percent|<area>, pupils|<area>, flags10|<area>, flags15|<area>
//	                                     (absent when suppressed; suppressed|<field>|<area> = 1 then),
//	                                     courses_new, courses_ytd, year, missing_schools
func quartersKey(planID string) string   { return "helhed:absence:quarters:" + planID }
func quarterKey(planID, q string) string { return "helhed:absence:q:" + planID + ":" + q }

// Entry names a quarter's read-model entry and holds what AbsenceRecord
// writes besides the figures.
type Entry struct {
	Plan           string `json:"plan"`
	Quarter        string `json:"quarter"`
	Year           string `json:"year"`
	Threshold      int    `json:"threshold"`
	MissingSchools int    `json:"missingSchools"`
}

// Record is what AbsenceRecord writes.
type Record struct {
	Entry
	Outcome Outcome `json:"outcome"`
}

// AbsenceRecord replaces the quarter's read-model entry. Counts below the
// discretion threshold, and percentages computed from them, are never
// written: the read model holds only what may be published.
func (a *Activities) AbsenceRecord(ctx context.Context, r Record) error {
	q, err := ParseQuarter(r.Quarter)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "BadArgument", err)
	}
	fields := Fields(r)
	_, err = a.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		key := quarterKey(r.Plan, r.Quarter)
		p.Del(ctx, key)
		p.HSet(ctx, key, fields)
		p.ZAdd(ctx, quartersKey(r.Plan), redis.Z{Score: quarterScore(q, a.Plan.Location()), Member: r.Quarter})
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %s: %w", r.Quarter, err)
	}
	return a.summarise(ctx, r.Plan, r.Year)
}

// summaryKey is what the annual report (workflows/report) reads: JSON
// {"quarters":[{"quarter","areas":{area: percent}}]} of the plan year,
// published values only.
func summaryKey(year string) string { return "helhed:absence:summary:" + year }

// quarterScore is a quarter's score in helhed:absence:quarters:<plan>: the
// Unix time of its first day's start in the plan's zone.
func quarterScore(q Quarter, loc *time.Location) float64 {
	return float64(q.Start().In(loc).Unix())
}

func (a *Activities) summarise(ctx context.Context, planID, year string) error {
	quarters, err := a.Redis.ZRange(ctx, quartersKey(planID), 0, -1).Result()
	if err != nil {
		return err
	}
	var stored []quarterFields
	for _, q := range quarters {
		h, err := a.Redis.HGetAll(ctx, quarterKey(planID, q)).Result()
		if err != nil {
			return err
		}
		stored = append(stored, quarterFields{quarter: q, fields: h})
	}
	b, err := summaryJSON(year, stored)
	if err != nil {
		return err
	}
	return a.Redis.Set(ctx, summaryKey(year), b, 0).Err()
}

// quarterFields is a quarter's read-model hash as stored.
type quarterFields struct {
	quarter string
	fields  map[string]string
}

// summaryJSON is the plan year's summary from the plan's quarters, in
// the order of helhed:absence:quarters:<plan>.
func summaryJSON(year string, quarters []quarterFields) ([]byte, error) {
	type quarter struct {
		Quarter string             `json:"quarter"`
		Areas   map[string]float64 `json:"areas"`
	}
	sum := struct {
		Quarters []quarter `json:"quarters"`
	}{Quarters: []quarter{}}
	for _, q := range quarters {
		if q.fields["year"] != year {
			continue
		}
		qs := quarter{Quarter: q.quarter, Areas: map[string]float64{}}
		for field, v := range q.fields {
			area, ok := strings.CutPrefix(field, "percent|")
			if f, err := strconv.ParseFloat(v, 64); ok && err == nil && area != "alle" {
				qs.Areas[area] = f
			}
		}
		sum.Quarters = append(sum.Quarters, qs)
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return nil, fmt.Errorf("encode absence summary %s: %w", year, err)
	}
	return b, nil
}

// Fields are the published (suppressed) read-model fields of a quarter.
func Fields(r Record) map[string]any {
	rule := suppress.Rule{Threshold: r.Threshold}
	f := map[string]any{"courses_new": r.Outcome.NewCourses, "courses_ytd": r.Outcome.CoursesYTD, "year": r.Year, "missing_schools": r.MissingSchools}
	for _, st := range append([]AreaStat{r.Outcome.Total}, r.Outcome.Areas...) {
		if st.Pupils == 0 {
			continue
		}
		put := func(name string, c suppress.Cell) {
			if c.Suppressed {
				f[strings.Join([]string{"suppressed", name, st.Area}, "|")] = 1
				return
			}
			f[name+"|"+st.Area] = c.Value
		}
		pupils := rule.Count(float64(st.Pupils))
		put("pupils", pupils)
		if pupils.Suppressed {
			put("percent", suppress.Cell{Suppressed: true})
		} else {
			put("percent", suppress.Cell{Value: st.Percent})
		}
		put("flags10", rule.Count(float64(st.Flags10)))
		put("flags15", rule.Count(float64(st.Flags15)))
	}
	return f
}
