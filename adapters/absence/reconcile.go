package absence

import (
	"sort"
	"time"

	"helhed/plan"
	"helhed/readmodel"
	"helhed/workflows/absence"
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
	var g readmodel.Gather[Run]
	loc := p.Location()
	return readmodel.Spec{
		KindName:    absence.Kind,
		KeyPatterns: KeyPatterns,
		Filter:      `WorkflowType = "` + absence.WorkflowName + `"`,
		NewResult:   func() any { return new(absence.Result) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			// Running and failed rounds load nothing: they wrote nothing.
			if res, ok := loaded.(*absence.Result); ok && res != nil {
				g.Add(m, Run{Closed: run.Close, Result: *res})
			}
			return nil
		},
		FinishFunc: func(m *readmodel.Model) error { return Project(m, g.Take(m), loc) },
	}
}

// Run is one completed round's run as a reconcile finds it.
type Run struct {
	Closed time.Time // AbsenceRecord replaces a quarter's entry: the latest wins
	Result absence.Result
}

// Project writes the quarters' read model into m, as the reconcile does
// (loc is the plan's zone); a test compares it with what the rounds'
// activities wrote live. Results without a Record wrote nothing.
func Project(m readmodel.Writes, runs []Run, loc *time.Location) error {
	type projected struct {
		closed time.Time
		rec    absence.Record
	}
	// The latest round of each quarter.
	latest := map[[2]string]projected{}
	for _, r := range runs {
		rec, ok := r.Result.Record()
		if !ok {
			continue
		}
		k := [2]string{rec.Plan, rec.Quarter}
		if cur, ok := latest[k]; !ok || r.Closed.After(cur.closed) {
			latest[k] = projected{closed: r.Closed, rec: rec}
		}
	}
	type indexed struct {
		score float64
		quarterFields
	}
	byPlan := map[string][]indexed{}
	for _, p := range latest {
		q, err := absence.ParseQuarter(p.rec.Quarter)
		if err != nil {
			return err
		}
		qf := quarterFields{quarter: p.rec.Quarter, fields: map[string]string{}}
		for f, v := range publishedFields(p.rec) {
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
