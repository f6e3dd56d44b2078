package kinds

import (
	"encoding/json"
	"fmt"

	"helhed/readmodel"
	"helhed/workflows/datarequest"
)

// Data-request read-model keys (datarequest.Store's layout).
const (
	taskIndex   = datarequest.KeyPrefix + "index"
	taskPartner = datarequest.KeyPrefix + "partner:"
	taskRecord  = datarequest.KeyPrefix + "req:"
)

// DataRequest rebuilds helhed:task:* (the portal's task lists and the
// helhed_data_requests_* metrics) from every data request's state query,
// closed ones included: answered tasks count in the on-time figures.
func DataRequest() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    datarequest.Kind,
		KeyPatterns: []string{datarequest.KeyPrefix + "*"},
		Filter:      `WorkflowType = "` + datarequest.WorkflowName + `"`,
		StateQuery:  datarequest.QueryState,
		NewState:    func() any { return new(datarequest.State) },
		QueryClosed: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			st, ok := loaded.(*datarequest.State)
			if !ok || st == nil || st.Input.RequestID == "" {
				return nil
			}
			t := datarequest.TaskFromState(*st)
			t.Overdue = false // computed on read, stored false (Store.Save)
			b, err := json.Marshal(t)
			if err != nil {
				return fmt.Errorf("encode task %s: %w", t.RequestID, err)
			}
			m.HSet(taskRecord+t.RequestID, "v", t.Version)
			m.HSet(taskRecord+t.RequestID, "json", string(b))
			m.SAdd(taskPartner+t.Partner, t.RequestID)
			m.SAdd(taskIndex, t.RequestID)
			return nil
		},
	}
}
