package meeting

import (
	"time"

	"helhed/schedules/cycle"
)

// Project runs the reconcile's projection over rounds' states (later
// rounds started later) into w.
func Project(w cycle.Writes, states []State) error {
	var all []projected
	for i, st := range states {
		if st.Record != nil {
			all = append(all, projected{start: time.Unix(int64(i), 0), st: st})
		}
	}
	return project(w, all)
}
