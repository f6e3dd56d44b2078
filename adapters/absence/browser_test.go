package absence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/text/encoding/charmap"

	"helhed/app"
	"helhed/internal/testbrowser"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

var portalLink = regexp.MustCompile(`http://[^\s]+/portal/t/[A-Za-z0-9_-]{43}/opgave/[^\s]+`)

// The browser test: schools follow the link in their e-mail and
// upload their absence files through the portal in headless Chromium. A
// file saved by Danish Excel (Windows-1252, ';', CRLF, æøå in the area
// name) is taken and its pupils reach the round's note; a file the round
// would reject is refused on the form with its line errors, and leaves no
// event in the request's history and sends no new request.
func TestBrowserUploadsAbsenceFiles(t *testing.T) {
	ctx := testbrowser.New(t)
	s := teststack.StartT(t, teststack.Options{Name: "absence-browser", FixedPorts: true})
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	bg := context.Background()

	raw, _ := json.Marshal(absence.Input{Plan: s.Plan.ID, Quarter: absence.QuarterOf(s.Plan.DateOf(time.Now())).Prev().String()})
	started, err := runner.Start(bg, absence.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	round := started.WorkflowID
	requestOf := func(school string) string {
		t.Helper()
		var id string
		teststack.Eventually(t, "the request to "+school, func() error {
			v, err := s.Temporal.QueryWorkflow(bg, round, "", absence.QueryState)
			if err != nil {
				return err
			}
			var st absence.State
			if err := v.Get(&st); err != nil {
				return err
			}
			for _, sc := range st.Schools {
				if sc.School == school && sc.RequestID != "" {
					id = sc.RequestID
					return nil
				}
			}
			return fmt.Errorf("%s not asked yet", school)
		})
		return id
	}
	outbox := filepath.Join(s.Dir, "outbox")
	// invitation waits for a request's invitation and returns its text.
	invitation := func(requestID string) string {
		t.Helper()
		// The round names the request before its child has started.
		var d *workflowservice.DescribeWorkflowExecutionResponse
		teststack.Eventually(t, "the request "+requestID+" to start", func() error {
			var err error
			d, err = s.Temporal.DescribeWorkflowExecution(bg, datarequest.WorkflowID(requestID), "")
			return err
		})
		first := d.GetWorkflowExecutionInfo().GetFirstRunId()
		if first == "" {
			first = d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
		}
		path := filepath.Join(outbox, mailer.FileName(workflows.RunMailKey(first, datarequest.MailKey(requestID, datarequest.NoticeInvite, 0))))
		var text string
		teststack.Eventually(t, "the invitation of "+requestID, func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			msg, err := mail.ReadMessage(f)
			if err != nil {
				return err
			}
			var body io.Reader = msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			b, err := io.ReadAll(body)
			text = string(b)
			return err
		})
		return text
	}
	events := func(requestID string) int {
		t.Helper()
		it := s.Temporal.GetWorkflowHistory(bg, datarequest.WorkflowID(requestID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		n := 0
		for it.HasNext() {
			if _, err := it.Next(); err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	mails := func() int {
		t.Helper()
		entries, err := os.ReadDir(outbox)
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	excelFile := func(name string, lines ...string) string {
		t.Helper()
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(strings.Join(lines, "\r\n") + "\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	header := "elev_id;omraade;skoledage;fravaersdage;ulovligt_fravaer"

	// Østervangsskolen serves Hermann Stillingsvej-området only: its
	// instructions say so, and its Excel file is taken.
	oest := requestOf("oestervangsskolen")
	body := invitation(oest)
	if !strings.Contains(body, "Hermann Stillingsvej-området") || strings.Contains(body, "Vangdalen") {
		t.Errorf("the invitation does not name the school's own areas:\n%s", body)
	}
	link := portalLink.FindString(body)
	if link == "" {
		t.Fatalf("no portal link in the invitation:\n%s", body)
	}
	good := excelFile("fravaer.csv", header,
		"Ø1;Hermann Stillingsvej-området;40;8;8",
		"Ø2;Hermann Stillingsvej-området;40;2;0",
		"Ø3;hermann stillingsvej;40;7;6,5")
	do(chromedp.Navigate(link), chromedp.WaitVisible(`#csv`),
		chromedp.SetUploadFiles(`#csv`, []string{good}),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#kvittering`))
	receipt := text(`#kvittering`)
	for _, want := range []string{"Tak – jeres svar er modtaget", "Windows-1252: 3 rækker", "Ø1; Hermann Stillingsvej-området; 40; 8; 8"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, receipt)
		}
	}

	// Nørrevangsskolen sends a file the round would reject: refused on
	// the form, line by line, with no event in the request's history, no
	// attempt used and no new request mailed.
	noerre := requestOf("noerrevangsskolen")
	link = portalLink.FindString(invitation(noerre))
	before, mailed := events(noerre), mails()
	bad := excelFile("forkert.csv", header,
		"N1;Gl. Jennumparken;60;3;0",
		"N2;Hermann Stillingsvej-området;60;3;0", // not an area of this school
		"N1;Glarbjergvej-området;60;3;0",         // the same pupil twice
		"N4;Gl. Jennumparken;20;25;0")            // more days absent than school days
	do(chromedp.Navigate(link), chromedp.WaitVisible(`#csv`),
		chromedp.SetUploadFiles(`#csv`, []string{bad}),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#fejl`))
	errs := text(`#fejl`)
	for _, want := range []string{"Svaret er ikke modtaget", "Linje 3, kolonne »omraade«", "Linje 4, kolonne »elev_id«: »N1« står også på linje 2",
		"Linje 5, kolonne »fravaersdage«"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the form's errors lack %q:\n%s", want, errs)
		}
	}
	if after := events(noerre); after != before {
		t.Errorf("the refused file left %d events in the request's history", after-before)
	}
	if n := mails(); n != mailed {
		t.Errorf("%d e-mails went out for the refused file", n-mailed)
	}
	// The good file goes through; meanwhile nothing was mailed for the bad one.
	fixed := excelFile("rettet.csv", header, "N1;Gl. Jennumparken;60;12;9", "N2;Glarbjergvej-området;60;3;0")
	do(chromedp.SetUploadFiles(`#csv`, []string{fixed}),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#kvittering`))

	closeRaw, _ := json.Marshal(absence.Close{Reason: "test"})
	if _, err := runner.Update(bg, round, absence.UpdateClose, closeRaw); err != nil {
		t.Fatal(err)
	}
	var res absence.Result
	if err := s.Temporal.GetWorkflow(bg, round, "").Get(bg, &res); err != nil {
		t.Fatal(err)
	}
	for _, sc := range res.Schools {
		if sc.School == "noerrevangsskolen" && (sc.Attempts != 1 || sc.Status != absence.SchoolAccepted) {
			t.Errorf("Nørrevangsskolen after a refused and a good file: %+v", sc)
		}
	}
	// No school was asked again.
	for _, sc := range res.Schools {
		if strings.HasSuffix(sc.RequestID, "/2") {
			t.Errorf("%s was asked again: %s", sc.School, sc.RequestID)
		}
	}
	var note string
	for _, p := range res.Note {
		if strings.HasSuffix(p, ".md") {
			b, err := os.ReadFile(filepath.Join(s.Config.DataDir, p))
			if err != nil {
				t.Fatal(err)
			}
			note = string(b)
		}
	}
	for _, want := range []string{"| Østervangsskolen | Ø1 | Hermann Stillingsvej-området |", "| Østervangsskolen | Ø3 | Hermann Stillingsvej-området |",
		"| Nørrevangsskolen | N1 | Gl. Jennumparken |"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note lacks %q:\n%s", want, note)
		}
	}
}
