package eviction_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	evictionadapter "helhed/adapters/eviction"
	"helhed/arrears"
	"helhed/danish"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/workflows/eviction"
)

var (
	month1 = [][2]string{{"ms", "27-101-1"}, {"ms", "27-101-7"}, {"ms", "28-044-2"}, {"lejerbo", "104-0012"},
		{"rb1940", "24-210-4"}, {"rb1940", "25-003-1"}, {"kronjylland", "14-077-3"}, {"ms", "6-015-2"},
		{"ms", "7-112-9"}, {"rb1940", "1-033-4"}, {"rb1940", "2-204-1"}}
	month2New = [][2]string{{"lejerbo", "104-0031"}, {"ms", "51-008-2"}, {"kronjylland", "14-090-1"}}
)

// TestImportTwoMonths imports a realistic list for October and one for
// November: one case per tenancy, the four tenancies on both lists are
// updated rather than doubled, stages the operators moved stay, and
// importing November again changes nothing.
func TestImportTwoMonths(t *testing.T) {
	oct, nov := plan.NewDate(2026, 10, 1), plan.NewDate(2026, 11, 2)
	res := importFile(t, "month1.csv", oct)
	if res.Accepted != 11 || res.Duplicates != 0 || len(res.Rejected) != 0 || res.Encoding != danish.EncodingUTF8BOM {
		t.Fatalf("month 1: %+v", res)
	}
	var m1 map[string]evictionadapter.CaseRow
	teststack.Eventually(t, "month 1 cases in outreach", func() error {
		m1 = byTenancy(t, month1)
		for _, tn := range month1 {
			if c, ok := m1[tn[1]]; !ok || c.Stage != eviction.StageOutreach {
				return fmt.Errorf("tenancy %s: %+v", tn[1], c)
			}
		}
		return nil
	})
	if c := m1["27-101-7"]; c.Area != "gl-jennumparken" || c.Arrears != 1234550 || c.OutreachDue != plan.NewDate(2026, 10, 8) || c.Lists != 1 {
		t.Fatalf("case of 27-101-7: %+v", c)
	}

	// Two tenants are reached; a refused update leaves no trace in history.
	anna := m1["27-101-1"].WorkflowID
	stack.Settled(t, anna) // the read model shows the case before its publish's completion is in history
	events := historyLength(t, anna)
	if _, err := update(t, anna, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: "maybe"}); err == nil {
		t.Fatal("a bad outcome was accepted")
	}
	if n := historyLength(t, anna); n != events {
		t.Fatalf("a rejected update added %d events", n-events)
	}
	for _, tn := range []string{"27-101-1", "24-210-4"} {
		if v, err := update(t, m1[tn].WorkflowID, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, On: plan.NewDate(2026, 10, 5)}); err != nil || v.Stage != eviction.StageCounselling {
			t.Fatalf("contact %s: %v %+v", tn, err, v)
		}
	}

	res = importFile(t, "month2.csv", nov)
	if res.Accepted != 7 || res.Duplicates != 0 || len(res.Rejected) != 0 {
		t.Fatalf("month 2: %+v", res)
	}
	all := append(append([][2]string{}, month1...), month2New...)
	teststack.Eventually(t, "month 2 applied", func() error {
		m := byTenancy(t, all)
		if len(m) != 14 {
			return fmt.Errorf("%d cases, want 14", len(m))
		}
		for tn, want := range map[string]arrears.Money{"27-101-1": 625000, "27-101-7": 1454550, "24-210-4": 890000, "2-204-1": 1760000} {
			if c := m[tn]; c.Lists != 2 || c.Arrears != want || c.WorkflowID != m1[tn].WorkflowID || c.CaseID != m1[tn].CaseID {
				return fmt.Errorf("tenancy %s on both lists: %+v", tn, c)
			}
		}
		for tn, stage := range map[string]eviction.Stage{"27-101-1": eviction.StageCounselling, "24-210-4": eviction.StageCounselling,
			"27-101-7": eviction.StageOutreach, "104-0031": eviction.StageOutreach, "25-003-1": eviction.StageOutreach} {
			if m[tn].Stage != stage {
				return fmt.Errorf("tenancy %s in %s, want %s", tn, m[tn].Stage, stage)
			}
		}
		if c := m["104-0031"]; c.Lists != 1 || c.FirstList != nov {
			return fmt.Errorf("new in November: %+v", c)
		}
		return nil
	})

	// The same file for the same date again: every line is delivered, and
	// every case recognises the list. A third list after it, for one
	// tenancy, is processed after the repeat (signals keep their order), so
	// once it shows, the repeat has been seen and ignored.
	again := importFile(t, "month2.csv", nov)
	if again.Accepted != 7 || again.ListID != res.ListID {
		t.Fatalf("again: %+v", again)
	}
	third := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n27-101-1;ms;27;Anna Jensen;Jennumparken 12;6.000,00;01-02-2026\n"
	importBody(t, []byte(third), nov.AddDays(1))
	teststack.Eventually(t, "third list", func() error {
		if st := state(t, anna); len(st.Lists) != 3 || st.Arrears != arrears.Kroner(6000) {
			return fmt.Errorf("%d lists (want 3: the repeat is not one), arrears %s", len(st.Lists), st.Arrears)
		}
		return nil
	})
	m := byTenancy(t, all)
	if st := state(t, m["104-0031"].WorkflowID); st.Contact.Name != "Lars Møller" {
		t.Fatal("contact not decoded from the encrypted state")
	}

	// The API's counts suppress small cells and say so.
	resp := cases(t, "?stage=counselling&area=gl-jennumparken")
	if len(resp.Counts) != 1 || !resp.Counts[0].Suppressed || resp.Counts[0].Count != nil || resp.Threshold != 5 ||
		!strings.Contains(resp.Note, "diskretionsgrænse (5) er diskretioneret") || len(resp.Cases) < 1 {
		t.Fatalf("counts: %+v", resp)
	}
	checkMetricsMatchReadModel(t)
}

