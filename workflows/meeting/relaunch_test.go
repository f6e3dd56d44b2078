package meeting_test

import (
	"slices"
	"strings"
	"testing"

	"helhed/internal/cycletest"
	"helhed/schedules"
	"helhed/workflows/meeting"
)

// TestRoundRelaunched: the summer round run to its end, then launched
// again under the same workflow id after its dates: the second run's
// agenda and reminder go out too, because the e-mail keys are the run's
// (issue 13, item 2). (A relaunch after the opening day sends no
// invitation: the round invites when it opens.)
func TestRoundRelaunched(t *testing.T) {
	flush(t)
	h := newHarness(t, local(t, "2023-05-01 00:00"))
	specs, err := meeting.ScheduleSpecs(h.plan)
	if err != nil {
		t.Fatal(err)
	}
	var summer schedules.Occurrence
	for _, o := range specs[0].Occurrences {
		if strings.HasSuffix(o.WorkflowID, "/summer-2023-06-28") {
			summer = o
		}
	}
	if summer.WorkflowID == "" {
		t.Fatal("no summer round 2023")
	}
	again := summer
	again.At = local(t, "2023-07-10 08:00")
	h.updateAt(t, local(t, "2023-06-28 16:00"), summer.WorkflowID, meeting.UpdateRecordRecommendations, meeting.Record{Text: "Indstilling A"})
	h.updateAt(t, local(t, "2023-07-10 12:00"), summer.WorkflowID, meeting.UpdateRecordRecommendations, meeting.Record{Text: "Indstilling A"})
	h.env.ExecuteWorkflow(cycletest.DriverName, []schedules.Occurrence{summer, again})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var failed []string
	if err := h.env.GetWorkflowResult(&failed); err != nil || len(failed) > 0 {
		t.Fatalf("rounds failed: %v %v", err, failed)
	}
	runs := map[string][]string{} // run → the round's e-mails
	for _, s := range h.mail.Sent() {
		if k, run, ok := strings.Cut(s.Message.Key, "@"); ok {
			runs[run] = append(runs[run], strings.TrimPrefix(k, "meeting/randers-2021-25/summer-2023-06-28/"))
		}
	}
	if len(runs) != 2 {
		t.Fatalf("e-mails by run %v, want 2 runs", runs)
	}
	for run, keys := range runs {
		if !slices.Contains(keys, "agenda") || !slices.Contains(keys, "steering-reminder-2023-06-28") {
			t.Errorf("run %s sent %v, want the agenda and the reminder", run, keys)
		}
	}
}
