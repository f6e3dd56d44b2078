package statistics

import (
	"encoding/json"
	"fmt"
	"strconv"

	"helhed/readmodel"
	"helhed/workflows/statistics"
)

// Reconciler rebuilds helhed:stats:* (the indicator and § 61 a metrics)
// from the results of the completed statistics pulls, the same Result the
// Publish activity writes: each plan year's pull, the latest plan year, and
// the time of the most recent pull.
func Reconciler() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    statistics.Kind,
		KeyPatterns: []string{KeyPull("*"), KeyLatest, KeyLastSuccess},
		Filter:      `WorkflowType = "` + statistics.WorkflowName + `"`,
		NewResult:   func() any { return new(statistics.Result) },
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			r, ok := loaded.(*statistics.Result)
			if !ok || r == nil || r.PlanYear == "" {
				return nil // running, failed, or a pull that published nothing
			}
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode pull %s: %w", r.PlanYear, err)
			}
			m.Set(KeyPull(r.PlanYear), string(b))
			if cur, ok := m.Get(KeyLatest); !ok || r.PlanYear > cur {
				m.Set(KeyLatest, r.PlanYear)
			}
			at := r.PulledAt.Unix()
			if cur, ok := m.Get(KeyLastSuccess); !ok || at > atoi(cur) {
				m.Set(KeyLastSuccess, strconv.FormatInt(at, 10))
			}
			return nil
		},
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