// checkMetricsMatchReadModel compares helhed_eviction_cases with the API's
// case list and counts: each stage × area and each stage's total (area
// "alle") is published exactly, or left out and counted as suppressed
// where the API's counts suppress it too, which they do for every count
// of 1–4.
func checkMetricsMatchReadModel(t *testing.T) {
	t.Helper()
	resp := cases(t, "")
	want := map[string]int{}
	for _, c := range resp.Cases {
		want[fmt.Sprintf(`helhed_eviction_cases{area="%s",stage="%s"}`, c.Area, c.Stage)]++
		want[fmt.Sprintf(`helhed_eviction_cases{area="alle",stage="%s"}`, c.Stage)]++
	}
	body := stack.Scrape(t)
	suppressed := 0
	for _, c := range resp.Counts {
		if c.Stage == "alle" {
			continue // the area totals are the API's only
		}
		series := fmt.Sprintf(`helhed_eviction_cases{area="%s",stage="%s"}`, c.Area, c.Stage)
		n := want[series]
		line := fmt.Sprintf("%s %d\n", series, n)
		switch {
		case n > 0 && n < 5 && !c.Suppressed:
			t.Errorf("the API publishes %s (%d)", series, n)
		case c.Suppressed:
			suppressed++
			if strings.Contains(body, series+" ") {
				t.Errorf("%s (%d) published, the API suppresses it", series, n)
			}
		case *c.Count != n || !strings.Contains(body, line):
			t.Errorf("/metrics lacks %q (API: %d)", line, *c.Count)
		}
	}
	if line := fmt.Sprintf("helhed_eviction_suppressed_cells{metric=\"helhed_eviction_cases\"} %d\n", suppressed); !strings.Contains(body, line) {
		t.Errorf("/metrics lacks %q", line)
	}
	year := evictionadapter.PlanYearOf(stack.Plan, today())
	for _, want := range []string{`helhed_evictions_baseline{area="gl-jennumparken",kind="total"} 11`,
		`helhed_evictions_baseline{area="gl-jennumparken",kind="effective"} 5`,
		`helhed_eviction_counselling_courses_target{year="` + year + `"} 180`, `helhed_eviction_read_model_up 1`,
		`helhed_evictions{area="vangdalen",kind="effective",year="` + year + `"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func historyLength(t testing.TB, workflowID string) int {
	t.Helper()
	iter := stack.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for iter.HasNext() {
		if _, err := iter.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// TestBadInputOverHTTP posts every bad input of the issue.
func TestBadInputOverHTTP(t *testing.T) {
	listDate := plan.NewDate(2026, 10, 1)
	for _, c := range []struct {
		file, field, msg string
	}{
		{"missing-column.csv", "restance", "kolonnen »restance« mangler i overskriftslinjen"},
		{"comma.csv", "", "kolonnerne er adskilt af ',' (komma)"},
		{"empty.csv", "", "filen er tom"},
	} {
		body, _ := os.ReadFile("../../arrears/testdata/" + c.file)
		code, raw := api(t, "POST", "/api/v1/arrears?listDate="+listDate.String(), "text/csv", bytes.NewReader(body))
		var e struct{ Error, Field string }
		_ = json.Unmarshal(raw, &e)
		if code != http.StatusBadRequest || e.Field != c.field || !strings.Contains(e.Error, c.msg) {
			t.Errorf("%s: %d %s", c.file, code, raw)
		}
	}

	res := importFile(t, "bad-lines.csv", listDate)
	var lines []int
	for _, r := range res.Rejected {
		lines = append(lines, r.Line)
	}
	if res.Accepted != 2 || res.Duplicates != 1 || fmt.Sprint(lines) != "[3 4 5 6 8 9 10 11 12 13 14 17]" ||
		len(res.DuplicateLines) != 1 || res.DuplicateLines[0].FirstLine != 2 {
		t.Fatalf("bad lines: %+v", res)
	}
	raw, _ := json.Marshal(res)
	for _, cpr := range []string{"010190-1234", "0101901234", "311299-4321"} {
		if bytes.Contains(raw, []byte(cpr)) {
			t.Fatalf("the answer echoes %s", cpr)
		}
	}

	// Windows-1252 names arrive intact inside the encrypted payloads.
	res = importFile(t, "windows-1252.csv", listDate)
	if res.Accepted != 2 || res.Encoding != danish.EncodingWindows1252 {
		t.Fatalf("windows-1252: %+v", res)
	}
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "ms", "6-020-1"))
	teststack.Eventually(t, "windows-1252 case", func() error {
		_, err := stack.Temporal.DescribeWorkflowExecution(context.Background(), id, "")
		return err
	})
	if st := state(t, id); st.Contact.Name != "Søren Ærø" || !strings.HasPrefix(st.Contact.Address, "Ærøvej 7") {
		t.Fatalf("decoded %q / %q", st.Contact.Name, st.Contact.Address)
	}

	// 50 MB is refused before it is read whole.
	big := bytes.NewBufferString("lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n")
	line := "27-300-1;ms;27;Stor Fil;Jennumparken 1;1.000,00;01-02-2026\n"
	for big.Len() < 50_000_000 {
		big.WriteString(line)
	}
	code, body := api(t, "POST", "/api/v1/arrears", "text/csv", big)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "filen er større end 10 MiB") {
		t.Fatalf("50 MB: %d %s", code, body)
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "liste.csv")
	fw.Write([]byte("x"))
	mw.Close()
	if code, body := api(t, "POST", "/api/v1/arrears", mw.FormDataContentType(), &form); code != http.StatusUnsupportedMediaType {
		t.Fatalf("multipart: %d %s", code, body)
	}
	for q, want := range map[string]string{"?listDate=2099-01-01": "2099-01-01 ligger i fremtiden", "?listDate=01-10-2026": "ugyldig dato; skriv åååå-mm-dd"} {
		code, body := api(t, "POST", "/api/v1/arrears"+q, "text/csv", strings.NewReader("x"))
		if code != http.StatusBadRequest || !strings.Contains(string(body), want) || !strings.Contains(string(body), `"field":"listDate"`) {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	for q, want := range map[string][2]string{
		"?stage=closed": {"stage", `ukendt fase \"closed\"; brug en af: arrears (Restance), outreach`},
		"?area=aarhus":  {"area", `ukendt boligområde \"aarhus\"; brug en af: gl-jennumparken`},
	} {
		code, body := api(t, "GET", "/api/v1/cases"+q, "", nil)
		if code != http.StatusBadRequest || !strings.Contains(string(body), `"field":"`+want[0]+`"`) || !strings.Contains(string(body), want[1]) {
			t.Errorf("cases%s: %d %s", q, code, body)
		}
	}
	req, _ := http.NewRequest("POST", "http://"+stack.HTTPAddr()+"/api/v1/arrears", strings.NewReader("x"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %v %v", err, resp)
	}
}

// TestInboxPickup drops lists in $DATA_DIR/inbox, which the running inbox
// watch picks up: a good list is imported and filed in done/ (its CPR-like value
// blanked), a comma-separated one is filed in failed/.
func TestInboxPickup(t *testing.T) {
	inbox := filepath.Join(stack.Config.DataDir, "inbox")
	good := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n" +
		"29-001-1;rb1940;29;Vang Vangsen;Vangdalen 1;2.000,00;01-09-2026\n" +
		"29-001-2;rb1940;29;Cpr 010190-1234;Vangdalen 2;2.000,00;01-09-2026\n"
	files := map[string]string{"rykkerliste-inbox.csv": good, "forkert.csv": "a,b,c\n1,2,3\n"}
	old := time.Now().Add(-time.Minute)
	for name, body := range files {
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// Nobody triggers anything: the inbox watch sees the complete files.
	var result evictionadapter.ImportResult
	teststack.Eventually(t, "inbox files filed", func() error {
		raw, err := os.ReadFile(filepath.Join(inbox, "done", "rykkerliste-inbox.csv.result.json"))
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(inbox, "failed", "forkert.csv.result.json")); err != nil {
			return err
		}
		return json.Unmarshal(raw, &result)
	})
	if result.Accepted != 1 || len(result.Rejected) != 1 || result.Rejected[0].Line != 3 {
		t.Fatalf("inbox result %+v", result)
	}
	kept, err := os.ReadFile(filepath.Join(inbox, "done", "rykkerliste-inbox.csv"))
	if err != nil || strings.Contains(string(kept), "010190") || !strings.Contains(string(kept), "Cpr XXXXXX-XXXX") {
		t.Fatalf("kept copy: %v %s", err, kept)
	}
	failed, _ := os.ReadFile(filepath.Join(inbox, "failed", "forkert.csv.result.json"))
	if !strings.Contains(string(failed), "';' (semikolon)") {
		t.Fatalf("failed result %s", failed)
	}
	// A claimed file is removed once its copy and result are kept.
	teststack.Eventually(t, "the inbox emptied", func() error {
		for _, dir := range []string{inbox, filepath.Join(inbox, "processing")} {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !e.IsDir() {
					return fmt.Errorf("%s left in %s", e.Name(), dir)
				}
			}
		}
		return nil
	})
	teststack.Eventually(t, "inbox case", func() error {
		if c, ok := byTenancy(t, [][2]string{{"rb1940", "29-001-1"}})["29-001-1"]; !ok || c.Area != "vangdalen" {
			return fmt.Errorf("case %+v", c)
		}
		return nil
	})
	// The import is a scan run of its own, started by the watch; no
	// per-minute schedule is left.
	ctx := context.Background()
	teststack.Eventually(t, "the scan run in history", func() error {
		resp, err := stack.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Completed'", eviction.InboxWorkflowName)})
		if err != nil {
			return err
		}
		if len(resp.Executions) == 0 {
			return errors.New("no completed scan")
		}
		if parent := resp.Executions[0].GetParentExecution().GetWorkflowId(); parent != eviction.InboxWatchID {
			return fmt.Errorf("scan started by %q", parent)
		}
		return nil
	})
	if _, err := stack.Temporal.ScheduleClient().GetHandle(ctx, evictionadapter.ScheduleID).Describe(ctx); err == nil {
		t.Fatal("the per-minute inbox schedule still exists")
	}
	// After the scan the watch waits again: its history so far is the one
	// the eviction package's replay test reads.
	teststack.Eventually(t, "the watch waiting again", func() error {
		d, err := stack.Temporal.DescribeWorkflowExecution(ctx, eviction.InboxWatchID, "")
		if err != nil {
			return err
		}
		if len(d.PendingChildren) > 0 || d.PendingWorkflowTask != nil || len(d.PendingActivities) != 1 {
			return fmt.Errorf("%d children, %d activities, workflow task %v", len(d.PendingChildren), len(d.PendingActivities), d.PendingWorkflowTask != nil)
		}
		return nil
	})
	replaytest.Record(t, stack.Temporal, eviction.InboxWatchID, "../../workflows/eviction/testdata/inbox-watch-history.json")
}

