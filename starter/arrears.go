package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"helhed/danish"
	"helhed/plan"
)

// maxArrearsBytes mirrors the API's limit (adapters/eviction.MaxListBytes), so a
// file too large is refused before it is uploaded.
const maxArrearsBytes = 10 << 20

// importResult is the answer of POST /api/v1/arrears.
type importResult struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Rejected   []struct {
		Line  int    `json:"line"`
		Error string `json:"error"`
	} `json:"rejected"`
	DuplicateLines []struct {
		Line      int `json:"line"`
		FirstLine int `json:"firstLine"`
	} `json:"duplicateLines"`
	Lines    int    `json:"lines"`
	Encoding string `json:"encoding"`
	ListID   string `json:"listId"`
	ListDate string `json:"listDate"`
	// Delivered names the case each accepted line went to.
	Delivered []struct {
		Line       int    `json:"line"`
		WorkflowID string `json:"workflowId"`
		Outcome    string `json:"outcome"`
	} `json:"delivered"`
}

// import arrears FILE.csv [--date yyyy-mm-dd] [--json]
func importArrears(ctx context.Context, e *env, args []string) error {
	fl := newFlags("import arrears", "import arrears FILE.csv [--date yyyy-mm-dd] [--json]").withJSON()
	date := fl.String("date", "", "the list's date (default today)")
	pos, err := fl.parse(args, 1) // FILE may come before or after the flags
	if err != nil {
		return err
	}
	file := pos[0]
	if file == "" {
		return fl.usageErr()
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("restancelisten kan ikke åbnes: %s", fileProblem(file, err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("restancelisten kan ikke læses: %s", fileProblem(file, err))
	}
	if info.Size() > maxArrearsBytes {
		return fmt.Errorf("%s fylder %s MiB; API'et tager højst %d MiB (en restanceliste er langt mindre: tjek eksporten, eller del filen op)",
			file, mib(info.Size()), maxArrearsBytes>>20)
	}
	body := &progressReader{r: f, total: info.Size(), w: e.stderr, show: info.Size() > 256<<10}
	stop := waiting(e.stderr, body, 5*time.Second)
	var res importResult
	err = fl.callAPI(ctx, e, "POST", "/api/v1/arrears?"+query("listDate", *date), "text/csv", body, &res)
	stop()
	if err != nil {
		return err
	}
	if !fl.asJSON {
		printImport(e.stdout, file, res)
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("%d linje(r) afvist; ret dem, og importér filen igen for samme dato (linjer, der allerede er importeret, genkendes)", len(res.Rejected))
	}
	return nil
}

func printImport(w io.Writer, file string, res importResult) {
	fmt.Fprintf(w, "%s (%s, liste %s af %s): %d linje(r): %d modtaget, %d gentaget, %d afvist\n",
		file, res.Encoding, res.ListID, res.ListDate, res.Lines, res.Accepted, res.Duplicates, len(res.Rejected))
	if len(res.Rejected) == 0 && len(res.DuplicateLines) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINJE\tRESULTAT")
	type row struct {
		line int
		text string
	}
	var rows []row
	for _, r := range res.Rejected {
		rows = append(rows, row{r.Line, "afvist: " + r.Error})
	}
	for _, d := range res.DuplicateLines {
		rows = append(rows, row{d.Line, fmt.Sprintf("gentager linje %d (ikke importeret)", d.FirstLine)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].line < rows[j].line })
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\n", r.line, r.text)
	}
	tw.Flush()
}

// progressReader reports upload progress in steps of 10 %.
type progressReader struct {
	r     io.Reader
	total int64
	w     io.Writer
	show  bool

	mu       sync.Mutex
	read     int64
	reported int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read += int64(n)
	if p.show && p.total > 0 {
		if step := p.read * 10 / p.total; step > p.reported {
			p.reported = step
			fmt.Fprintf(p.w, "sender: %d %% (%s af %s MiB)\n", step*10, mib(p.read), mib(p.total))
		}
	}
	return n, err
}

func (p *progressReader) done() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.read >= p.total
}

// waiting tells the user, every interval once the upload is done, that
// the server is still opening and updating cases; stop ends it.
func waiting(w io.Writer, body *progressReader, every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if body.done() {
					fmt.Fprintf(w, "serveren kontrollerer linjerne og opretter eller opdaterer sager (%s) …\n", time.Since(start).Round(time.Second))
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// caseRow is what the starter shows of GET /api/v1/cases.
type caseRow struct {
	WorkflowID   string      `json:"workflowId"`
	Stage        string      `json:"stage"`
	Area         string      `json:"area"`
	Organisation string      `json:"organisation"`
	Department   string      `json:"department"`
	Arrears      json.Number `json:"arrears"`
	NextDue      string      `json:"nextDue"`
	Overdue      bool        `json:"overdue"`
	Lists        int         `json:"lists"`
	Outcome      string      `json:"outcome"`
}

// cases [--stage S] [--area A] [--organisation O] [--json]
func casesList(ctx context.Context, e *env, args []string) error {
	f := newFlags("cases", "cases [--stage S] [--area A] [--organisation O] [--json]").withJSON()
	stage := f.String("stage", "", "arrears, outreach, counselling, payment_plan, resolved or escalated")
	area := f.String("area", "", "plan area id")
	organisation := f.String("organisation", "", "housing organisation: plan id, name or alias (narrows the cases, not the counts)")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	var got struct {
		Cases  []caseRow `json:"cases"`
		Counts []struct {
			Stage      string `json:"stage"`
			Area       string `json:"area"`
			Count      *int   `json:"count"`
			Suppressed bool   `json:"suppressed"`
		} `json:"counts"`
		Note string `json:"note"`
	}
	if err := f.callAPI(ctx, e, "GET", "/api/v1/cases?"+query("stage", *stage, "area", *area, "organisation", *organisation), "", nil, &got); err != nil || f.asJSON {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SAG\tFASE\tBOLIGOMRÅDE\tORG/AFD\tRESTANCE\tLISTER\tNÆSTE FORFALD")
	for _, c := range got.Cases {
		due := shortDate(c.NextDue)
		if c.Overdue {
			due += " (overskredet)"
		}
		stage := c.Stage
		if c.Outcome != "" {
			stage += ": " + c.Outcome
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s/%s\t%s\t%d\t%s\n", c.WorkflowID, stage, c.Area, c.Organisation, c.Department, kroner(c.Arrears), c.Lists, due)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FASE\tBOLIGOMRÅDE\tSAGER")
	for _, c := range got.Counts {
		n := ".. (diskretioneret)"
		if c.Count != nil {
			n = fmt.Sprint(*c.Count)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Stage, c.Area, n)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, got.Note)
	return nil
}

// kroner writes an API amount (kroner, "12345.50") the Danish way:
// "12.345,50 kr.".
func kroner(n json.Number) string {
	v, err := n.Float64()
	if err != nil {
		return n.String()
	}
	return danish.FormatAmount(int64(math.Round(v*100))) + " kr."
}

// shortDate writes an API date (yyyy-mm-dd) the Danish way, dd-mm-yyyy;
// anything else as it is.
func shortDate(s string) string {
	if d, err := plan.ParseDate(s); err == nil {
		return danish.ShortDate(d)
	}
	return s
}

// mib is n bytes in MiB, written the Danish way with one decimal ("1,5").
func mib(n int64) string { return danish.FormatNumber(float64(n)/(1<<20), 1) }
