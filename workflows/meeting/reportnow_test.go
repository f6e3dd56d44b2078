package meeting_test

import (
	"strings"
	"testing"

	"helhed/workflows/meeting"
)

// TestReportNow: once the round has asked for data, report-now with a
// reason compiles and sends the progress report at once instead of on its
// report day; the member who has not answered has the request closed
// (not late). Before the round opens, without a reason, or a second time,
// it is refused.
func TestReportNow(t *testing.T) {
	flush(t)
	h := newHarness(t, local(t, "2022-09-27 00:00"))
	in := meeting.Input{Plan: "randers-2021-25", BoardDate: "2022-11-23"}
	id := meeting.WorkflowID(in)
	h.env.SetStartWorkflowOptions(clientStartOptions(id))

	rejections := 0
	reject := func(when string, arg meeting.ReportNow) {
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(meeting.UpdateReportNow, "", rejected{t: t, what: "report-now at " + when, hit: &rejections}, arg)
		}, local(t, when).Sub(h.env.Now()))
	}
	reject("2022-09-27 12:00", meeting.ReportNow{Reason: "Alle har svaret"}) // not open yet
	reject("2022-10-05 09:00", meeting.ReportNow{Reason: "  "})              // no reason
	h.updateAt(t, local(t, "2022-10-05 10:00"), id, meeting.UpdateReportNow, meeting.ReportNow{Reason: "Styregruppen mødes før tid"})
	reject("2022-10-05 11:00", meeting.ReportNow{Reason: "Igen"}) // reported already
	h.updateAt(t, local(t, "2022-11-23 17:00"), id, meeting.UpdateRecordDecisions, meeting.Record{Text: "Godkendt"})

	st := h.run(t, in)
	if rejections != 3 {
		t.Errorf("%d report-now refused, want 3", rejections)
	}
	if st.EarlyReport == nil || st.EarlyReport.RequestedOn != "2022-10-05" || st.EarlyReport.Planned != "2022-10-26" {
		t.Errorf("early report %+v", st.EarlyReport)
	}
	if agenda := h.sentAt("meeting/randers-2021-25/2022-11-23/")["agenda"]; agenda != "2022-10-05 10:00" {
		t.Errorf("agenda and progress report sent %q, want 2022-10-05 10:00", agenda)
	}
	for _, d := range st.Done {
		if d.Step == meeting.StepReport && d.At.In(h.plan.Location()).Format("2006-01-02") != "2022-10-05" {
			t.Errorf("report step done %s", d.At)
		}
	}
	cancelled := h.double.Cancelled()
	if len(cancelled) != 1 || !strings.Contains(cancelled[0], silent) {
		t.Errorf("cancelled %v, want only the silent member's request", cancelled)
	}
}
