package kinds

import (
	"helhed/readmodel"
	"helhed/workflows/crisis"
)

// Crisis rebuilds helhed:crisis:runs and helhed:crisis:run:<workflow id>
// (the helhed_crisis_* metrics) from every activation's state query, closed
// ones included: activations and times to first meeting count for good.
// The keys and the record are the crisis package's own (crisis.RecordOf,
// the one the workflow's record step writes), so the two cannot drift.
func Crisis() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    crisis.Kind,
		KeyPatterns: []string{crisis.KeyRuns, crisis.KeyRunPrefix + "*"},
		Filter:      `WorkflowType = "` + crisis.WorkflowName + `"`,
		StateQuery:  crisis.QueryState,
		NewState:    func() any { return new(crisis.State) },
		QueryClosed: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			st, ok := loaded.(*crisis.State)
			if !ok || st == nil {
				return nil
			}
			m.SAdd(crisis.KeyRuns, run.WorkflowID)
			key := crisis.KeyRunPrefix + run.WorkflowID
			for field, v := range crisis.RecordOf(run.WorkflowID, *st).Hash() {
				m.HSet(key, field, v) // the model is a set of fields: order does not matter
			}
			return nil
		},
	}
}
