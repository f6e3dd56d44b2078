package crisis

import (
	"helhed/readmodel"
	"helhed/workflows/crisis"
)

// Reconciler rebuilds helhed:crisis:runs and helhed:crisis:run:<workflow id>
// (the helhed_crisis_* metrics) from every activation's state, closed ones
// included: activations and times to first meeting count for good. A
// closed activation keeps its record in its memo
// (crisis.ChangeMemoHoldsRecord), read from the visibility listing itself;
// one closed before that returns its final state as its result
// (crisis.ChangeResultHoldsState), read without a replay; running runs are
// asked with the state query, older or cancelled closed runs replayed for it.
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
		// Each run's keys come from that run alone: the periodic passes
		// read only running runs and runs closed since the last pass.
		Incremental: true,
		NewResult:   func() any { return new(crisis.Result) },
		StateInResult: func(res any) (any, bool) {
			r, ok := res.(*crisis.Result)
			if !ok || r.Final == nil {
				return nil, false
			}
			return r.Final, true
		},
		MemoKey: crisis.MemoRecord,
		NewMemo: func() any { return new(crisis.Record) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			var rec crisis.Record
			switch v := loaded.(type) {
			case *crisis.Record:
				rec = *v
			case *crisis.State:
				rec = crisis.RecordOf(run.WorkflowID, *v)
			default:
				return nil
			}
			m.SAdd(KeyRuns, run.WorkflowID)
			key := KeyRunPrefix + run.WorkflowID
			for field, v := range RecordHash(rec) {
				m.HSet(key, field, v) // the model is a set of fields: order does not matter
			}
			return nil
		},
	}
}
