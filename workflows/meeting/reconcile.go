package meeting

import (
	"sort"
	"time"

	"helhed/readmodel"
	"helhed/schedules/cycle"
)

// KeyPatterns are the Redis keys the meeting read model owns.
var KeyPatterns = []string{"helhed:meeting:*", "helhed:milestone:*"}

// Reconciler rebuilds the meeting read model from Temporal (package
// readmodel runs it on its schedule and on demand): running rounds are read
// with the state query, completed ones from their result (the final
// State). Each round's State carries the entry it last wrote (Record) and
// the members' figures it wrote (Figures), so the rebuild holds exactly
// what MeetingRecordRound and MeetingRecordMilestones wrote live: the
// rounds' hashes, each year's meeting summary, each member's latest figure
// per target (by answer time, over the year's rounds) and their sums.
func Reconciler() readmodel.Reconciler {
	var g cycle.Gather[projected]
	return readmodel.Spec{
		KindName:    Kind,
		KeyPatterns: KeyPatterns,
		Filter:      `WorkflowType = "` + WorkflowName + `"`,
		StateQuery:  QueryState,
		NewState:    func() any { return new(State) },
		NewResult:   func() any { return new(State) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			st, ok := loaded.(*State)
			if !ok || st == nil || st.Record == nil {
				return nil // failed, or not prepared yet: nothing written
			}
			g.Add(m, projected{start: run.Start, st: *st})
			return nil
		},
		FinishFunc: func(m *readmodel.Model) error { return project(m, g.Take(m)) },
	}
}

// projected is one round as a reconcile found it.
type projected struct {
	start time.Time
	st    State
}

// project writes the rounds' read model into m.
func project(m cycle.Writes, all []projected) error {
	// The latest run of each round: a failed round may have been run again.
	latest := map[[2]string]projected{}
	for _, p := range all {
		k := [2]string{p.st.Record.Plan, p.st.Record.Key}
		if cur, ok := latest[k]; !ok || p.start.After(cur.start) {
			latest[k] = p
		}
	}
	keys := make([][2]string, 0, len(latest))
	for k := range latest {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})

	type yearKey struct{ plan, year string }
	held := map[yearKey][]Held{}
	var years []yearKey
	figures := map[yearKey]map[string]Figure{}
	for _, k := range keys {
		st := latest[k].st
		rec := *st.Record
		fields, err := roundFields(rec)
		if err != nil {
			return err
		}
		for f, v := range fields {
			m.HSet(roundKey(rec.Plan, rec.Key), f, v)
		}
		m.SAdd(roundsKey(rec.Plan), rec.Key)
		yk := yearKey{rec.Plan, rec.Year}
		if _, ok := held[yk]; !ok {
			years = append(years, yk)
		}
		held[yk] = append(held[yk], rec.Held...)
		// A member's figures go under the round's plan year; the latest
		// answer wins, as the live writes leave it.
		for _, f := range st.Figures {
			if figures[yk] == nil {
				figures[yk] = map[string]Figure{}
			}
			if cur, ok := figures[yk][f.field()]; !ok || !f.At.Before(cur.At) {
				figures[yk][f.field()] = f
			}
		}
	}
	for _, yk := range years {
		b, err := summaryJSON(held[yk])
		if err != nil {
			return err
		}
		m.Set(meetingSummaryKey(yk.year), string(b))
	}
	for yk, fs := range figures {
		reported := map[string]string{}
		for field, f := range fs {
			reported[field] = f.Value
			m.HSet(milestoneKey(yk.plan, yk.year), field, f.Value)
		}
		for k, v := range milestoneSums(reported) {
			m.HSet(milestoneSummaryKey(yk.year), k, v)
		}
	}
	return nil
}