// TestOperatorCaseJoinsTheList: an operator's case (through the run
// kind's validation and workflow ID) and a later list line for the same
// tenancy, spelled another way, are one case.
func TestOperatorCaseJoinsTheList(t *testing.T) {
	k := wiredKind(t)
	in := k.NewInput().(*eviction.CaseInput)
	raw := `{"organisation":"Lejrbo","department":"0104","tenancyNumber":"op 1","contact":{"name":"Oda","address":"Jennumparken 64"},"arrears":"2.500,00","dueDate":"2026-09-01"}`
	if err := json.Unmarshal([]byte(raw), in); err != nil {
		t.Fatal(err)
	}
	if err := k.Validate(stack.Plan, in); err != nil {
		t.Fatal(err)
	}
	id := k.WorkflowID(in)
	if _, err := stack.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: "helhed"}, k.Workflow, in); err != nil {
		t.Fatal(err)
	}
	line := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\nOP 1;lejerbo;104;Oda;Jennumparken 64;3.000,00;01-09-2026\n"
	if res := importBody(t, []byte(line), plan.NewDate(2026, 10, 1)); res.Accepted != 1 {
		t.Fatalf("import %+v", res)
	}
	teststack.Eventually(t, "the list reaches the operator's case", func() error {
		st := state(t, id)
		if st.Origin != "operator" || len(st.Lists) != 1 || st.Arrears != arrears.Kroner(3000) || st.Area != "gl-jennumparken" {
			return fmt.Errorf("state: origin %s, %d lists, arrears %s", st.Origin, len(st.Lists), st.Arrears)
		}
		return nil
	})
	for _, bad := range []struct{ json, field string }{
		{`{"organisation":"ms","department":"27","tenancyNumber":"1","contact":{"name":"X 0101901234","address":"Y"},"arrears":1,"dueDate":"2026-01-01"}`, "contact.name"},
		{`{"organisation":"ms","department":"99","tenancyNumber":"1","contact":{"name":"X","address":"Y"},"arrears":1,"dueDate":"2026-01-01"}`, "department"},
		{`{"organisation":"ms","department":"27","tenancyNumber":"1","contact":{"name":"X","address":"Y"},"arrears":0,"dueDate":"2026-01-01"}`, "arrears"},
		{`{"organisation":"ms","department":"27","tenancyNumber":"1","contact":{"name":"X","address":"Y"},"arrears":1,"dueDate":"2099-01-01"}`, "dueDate"},
	} {
		in := k.NewInput().(*eviction.CaseInput)
		if err := json.Unmarshal([]byte(bad.json), in); err != nil {
			t.Fatal(err)
		}
		err := k.Validate(stack.Plan, in)
		if err == nil || !strings.HasPrefix(err.Error(), bad.field+": ") || strings.Contains(err.Error(), "0101901234") {
			t.Errorf("%s: %v", bad.field, err)
		}
	}
}
