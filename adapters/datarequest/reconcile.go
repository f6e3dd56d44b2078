package datarequest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"helhed/readmodel"
	"helhed/workflows/datarequest"
)

// Reconciler rebuilds helhed:task:* (the portal's task lists and the
// helhed_data_requests_* metrics) from every data request's state, closed
// ones included: answered tasks count in the on-time figures. A running
// request is asked with the state query; a completed one returns its final
// state as its result (datarequest.ChangeResultHoldsState), which is read
// without a replay; older or cancelled runs are replayed for the query. It
// writes Store's layout.
func Reconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    datarequest.Kind,
		KeyPatterns: []string{keyPrefix + "*"},
		Filter:      `WorkflowType = "` + datarequest.WorkflowName + `"`,
		StateQuery:  datarequest.QueryState,
		NewState:    func() any { return new(datarequest.State) },
		QueryClosed: true,
		// Each run's keys come from that run alone: the periodic passes
		// read only running runs and runs closed since the last pass.
		Incremental: true,
		NewResult:   func() any { return new(datarequest.Result) },
		StateInResult: func(res any) (any, bool) {
			r, ok := res.(*datarequest.Result)
			if !ok || r.Final == nil {
				return nil, false
			}
			return r.Final, true
		},
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
			// Every run's partner is indexed, as every run's Save did.
			m.SAdd(keyPartner+t.Partner, t.RequestID)
			m.SAdd(keyIndex, t.RequestID)
			// A request id run again (a relaunched meeting round's
			// child): the later run's task wins, as in Store.Save.
			created := t.CreatedAt.UnixMilli()
			if c, ok := m.HGet(keyRecord+t.RequestID, "c"); ok {
				if prev, _ := strconv.ParseInt(c, 10, 64); prev > created {
					return nil
				}
			}
			m.HSet(keyRecord+t.RequestID, "c", created)
			m.HSet(keyRecord+t.RequestID, "v", t.Version)
			m.HSet(keyRecord+t.RequestID, "json", string(b))
			return nil
		},
	}
}
