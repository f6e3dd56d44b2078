package datarequest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/text/encoding/charmap"

	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/workflows/datarequest"
)

// Histories of the replay test in workflows/datarequest, recorded with
// HELHED_RECORD_HISTORY=1 go test -run 'TestWindows1252FileThroughThePortal|TestTooLargeForTemporalIsRefusedFirst' ./adapters/datarequest
const (
	rowsHistory   = "../../workflows/datarequest/testdata/history-rows-notice-after-ack.json"
	cancelHistory = "../../workflows/datarequest/testdata/history-cancel-notice-after-ack.json"
)

// historyLength counts the events in a request's history.
func historyLength(t testing.TB, requestID string) int {
	t.Helper()
	iter := stack.app.Temporal.GetWorkflowHistory(context.Background(), datarequest.WorkflowID(requestID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for iter.HasNext() {
		if _, err := iter.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// settledLength waits until a request has nothing running (no activity,
// no workflow task) and returns its history's length.
func settledLength(t testing.TB, requestID string) int {
	t.Helper()
	teststack.Eventually(t, "a settled history", func() error {
		d, err := stack.app.Temporal.DescribeWorkflowExecution(context.Background(), datarequest.WorkflowID(requestID), "")
		if err != nil {
			return err
		}
		if len(d.GetPendingActivities()) > 0 || d.GetPendingWorkflowTask() != nil {
			return fmt.Errorf("%d activities, workflow task %v pending", len(d.GetPendingActivities()), d.GetPendingWorkflowTask())
		}
		return nil
	})
	return historyLength(t, requestID)
}

// operatorUpdate sends an operator Update and waits for it.
func operatorUpdate(t testing.TB, requestID, name string, arg any) {
	t.Helper()
	h, err := stack.app.Temporal.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: datarequest.WorkflowID(requestID), UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(context.Background(), nil); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// apiCSV posts a file as it is to the submit API.
func apiCSV(t testing.TB, requestID string, file []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", stack.base+"/api/v1/tasks/"+url.PathEscape(requestID)+"/submit", bytes.NewReader(file))
	req.Header.Set("Authorization", "Bearer test-operator-token-0123456789")
	req.Header.Set("Content-Type", "text/csv; charset=windows-1252")
	code, body := do(t, req)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("%d %s", code, body)
	}
	return code, out
}

// A table saved by Danish Excel (Windows-1252, ';') goes through the
// portal's upload form with its æ, ø and å intact, and the partner is told
// how the file was read; a bad file first shows its line errors on the
// form and leaves no trace. The operator's extend and reassign before it
// return before their notices (ChangeNoticeAfterAck).
func TestWindows1252FileThroughThePortal(t *testing.T) {
	in := tableRequest("edge/vestervang", "vestervangsskolen")
	run := start(t, in)
	operatorUpdate(t, in.RequestID, datarequest.UpdateExtend, datarequest.Extension{Due: today().AddDays(21).String(), Reason: "ferie"})
	operatorUpdate(t, in.RequestID, datarequest.UpdateReassign, datarequest.Reassignment{Contact: "kontor@vestervangsskolen-eksempel.randers.dk"})
	readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeReassigned, 1))
	link := taskLink(t, in.RequestID)
	excel := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	before := settledLength(t, in.RequestID)
	code, page := upload(t, link, csrfOf(t, link), excel("Område;Beboere;Andel\nHermann Stillingsvej-området;1.234;5,7\nGlarbjergvej-området;mange;\n"))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Linje 3, kolonne »beboere«") || !strings.Contains(page, "»mange« er ikke et helt tal") {
		t.Fatalf("bad file: %d %.1500s", code, page)
	}
	if n := historyLength(t, in.RequestID); n != before || updatesIn(t, in.RequestID) != 2 {
		t.Fatalf("a refused file left %d history events", n-before)
	}

	code, page = upload(t, link, csrfOf(t, link), excel("Område;Beboere;Andel\nHermann Stillingsvej-området;1.234;5,7\nGl. Jennumparken – Ærø;12;\n"))
	if code != http.StatusSeeOther {
		t.Fatalf("Windows-1252 file: %d %.1500s", code, page)
	}
	if code, page := get(t, link+"?kvittering"); code != http.StatusOK || !strings.Contains(page, "Tak – jeres svar er modtaget") ||
		!strings.Contains(page, "Filen blev læst som Windows-1252: 2 rækker.") {
		t.Fatalf("confirmation: %d %.1500s", code, page)
	}
	closeAnswered(t, stack.app.Temporal, in.RequestID)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var res datarequest.Result
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || res.Rows[0]["omraade"] != "Hermann Stillingsvej-området" || res.Rows[0]["beboere"] != "1234" ||
		res.Rows[0]["andel"] != "5.7" || res.Rows[1]["omraade"] != "Gl. Jennumparken – Ærø" {
		t.Fatalf("rows %v", res.Rows)
	}
	if _, receipt := readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeReceipt, 0)); !strings.Contains(receipt, "Filen blev læst som Windows-1252: 2 rækker.") {
		t.Fatalf("receipt:\n%s", receipt)
	}
	if code, page := get(t, link); code != http.StatusOK || !strings.Contains(page, "Filen blev læst som Windows-1252") {
		t.Fatalf("answered task: %d %.1500s", code, page)
	}
	replaytest.Record(t, stack.app.Temporal, run.GetID(), rowsHistory)

	// The API takes the file as it is, too.
	viaAPI := tableRequest("edge/vestervang-api", "vestervangsskolen")
	start(t, viaAPI)
	code, got := apiCSV(t, viaAPI.RequestID, excel("omraade;beboere\nEnergivej-området;7\n"))
	if code != http.StatusOK || got["encoding"] != "windows-1252" || got["rows"] != float64(1) {
		t.Fatalf("API text/csv: %d %v", code, got)
	}
	// Bytes that are not UTF-8 inside JSON are refused, not turned into U+FFFD.
	broken := append(append([]byte(`{"csv":"omraade;beboere\n`), excel("Energivej-området")...), `;7\n"}`...)
	status, answer := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(viaAPI.RequestID)+"/submit", bytes.NewReader(broken))
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(answer["error"]), "text/csv") {
		t.Fatalf("JSON with Windows-1252 bytes: %d %v", status, answer)
	}
}

