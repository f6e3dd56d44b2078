package eviction

import (
	"encoding/json"
	"fmt"
	"strings"

	"helhed/plan"
	"helhed/readmodel"
	"helhed/workflows/eviction"
)

// Reconciler rebuilds the eviction read model from Temporal (package
// readmodel runs it on its schedule and on demand): running cases are read
// with the state query, closed ones from their result, which is their final
// View. It writes exactly what Publish writes, so a healthy read model
// shows no drift.
func Reconciler(p *plan.Plan) readmodel.Spec {
	return readmodel.Spec{
		KindName:    eviction.Kind,
		KeyPatterns: []string{keyPrefix + "case:*", keyCases, keyAgg},
		StateQuery:  eviction.QueryState,
		NewState:    func() any { return new(eviction.State) },
		NewResult:   func() any { return new(eviction.View) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			var v eviction.View
			switch x := loaded.(type) {
			case *eviction.State:
				v = eviction.NewView(*x, run.WorkflowID)
			case *eviction.View:
				v = *x
			default:
				return nil // failed, terminated or cancelled: no case to show
			}
			return project(m, v, Facts(v, p))
		},
		// A case publishes its view as soon as it opens, before
		// visibility may list it: its key names its workflow.
		ClaimFunc: func(key string, hash map[string]string) (string, bool) {
			if !strings.HasPrefix(key, keyPrefix+"case:") {
				return "", false
			}
			var v struct {
				WorkflowID string `json:"workflowId"`
			}
			if json.Unmarshal([]byte(hash["view"]), &v) != nil || v.WorkflowID == "" {
				return "", false
			}
			return v.WorkflowID, true
		},
	}
}

// project adds one case to a wanted model, as putScript writes it.
func project(m *readmodel.Model, v eviction.View, facts map[string]int64) error {
	vj, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode case view: %w", err)
	}
	fj, err := json.Marshal(facts)
	if err != nil {
		return fmt.Errorf("encode case facts: %w", err)
	}
	key := caseKey(v.CaseID)
	m.HSet(key, "seq", v.Seq)
	m.HSet(key, "view", string(vj))
	m.HSet(key, "facts", string(fj))
	m.ZAdd(keyCases, v.CaseID, float64(v.Opened.Unix()))
	for k, n := range facts {
		m.HIncr(keyAgg, k, float64(n))
	}
	return nil
}
