package meeting_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	meetingadapter "helhed/adapters/meeting"
	"helhed/internal/cycletest"
	"helhed/schedules"
	"helhed/workflows/meeting"
)

// updateAt sends an Update to a round at a local time and fails the test
// if it is rejected.
func (h *harness) updateAt(t *testing.T, when time.Time, workflowID, name string, arg any) {
	h.env.RegisterDelayedCallback(func() {
		cb := &result{t: t, what: name + " " + workflowID}
		if err := cycletest.UpdateWorkflowByID(h.env, workflowID, name, name+"-"+workflowID+"-"+when.Format(time.RFC3339), cb, arg); err != nil {
			t.Errorf("%s: %v", cb.what, err)
		}
	}, when.Sub(h.env.Now()))
}

type result struct {
	t    *testing.T
	what string
	err  error
	done bool
}

func (r *result) Accept() {}
func (r *result) Reject(err error) {
	r.err, r.done = err, true
	r.t.Errorf("%s rejected: %v", r.what, err)
}
func (r *result) Complete(_ any, err error) {
	r.done = true
	if err != nil {
		r.t.Errorf("%s failed: %v", r.what, err)
	}
}

// TestPlanYear runs plan year 2022-23 through the schedule's occurrences:
// the autumn and spring rounds (two board meetings, two steering-group
// meetings) and the summer steering-group meeting. Every data request,
// e-mail and document is checked against dates worked out by hand from
// the Danish calendar (Easter, Store bededag, Kristi himmelfart,
// pinse and Grundlovsdag 2023 included).
func TestPlanYear(t *testing.T) {
	flush(t)
	h := newHarness(t, local(t, "2022-09-01 00:00"))
	specs, err := meeting.ScheduleSpecs(h.plan)
	if err != nil {
		t.Fatal(err)
	}
	var occs []schedules.Occurrence
	for _, o := range specs[0].Occurrences {
		if strings.HasSuffix(o.WorkflowID, "/2022-11-23") || strings.HasSuffix(o.WorkflowID, "/2023-05-17") || strings.HasSuffix(o.WorkflowID, "/summer-2023-06-28") {
			occs = append(occs, o)
		}
	}
	if len(occs) != 3 {
		t.Fatalf("want 3 occurrences in 2022-23, got %d", len(occs))
	}
	for _, r := range []struct{ id, steering, board string }{
		{"meeting-round/randers-2021-25/2022-11-23", "2022-11-02 16:00", "2022-11-23 17:00"},
		{"meeting-round/randers-2021-25/2023-05-17", "2023-04-26 16:00", "2023-05-17 17:00"},
		{"meeting-round/randers-2021-25/summer-2023-06-28", "2023-06-28 16:00", ""},
	} {
		h.updateAt(t, local(t, r.steering), r.id, meeting.UpdateRecordRecommendations, meeting.Record{Text: "Indstilling A\nIndstilling B"})
		if r.board != "" {
			h.updateAt(t, local(t, r.board), r.id, meeting.UpdateRecordDecisions, meeting.Record{Text: "Beslutning 1"})
		}
	}
	h.env.ExecuteWorkflow(cycletest.DriverName, occs)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var failed []string
	if err := h.env.GetWorkflowResult(&failed); err != nil || len(failed) > 0 {
		t.Fatalf("rounds failed: %v %v", err, failed)
	}

	want := []struct {
		key                                            string
		open, due, report, sgReminder, pack, bReminder string
		steering                                       string
	}{
		{"2022-11-23", "2022-09-28", "2022-10-19", "2022-10-26", "2022-11-01", "2022-11-16", "2022-11-22", "2022-11-02"},
		{"2023-05-17", "2023-03-17", "2023-04-12", "2023-04-19", "2023-04-25", "2023-05-10", "2023-05-16", "2023-04-26"},
		{"summer-2023-06-28", "2023-05-22", "2023-06-14", "2023-06-21", "2023-06-27", "", "", "2023-06-28"},
	}
	members := len(h.plan.Governance.SteeringGroup.Members)
	for _, w := range want {
		t.Run(w.key, func(t *testing.T) {
			// Data requests: one per member plus the monitoring unit, all
			// started when the round opens and due DueWeekdays before.
			n := 0
			for _, s := range h.double.Started() {
				if !strings.HasPrefix(s.Input.RequestID, "meeting/randers-2021-25/"+w.key+"/") {
					continue
				}
				n++
				if got := s.At.In(h.plan.Location()).Format("2006-01-02 15:04"); got != w.open+" 08:00" {
					t.Errorf("request %s started %s, want %s 08:00", s.Input.RequestID, got, w.open)
				}
				if s.Input.Due != w.due {
					t.Errorf("request %s due %s, want %s", s.Input.RequestID, s.Input.Due, w.due)
				}
			}
			if n != members+1 {
				t.Errorf("%d data requests, want %d", n, members+1)
			}
			sent := h.sentAt("meeting/randers-2021-25/" + w.key + "/")
			expect := map[string]string{
				"invite-styregruppe-0":            w.open + " 08:00",
				"agenda":                          w.report + " 08:00",
				"steering-reminder-" + w.steering: w.sgReminder + " 08:00",
			}
			if w.pack != "" {
				expect["invite-bestyrelse-0"] = w.open + " 08:00"
				expect["board-pack"] = w.pack + " 08:00"
				expect["board-reminder-"+w.key] = w.bReminder + " 08:00"
			}
			for k, at := range expect {
				if sent[k] != at {
					t.Errorf("mail %s sent %q, want %q", k, sent[k], at)
				}
			}
			if len(sent) != len(expect) {
				t.Errorf("mails %v, want exactly %v", sent, expect)
			}
			// The silent member was cancelled when the report closed.
			found := false
			for _, c := range h.double.Cancelled() {
				found = found || c == "meeting/randers-2021-25/"+w.key+"/"+silent
			}
			if !found {
				t.Errorf("the silent member's request was not cancelled")
			}
			// The round's one run keeps its documents under runs/<run id>/.
			runs, _ := filepath.Glob(filepath.Join(h.dir, "meetings", "randers-2021-25", w.key, "runs", "*"))
			if len(runs) != 1 {
				t.Fatalf("documents kept for %d runs, want 1: %v", len(runs), runs)
			}
			dir := runs[0]
			report := read(t, filepath.Join(dir, "styregruppe-dagsorden-og-fremdriftsrapport.md"))
			for _, s := range []string{"Har ikke svaret (1):** KFUMs institutioner", "på grundlag af 24 af 25 dataanmodninger", "Fremdriftsrapportering", "Nyt fra deltagerne"} {
				if !strings.Contains(report, s) {
					t.Errorf("report lacks %q", s)
				}
			}
			read(t, filepath.Join(dir, "styregruppe-dagsorden-og-fremdriftsrapport.html"))
			minutes := read(t, filepath.Join(dir, "referat.md"))
			if !strings.Contains(minutes, "Indstilling B") {
				t.Errorf("minutes lack the recommendations:\n%s", minutes)
			}
			if w.pack != "" {
				pack := read(t, filepath.Join(dir, "bestyrelse-moedemateriale.md"))
				for _, s := range []string{"- Indstilling A", "Indstillinger fra styregruppen", "Økonomiopfølgning"} {
					if !strings.Contains(pack, s) {
						t.Errorf("board pack lacks %q", s)
					}
				}
				if !strings.Contains(minutes, "- Beslutning 1") {
					t.Errorf("minutes lack the decision:\n%s", minutes)
				}
			}
		})
	}

	// Brandkadet's target (≥ 12 youths) has responsible members who each
	// reported 2: the actual is the sum, in the report and the metric, or
	// marked suppressed there when below the discretion threshold.
	checkBrandkadet(t, h)
}

