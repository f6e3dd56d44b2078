package absence

import (
	"sort"
	"time"

	"helhed/plan"
	"helhed/readmodel"
	"helhed/schedules/cycle"
)

// KeyPatterns are the Redis keys the absence read model owns.
var KeyPatterns = []string{"helhed:absence:*"}

// Reconciler rebuilds the absence read model from Temporal (package
// readmodel runs it on its schedule and on demand). A round writes the read
// model once, when it completes, so only completed rounds count: each
// result carries the Record AbsenceRecord wrote (Result.Record), from
// which the rebuild writes exactly what the live write did: the quarter's
// published (suppressed) fields, its place in the plan's quarter index and
// the plan year's summary for the annual report.
func Reconciler(p *plan.Plan) readmodel.Reconciler {
	var g cycle.Gather[projected]
	loc := p.Location()
	return readmodel.Spec{
		KindName:    Kind,
		KeyPatterns: KeyPatterns,
		Filter:      `WorkflowType = "` + WorkflowName + `"`,
		NewResult:   func() any { return new(Result) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			res, ok := loaded.(*Result)
			if !ok || res == nil {
				return nil // running (nothing written yet) or failed
			}
			if rec, ok := res.Record(); ok {
				g.Add(m, projected{closed: run.Close, rec: rec})
			}
			return nil
		},
		FinishFunc: func(m *readmodel.Model) error { return project(m, g.Take(m), loc) },
	}
}

// projected is one completed round as a reconcile found it.
type projected struct {
	closed time.Time
	rec    Record
}

// project writes the quarters' read model into m.
func project(m cycle.Writes, all []projected, loc *time.Location) error {
	// The latest round of each quarter: AbsenceRecord replaces the entry.
	latest := map[[2]string]projected{}
	for _, p := range all {
		k := [2]string{p.rec.Plan, p.rec.Quarter}
		if cur, ok := latest[k]; !ok || p.closed.After(cur.closed) {
			latest[k] = p
		}
	}
	type indexed struct {
		score float64
		quarterFields
	}
	byPlan := map[string][]indexed{}
	for _, p := range latest {
		q, err := ParseQuarter(p.rec.Quarter)
		if err != nil {
			return err
		}
		qf := quarterFields{quarter: p.rec.Quarter, fields: map[string]string{}}
		for f, v := range Fields(p.rec) {
			qf.fields[f] = readmodel.Value(v)
			m.HSet(quarterKey(p.rec.Plan, p.rec.Quarter), f, v)
		}
		score := quarterScore(q, loc)
		m.ZAdd(quartersKey(p.rec.Plan), p.rec.Quarter, score)
		byPlan[p.rec.Plan] = append(byPlan[p.rec.Plan], indexed{score, qf})
	}
	plans := make([]string, 0, len(byPlan))
	for id := range byPlan {
		plans = append(plans, id)
	}
	sort.Strings(plans)
	for _, id := range plans {
		qs := byPlan[id]
		// ZRANGE order: by score, then by member.
		sort.Slice(qs, func(i, j int) bool {
			return qs[i].score < qs[j].score || qs[i].score == qs[j].score && qs[i].quarter < qs[j].quarter
		})
		ordered := make([]quarterFields, len(qs))
		years := map[string]bool{}
		for i, q := range qs {
			ordered[i] = q.quarterFields
			years[q.fields["year"]] = true
		}
		for y := range years {
			b, err := summaryJSON(y, ordered)
			if err != nil {
				return err
			}
			m.Set(summaryKey(y), string(b))
		}
	}
	return nil
}
