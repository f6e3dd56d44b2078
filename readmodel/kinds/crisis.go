package kinds

import (
	"time"

	"helhed/readmodel"
	"helhed/workflows/crisis"
)

// Crisis read-model keys (crisis.Activities.CrisisRecord's layout).
const (
	crisisRuns   = "helhed:crisis:runs"
	crisisRunKey = "helhed:crisis:run:"
)

// Crisis rebuilds helhed:crisis:runs and helhed:crisis:run:<workflow id>
// (the helhed_crisis_* metrics) from every activation's state query, closed
// ones included: activations and times to first meeting count for good.
// The record is the one the workflow's record step writes.
func Crisis() readmodel.Reconciler {
	return readmodel.Spec{
		KindName:    crisis.Kind,
		KeyPatterns: []string{crisisRuns, crisisRunKey + "*"},
		Filter:      `WorkflowType = "` + crisis.WorkflowName + `"`,
		StateQuery:  crisis.QueryState,
		NewState:    func() any { return new(crisis.State) },
		QueryClosed: true,
		ProjectFunc: func(m *readmodel.Model, run readmodel.Run, loaded any) error {
			st, ok := loaded.(*crisis.State)
			if !ok || st == nil {
				return nil
			}
			key := crisisRunKey + run.WorkflowID
			m.SAdd(crisisRuns, run.WorkflowID)
			m.HSet(key, "incident", st.Input.Incident)
			m.HSet(key, "stage", st.Stage)
			m.HSet(key, "activatedAt", st.ActivatedAt.UTC().Format(time.RFC3339))
			if st.MeetingHeld && st.Meeting != nil {
				m.HSet(key, "firstMeetingAt", st.Meeting.At.UTC().Format(time.RFC3339))
			}
			return nil
		},
	}
}