func checkBrandkadet(t *testing.T, h *harness) {
	responsible := brandkadetResponsible(t, h)
	c := &meetingadapter.Collector{Plan: h.plan, Redis: rdb, Now: func() time.Time { return local(t, "2023-01-01 00:00") }}
	got := cycletest.Gather(t, c)
	v, shown := got[`helhed_milestone_actual{activity="brandkadet",area="alle",metric="unge",year="2022-23"}`]
	marked := got[`helhed_milestone_actual_suppressed{activity="brandkadet",area="alle",metric="unge",year="2022-23"}`] == 1
	if small := 2*responsible < h.plan.DiscretionThreshold; small != marked || shown == small || (shown && v != float64(2*responsible)) {
		t.Errorf("brandkadet actual 2022-23 = %v (shown %v, marked suppressed %v), want %d; metrics: %v", v, shown, marked, 2*responsible, got)
	}
	// The annual report's summaries (workflows/report reads them and
	// suppresses as /metrics does).
	if v, _ := rdb.HGet(t.Context(), "helhed:meeting:milestones:2022-23", "brandkadet/unge").Result(); v != strconv.Itoa(2*responsible) {
		t.Errorf("milestone summary brandkadet/unge = %q, want %d", v, 2*responsible)
	}
	sum, _ := rdb.Get(t.Context(), "helhed:meeting:summary:2022-23").Result()
	for _, w := range []string{`{"body":"steering-group","kind":"autumn","date":"2022-11-02"}`, `{"body":"board","kind":"spring","date":"2023-05-17"}`, `{"body":"steering-group","kind":"summer","date":"2023-06-28"}`} {
		if !strings.Contains(sum, w) {
			t.Errorf("meeting summary lacks %s: %s", w, sum)
		}
	}
	if n := strings.Count(sum, `"body"`); n != 5 {
		t.Errorf("meeting summary has %d meetings, want 5 (3 steering-group, 2 board): %s", n, sum)
	}
	// Every compiled report: 24 of 25 requests answered.
	for _, m := range []string{"autumn", "spring", "summer"} {
		if v := got[`helhed_progress_report_completeness_ratio{meeting="`+m+`",year="2022-23"}`]; v != 24.0/25 {
			t.Errorf("%s completeness %v, want 0.96", m, v)
		}
	}
	// On 1 January 2023 the next board meeting is the strategic one of
	// 8 March (plan), the next steering-group meeting the spring round's.
	if v := got[`helhed_meeting_next_timestamp_seconds{body="board"}`]; v != float64(local(t, "2023-03-08 14:00").Unix()) {
		t.Errorf("next board meeting %v", v)
	}
	if v := got[`helhed_meeting_next_timestamp_seconds{body="steering-group"}`]; v != float64(local(t, "2023-04-26 13:00").Unix()) {
		t.Errorf("next steering-group meeting %v", v)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
