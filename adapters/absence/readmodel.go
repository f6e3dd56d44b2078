package absence

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"

	"helhed/suppress"
	"helhed/workflows/absence"
)

// Read-model keys (helhed:absence:*):
//
//	helhed:absence:quarters:<plan>       zset: quarter → start (unix s)
//	helhed:absence:q:<plan>:<quarter>    hash: percent|<area>, pupils|<area>, flags10|<area>, flags15|<area>
//	                                     (absent when suppressed; suppressed|<field>|<area> = 1 then),
//	                                     courses_new, courses_ytd (absent when suppressed; suppressed|<field> = 1 then),
//	                                     year, missing_schools
func quartersKey(planID string) string   { return "helhed:absence:quarters:" + planID }
func quarterKey(planID, q string) string { return "helhed:absence:q:" + planID + ":" + q }

// AbsenceRecord replaces the quarter's read-model entry. Suppressed
// figures (publishedStats, publishedCourses) are never written: the read
// model holds only what may be published.
func (a *Activities) AbsenceRecord(ctx context.Context, r absence.Record) error {
	q, err := absence.ParseQuarter(r.Quarter)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "BadArgument", err)
	}
	fields := publishedFields(r)
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
func quarterScore(q absence.Quarter, loc *time.Location) float64 {
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

// publishedFields are the published (suppressed) read-model fields of a
// quarter.
func publishedFields(r absence.Record) map[string]any {
	f := map[string]any{"year": r.Year, "missing_schools": r.MissingSchools}
	added, ytd := publishedCourses(r.Threshold, r.Outcome)
	for name, c := range map[string]suppress.Cell{"courses_new": added, "courses_ytd": ytd} {
		if c.Suppressed {
			f["suppressed|"+name] = 1
		} else {
			f[name] = int(c.Value)
		}
	}
	areaCells, totalCells := publishedStats(r.Threshold, r.Outcome)
	for i, st := range append([]absence.AreaStat{r.Outcome.Total}, r.Outcome.Areas...) {
		if st.Pupils == 0 {
			continue
		}
		c := totalCells
		if i > 0 {
			c = areaCells[i-1]
		}
		put := func(name string, c suppress.Cell) {
			if c.Suppressed {
				f[strings.Join([]string{"suppressed", name, st.Area}, "|")] = 1
				return
			}
			f[name+"|"+st.Area] = c.Value
		}
		put("pupils", c.pupils)
		put("percent", c.percent)
		put("flags10", c.flags10)
		put("flags15", c.flags15)
	}
	return f
}
