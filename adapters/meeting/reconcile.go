package meeting

import (
	"context"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"helhed/readmodel"
	"helhed/workflows/meeting"
)

// KeyPatterns are the Redis keys the meeting read model owns.
var KeyPatterns = []string{"helhed:meeting:*", "helhed:milestone:*", "helhed:budget:*", "helhed:staffhours:*"}

// Reconciler rebuilds the meeting read model from Temporal (package
// readmodel runs it on its schedule and on demand): running rounds are read
// with the state query, completed ones from their result (the final
// State). Each round's State carries the entry it last wrote (Record) and
// the members' figures it wrote (Figures), so the rebuild holds exactly
// what MeetingRecordRound and MeetingRecordMilestones wrote live: the
// rounds' hashes, each year's meeting summary, each member's latest figure
// per target (by answer time, over the year's rounds) and their sums; and,
// from Budget and Hours, what MeetingRecordBudget and
// MeetingRecordStaffHours wrote.
//
// A round that ended otherwise (cancelled by an operator, terminated,
// failed) keeps what it wrote while it ran: its meetings held and its
// members' figures happened. Its state is read with the state query.
func Reconciler() readmodel.Reconciler {
	var g readmodel.Gather[Run]
	return reconciler{readmodel.Spec{
		KindName:    meeting.Kind,
		KeyPatterns: KeyPatterns,
		Filter:      `WorkflowType = "` + meeting.WorkflowName + `"`,
		StateQuery:  meeting.QueryState,
		NewState:    func() any { return new(meeting.State) },
		NewResult:   func() any { return new(meeting.State) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			if st, ok := loaded.(*meeting.State); ok && st != nil {
				g.Add(m, Run{Start: run.Start, State: *st})
			}
			return nil
		},
		FinishFunc: func(m *readmodel.Model) error { return Project(m, g.Take(m)) },
	}}
}

// reconciler reads the state of rounds that closed without completing;
// the rest as readmodel.Spec does.
type reconciler struct{ readmodel.Spec }

func (r reconciler) Load(ctx context.Context, c client.Client, run readmodel.Run) (any, error) {
	switch run.Status {
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED,
		enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		spec := r.Spec
		spec.QueryClosed = true
		return spec.Load(ctx, c, run)
	}
	return r.Spec.Load(ctx, c, run)
}

// Run is one round's run as a reconcile finds it.
type Run struct {
	Start time.Time // of the run: a failed round may have been run again
	State meeting.State
}

// Project writes the read model of the rounds' runs into m, as the
// reconcile does; a test compares it with what the rounds' activities wrote
// live. Runs without a Record (failed, or not prepared yet) wrote nothing.
func Project(m readmodel.Writes, runs []Run) error {
	// The latest run of each round.
	latest := map[[2]string]Run{}
	for _, r := range runs {
		if r.State.Record == nil {
			continue
		}
		k := [2]string{r.State.Record.Plan, r.State.Record.Key}
		if cur, ok := latest[k]; !ok || r.Start.After(cur.Start) {
			latest[k] = r
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
	held := map[yearKey][]meeting.Held{}
	var years []yearKey
	figures := map[yearKey]map[string]meeting.Figure{}
	for _, k := range keys {
		st := latest[k].State
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
				figures[yk] = map[string]meeting.Figure{}
			}
			if cur, ok := figures[yk][figureField(f)]; !ok || !f.At.Before(cur.At) {
				figures[yk][figureField(f)] = f
			}
		}
	}
	var states []meeting.State
	for _, k := range keys {
		states = append(states, latest[k].State)
	}
	projectFollowUp(m, states)
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
