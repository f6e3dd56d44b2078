package crisis

import (
	"helhed/readmodel"
	"helhed/workflows/crisis"
)

// Reconciler rebuilds helhed:crisis:runs and helhed:crisis:run:<workflow id>
// (the helhed_crisis_* metrics) from every activation's state query, closed
// ones included: activations and times to first meeting count for good.
// It projects crisis.RecordOf through RecordHash, as the workflow's
// CrisisRecord step writes it, so the two cannot drift.
func Reconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    crisis.Kind,
		KeyPatterns: []string{KeyRuns, KeyRunPrefix + "*"},
		Filter:      `WorkflowType = "` + crisis.WorkflowName + `"`,
		StateQuery:  crisis.QueryState,
		NewState:    func() any { return new(crisis.State) },
		QueryClosed: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			st, ok := loaded.(*crisis.State)
			if !ok || st == nil {
				return nil
			}
			m.SAdd(KeyRuns, run.WorkflowID)
			key := KeyRunPrefix + run.WorkflowID
			for field, v := range RecordHash(crisis.RecordOf(run.WorkflowID, *st)) {
				m.HSet(key, field, v) // the model is a set of fields: order does not matter
			}
			return nil
		},
	}
}
