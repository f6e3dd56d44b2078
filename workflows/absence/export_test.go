package absence

import (
	"time"

	"helhed/schedules/cycle"
)

// Project runs the reconcile's projection over completed rounds' results
// (later rounds closed later) into w.
func Project(w cycle.Writes, results []Result, loc *time.Location) error {
	var all []projected
	for i, res := range results {
		if rec, ok := res.Record(); ok {
			all = append(all, projected{closed: time.Unix(int64(i), 0), rec: rec})
		}
	}
	return project(w, all, loc)
}