// A file under the upload limit whose rows the workflow could not carry
// (as JSON, sealed by the payload codec) is refused on the form and by the
// API with a Danish message before anything is sent: no Update, no history
// event.
func TestTooLargeForTemporalIsRefusedFirst(t *testing.T) {
	in := tableRequest("edge/for-stor", "monitorering")
	in.Table = &datarequest.Table{Columns: []datarequest.Column{{Key: "bemaerkning", Label: "Bemærkning", Type: datarequest.Text}}}
	const columns = 12
	header := []string{"bemaerkning"}
	for i := range columns {
		key := fmt.Sprintf("maaling_nummer_%02d", i)
		header = append(header, key)
		in.Table.Columns = append(in.Table.Columns, datarequest.Column{Key: key, Label: "Måling", Type: datarequest.Integer, Required: true})
	}
	var file strings.Builder
	file.WriteString(strings.Join(header, ";") + "\n")
	for range 8000 {
		file.WriteString(strings.Repeat(";7", columns) + "\n")
	}
	if file.Len() >= datarequest.MaxCSVBytes {
		t.Fatalf("the file is %d bytes, not under 1 MiB", file.Len())
	}
	run := start(t, in)
	link := taskLink(t, in.RequestID)
	before := settledLength(t, in.RequestID)

	code, page := upload(t, link, csrfOf(t, link), []byte(file.String()))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Tabellen er for stor til at blive modtaget") || !strings.Contains(page, "Filen er ikke modtaget") {
		t.Fatalf("portal: %d %.1500s", code, page)
	}
	if code, got := apiCSV(t, in.RequestID, []byte(file.String())); code != http.StatusBadRequest || got["field"] != "csv" ||
		!strings.Contains(fmt.Sprint(got["error"]), "for stor til at blive modtaget") {
		t.Fatalf("API: %d %v", code, got)
	}
	// Rows just under the limit as JSON, over it as the workflow's
	// payloads: the encoded size decides.
	rows := rowsOfJSONSize(t, in.Table.Columns, datarequest.MaxPayloadBytes-16)
	body, _ := json.Marshal(datarequest.Submission{Rows: rows})
	if code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(in.RequestID)+"/submit", bytes.NewReader(body)); code != http.StatusBadRequest ||
		!strings.Contains(fmt.Sprint(got["error"]), "for stor til at blive modtaget") {
		t.Fatalf("API rows: %d %v", code, got)
	}
	if n := historyLength(t, in.RequestID); n != before || updatesIn(t, in.RequestID) != 0 {
		t.Fatalf("refused submissions left %d history events", n-before)
	}

	// The operator cancels; the Update returns before its notice goes out.
	operatorUpdate(t, in.RequestID, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "for stor til ét svar"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var res datarequest.Result
	if err := run.Get(ctx, &res); err != nil || res.Status != datarequest.StatusCancelled {
		t.Fatalf("%+v %v", res, err)
	}
	readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeCancelled, 0))
	replaytest.Record(t, stack.app.Temporal, run.GetID(), cancelHistory)
}

// rowsOfJSONSize builds rows of cols whose JSON is exactly size bytes;
// the first column, a text, takes the slack.
func rowsOfJSONSize(t *testing.T, cols []datarequest.Column, size int) []map[string]string {
	t.Helper()
	row := func(text string) map[string]string {
		r := map[string]string{cols[0].Key: text}
		for _, c := range cols[1:] {
			r[c.Key] = "7"
		}
		return r
	}
	full := row(strings.Repeat("x", 1000))
	one, _ := json.Marshal(full)
	rows := make([]map[string]string, (size-3000)/(len(one)+1))
	for i := range rows {
		rows[i] = full
	}
	length := func() int { b, _ := json.Marshal(rows); return len(b) }
	rows = append(rows, row("x"))
	rows[len(rows)-1] = row(strings.Repeat("x", size-length()+1))
	if got := length(); got != size {
		t.Fatalf("rows of %d bytes, want %d", got, size)
	}
	return rows
}
