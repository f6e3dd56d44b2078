package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"helhed/danish"
)

// task is what the starter shows of GET /api/v1/tasks.
type task struct {
	RequestID     string    `json:"requestId"`
	Partner       string    `json:"partner"`
	Title         string    `json:"title"`
	Due           string    `json:"due"`
	Status        string    `json:"status"`
	Overdue       bool      `json:"overdue"`
	AnsweredAt    time.Time `json:"answeredAt"`
	OnTime        bool      `json:"onTime"`
	RemindersSent int       `json:"remindersSent"`
	Escalated     bool      `json:"escalated"`
}

// tasks [--partner P] [--status S] [--overdue] [--json]
func tasksList(ctx context.Context, e *env, args []string) error {
	f := newFlags("tasks", "tasks [--partner P] [--status open|overdue|done|cancelled] [--overdue] [--json]").withJSON()
	partner := f.String("partner", "", "plan partner id")
	status := f.String("status", "", "open, overdue, done or cancelled")
	overdue := f.Bool("overdue", false, "only overdue tasks (same as --status overdue)")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	if *overdue {
		if *status != "" && *status != "overdue" {
			return usageError("--overdue og --status %s modsiger hinanden", *status)
		}
		*status = "overdue"
	}
	var got struct {
		Tasks []task `json:"tasks"`
	}
	if err := f.callAPI(ctx, e, "GET", "/api/v1/tasks?"+query("partner", *partner, "status", *status), "", nil, &got); err != nil || f.asJSON {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ANMODNING\tPARTNER\tFRIST\tSTATUS\tPÅMINDELSER\tBESVARET\tTITEL")
	for _, t := range got.Tasks {
		st := t.Status
		if t.Overdue {
			st = "overdue"
		}
		if t.Escalated && t.Status == "open" {
			st += ",escalated"
		}
		answered := ""
		if !t.AnsweredAt.IsZero() {
			answered = t.AnsweredAt.Local().Format(danishTime)
			if !t.OnTime {
				answered += " (for sent)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", t.RequestID, t.Partner, shortDate(t.Due), st, t.RemindersSent, answered, t.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d opgave(r)\n", len(got.Tasks))
	return nil
}

// task submit REQUEST-ID (--values FILE | --csv FILE)
func taskSubmit(ctx context.Context, e *env, args []string) error {
	f := newFlags("task submit", "task submit REQUEST-ID (--values FILE.json | --csv FILE.csv)")
	values := f.String("values", "", "JSON object of field key → value")
	csvFile := f.String("csv", "", "CSV table")
	pos, err := f.parse(args, 1)
	if err != nil {
		return err
	}
	if pos[0] == "" || (*values == "") == (*csvFile == "") {
		return f.usageErr()
	}
	id := pos[0]
	var body []byte
	contentType := "application/json"
	if *values != "" {
		raw, err := readInput(e, *values)
		if err != nil {
			return err
		}
		var v map[string]string
		if err := json.Unmarshal(raw, &v); err != nil {
			return usageError("--values: forventer et JSON-objekt med tekster, fx {\"elever\": \"7\"}")
		}
		body, _ = json.Marshal(map[string]any{"submittedBy": "operator", "values": v})
	} else {
		// The file goes as it is: the API decodes UTF-8 or Windows-1252,
		// which JSON could not carry.
		raw, err := readInput(e, *csvFile)
		if err != nil {
			return err
		}
		body, contentType = raw, "text/csv"
	}
	var res struct {
		AnsweredAt time.Time `json:"answeredAt"`
		OnTime     bool      `json:"onTime"`
		Values     int       `json:"values"`
		Rows       int       `json:"rows"`
	}
	if err := apiCall(ctx, e, "POST", "/api/v1/tasks/"+url.PathEscape(id)+"/submit", contentType, bytes.NewReader(body), &res); err != nil {
		return err
	}
	timing := "til tiden"
	if !res.OnTime {
		timing = "for sent"
	}
	fmt.Fprintf(e.stdout, "%s er besvaret %s (%s): %d værdi(er), %d række(r)\n", id, res.AnsweredAt.Local().Format(danishTime), timing, res.Values, res.Rows)
	return nil
}

func readInput(e *env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usageError("%s", fileProblem(name, err))
	}
	return b, nil
}

// fileProblem says in Danish why the file name cannot be read (the os
// package's own text is English).
func fileProblem(name string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name + " findes ikke"
	case errors.Is(err, fs.ErrPermission):
		return "ingen adgang til " + name
	}
	return name + " kan ikke læses"
}

// tokens issue|rotate|revoke PARTNER
func tokensVerb(action string) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
			return usageError("brug: tokens %s PARTNER", action)
		}
		path := "/api/v1/partners/" + url.PathEscape(args[0]) + "/token"
		if action == "revoke" {
			var res struct {
				Revoked bool `json:"revoked"`
			}
			if err := apiCall(ctx, e, "DELETE", path, "", nil, &res); err != nil {
				return err
			}
			if res.Revoked {
				fmt.Fprintf(e.stdout, "%s: linket er tilbagekaldt\n", args[0])
			} else {
				fmt.Fprintf(e.stdout, "%s: havde intet gyldigt link\n", args[0])
			}
			return nil
		}
		body := `{"rotate":false}`
		if action == "rotate" {
			body = `{"rotate":true}`
		}
		var res struct {
			Link      string    `json:"link"`
			ExpiresAt time.Time `json:"expiresAt"`
		}
		if err := apiCall(ctx, e, "POST", path, "application/json", bytes.NewReader([]byte(body)), &res); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, res.Link)
		fmt.Fprintf(e.stderr, "gyldigt til %s; send det kun til partnerens funktionsadresse\n", danish.Moment(res.ExpiresAt, time.Local))
		return nil
	}
}
