package report

import (
	"encoding/json"
	"fmt"
	"time"

	"helhed/readmodel"
	"helhed/workflows/report"
)

// KeyPatterns are the Redis keys the report read model owns.
var KeyPatterns = []string{KeyState("*")}

// Reconciler rebuilds helhed:report:<plan year>, the state the report list
// shows for each year, from the report runs' state query, closed runs
// included (Temporal replays them). A run publishes its state when it
// awaits the board and when it has sent the report, so at rest the query
// answers what it published; the latest run of a plan year wins, as it
// publishes last.
func Reconciler() readmodel.Reconciler {
	var g readmodel.Gather[stateRun]
	return readmodel.Spec{
		KindName:    report.Kind,
		KeyPatterns: KeyPatterns,
		Filter:      `WorkflowType = "` + report.WorkflowName + `"`,
		StateQuery:  report.QueryState,
		NewState:    func() any { return new(report.State) },
		QueryClosed: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			if st, ok := loaded.(*report.State); ok && st != nil && st.PlanYear != "" {
				g.Add(m, stateRun{start: run.Start, state: *st})
			}
			return nil
		},
		FinishFunc: func(m *readmodel.Model) error {
			latest := map[string]stateRun{}
			for _, r := range g.Take(m) {
				if cur, ok := latest[r.state.PlanYear]; !ok || r.start.After(cur.start) {
					latest[r.state.PlanYear] = r
				}
			}
			for year, r := range latest {
				b, err := json.Marshal(r.state.ReadModel())
				if err != nil {
					return fmt.Errorf("encode report state %s: %w", year, err)
				}
				m.Set(KeyState(year), string(b))
			}
			return nil
		},
	}
}

// stateRun is one report run's state as a reconcile finds it.
type stateRun struct {
	start time.Time
	state report.State
}
