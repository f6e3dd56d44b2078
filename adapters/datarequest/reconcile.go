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
// request is asked with the state query; a closed one keeps its task in its
// memo (datarequest.ChangeMemoHoldsTask), read from the visibility listing
// itself; one closed before that returns its final state as its result
// (datarequest.ChangeResultHoldsState), read without a replay; older or
// cancelled runs are replayed for the query. It writes Store's layout.
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
		MemoKey: datarequest.MemoTask,
		NewMemo: func() any { return new(datarequest.Task) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			var t datarequest.Task
			switch v := loaded.(type) {
			case *datarequest.Task:
				t = *v
			case *datarequest.State:
				t = datarequest.TaskFromState(*v)
			}
			if t.RequestID == "" {
				return nil
			}
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
			return projectFacts(m, keyRecord+t.RequestID, Facts(t))
		},
		// The counters sum over every run: only a full pass rebuilds
		// them (projectFacts); the live saves keep them in between.
		TotalKeyPatterns: []string{keyCounts},
	}
}

// projectFacts stores a record's facts and moves the counters from the
// facts of the record it replaces (an earlier run of the request id
// projected first) to its own, as saveScript does.
func projectFacts(m *readmodel.Model, record string, facts map[string]int64) error {
	if raw, ok := m.HGet(record, "facts"); ok {
		var replaced map[string]int64
		if err := json.Unmarshal([]byte(raw), &replaced); err != nil {
			return fmt.Errorf("decode facts of %s: %w", record, err)
		}
		for k, n := range replaced {
			addCount(m, k, -n)
		}
	}
	b, err := json.Marshal(facts)
	if err != nil {
		return fmt.Errorf("encode facts of %s: %w", record, err)
	}
	m.HSet(record, "facts", string(b))
	for k, n := range facts {
		addCount(m, k, n)
	}
	return nil
}

// addCount adds n to a counter, leaving out one that reaches 0 as
// saveScript deletes it.
func addCount(m *readmodel.Model, fact string, n int64) {
	m.HIncr(keyCounts, fact, float64(n))
	if v, _ := m.HGet(keyCounts, fact); v == "0" {
		m.HDel(keyCounts, fact)
	}
}
