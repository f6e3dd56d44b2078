package main

// The run verbs: start, runs, describe, update, cancel, kinds. They call
// the operator API (HELHED_URL, OPERATOR_TOKEN), which answers through
// the run layer (package runs): the operator's machine needs neither
// Temporal access nor the payload key.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/runs"
)

// Exit codes of a refused start: a run with the same business key is
// open, or the key's run has closed and the kind does not run a key again.
const (
	exitAlreadyRunning = 3
	exitKeyUsed        = 4
)

// runError turns the operator API's refusal of a run-layer call back
// into the run layer's error, so the verbs answer (message, exit code,
// --json) as the API means it.
func runError(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code == "" {
		return err
	}
	return &runs.Error{Code: runs.Code(ae.Code), Message: ae.Message, Field: ae.Field, WorkflowID: ae.WorkflowID,
		RunID: ae.RunID, Outcome: runs.Outcome(ae.Outcome), Err: err}
}

// withAPI runs f, which calls the operator API and returns the answer (as
// it came, for --json) and how to print it for a person, and maps its
// error to an exit code; with --json the error is also printed as JSON on
// stdout, as the API answered it.
func withAPI(ctx context.Context, e *env, asJSON bool, f func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error)) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, human, err := f(ctx)
	if err != nil {
		err = runError(err)
		var re *runs.Error
		if asJSON && errors.As(err, &re) {
			printJSON(e.stdout, map[string]any{"error": re.Message, "field": re.Field, "code": re.Code,
				"workflowId": re.WorkflowID, "runId": re.RunID, "status": runs.HTTPStatus(err), "outcome": re.Outcome})
		}
		if errors.As(err, &re) && re.Code == runs.CodeAlreadyRunning {
			return &exitError{code: exitAlreadyRunning, err: fmt.Errorf("allerede i gang: %s (kørsels-id %s)", re.WorkflowID, re.RunID)}
		}
		if errors.As(err, &re) && re.Code == runs.CodeKeyUsed {
			return &exitError{code: exitKeyUsed, err: err}
		}
		return err
	}
	if asJSON {
		return printJSON(e.stdout, out)
	}
	return human(e.stdout)
}

// callJSON calls the operator API and decodes its answer into v, which it
// also returns as it came.
func callJSON(ctx context.Context, e *env, method, path string, body any, v any) (json.RawMessage, error) {
	var rd io.Reader
	contentType := ""
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	var raw json.RawMessage
	if err := apiCall(ctx, e, method, path, contentType, rd, &raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, errors.New("operatør-API'ets svar har ikke den forventede form")
	}
	return raw, nil
}

// runPath is the API path of run id (IDs hold slashes: one escaped
// segment).
func runPath(id string) string { return "/api/v1/runs/" + url.PathEscape(id) }

func runStart(ctx context.Context, e *env, args []string) error {
	f := newFlags("start", "start KIND --input FILE|- [--json]").withJSON()
	inputFile := f.String("input", "", "the JSON input; - reads stdin")
	pos, err := f.parse(args, 1)
	if err != nil {
		return err
	}
	if !f.given("input") {
		return f.usageErr()
	}
	input, err := readInput(e, *inputFile)
	if err != nil {
		return err
	}
	if !json.Valid(input) {
		return fmt.Errorf("input: er ikke gyldig JSON")
	}
	return withAPI(ctx, e, f.asJSON, func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error) {
		var s runs.Started
		raw, err := callJSON(ctx, e, "POST", "/api/v1/runs", map[string]any{"kind": pos[0], "input": json.RawMessage(input)}, &s)
		return raw, func(w io.Writer) error {
			if _, err := fmt.Fprintf(w, "startet: %s (kørsels-id %s)\n", s.WorkflowID, s.RunID); err != nil || s.Previous == nil {
				return err
			}
			_, err := fmt.Fprintf(w, "en ny kørsel af en afsluttet nøgle; den forrige (kørsels-id %s) er %s\n",
				s.Previous.RunID, s.Previous.StatusTitle)
			return err
		}, err
	})
}

func runList(ctx context.Context, e *env, args []string) error {
	f := newFlags("runs", "runs [--kind K] [--status S] [--limit N] [--json]").withJSON()
	kind := f.String("kind", "", "only runs of this kind")
	status := f.String("status", "", "running, completed, failed, canceled, ...")
	limit := f.Int("limit", 0, "at most this many runs")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	if f.given("limit") && *limit < 1 {
		return usageError("runs: --limit skal være et positivt tal")
	}
	limitText := ""
	if *limit > 0 {
		limitText = fmt.Sprint(*limit)
	}
	return withAPI(ctx, e, f.asJSON, func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error) {
		var list struct {
			Runs []runs.Summary `json:"runs"`
		}
		raw, err := callJSON(ctx, e, "GET", "/api/v1/runs?"+query("kind", *kind, "status", *status, "limit", limitText), nil, &list)
		return raw, func(w io.Writer) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SLAGS\tID\tSTATUS\tFASE\tNÆSTE FRIST\tSTARTET")
			for _, s := range list.Runs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Kind, s.WorkflowID, s.Status, dash(s.Stage),
					deadline(s), localTime(&s.StartedAt))
			}
			return tw.Flush()
		}, err
	})
}

func runDescribe(ctx context.Context, e *env, args []string) error {
	f := newFlags("describe", "describe ID [--json]").withJSON()
	pos, err := f.parse(args, 1)
	if err != nil {
		return err
	}
	return withAPI(ctx, e, f.asJSON, func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error) {
		var d runs.Description
		raw, err := callJSON(ctx, e, "GET", runPath(pos[0]), nil, &d)
		return raw, func(w io.Writer) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "kørsel\t%s (kørsels-id %s)\nslags\t%s\nstatus\t%s\nfase\t%s\nnæste frist\t%s\nstartet\t%s\n",
				d.WorkflowID, d.RunID, d.Kind, d.Status, dash(strings.TrimSpace(d.Stage+" "+paren(d.StageTitle))),
				deadline(d.Summary), localTime(&d.StartedAt))
			fmt.Fprintf(tw, "tager imod\t%s\n", dash(strings.Join(d.Accepts, ", ")))
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w, "åbne opgaver:")
			if len(d.OpenTasks) == 0 {
				fmt.Fprintln(w, "  ingen")
			}
			for _, t := range d.OpenTasks {
				fmt.Fprintf(w, "  - %s: %s%s\n", t.Name, t.Title, paren(t.Owner))
			}
			if d.StateError != "" {
				fmt.Fprintf(w, "tilstanden kunne ikke læses: %s\n", d.StateError)
			}
			return nil
		}, err
	})
}

func runUpdate(ctx context.Context, e *env, args []string) error {
	f := newFlags("update", "update ID NAME --input FILE|- [--json]").withJSON()
	inputFile := f.String("input", "", "the Update's JSON argument; - reads stdin")
	pos, err := f.parse(args, 2)
	if err != nil {
		return err
	}
	if !f.given("input") {
		return f.usageErr()
	}
	arg, err := readInput(e, *inputFile)
	if err != nil {
		return err
	}
	if !json.Valid(arg) {
		return fmt.Errorf("input: er ikke gyldig JSON")
	}
	id, name := pos[0], pos[1]
	return withAPI(ctx, e, f.asJSON, func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error) {
		var res struct {
			Result json.RawMessage `json:"result"`
		}
		raw, err := callJSON(ctx, e, "POST", runPath(id)+"/updates/"+url.PathEscape(name), json.RawMessage(arg), &res)
		return raw, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s: %s er udført %s\n", id, name, strings.TrimSpace(string(res.Result)))
			return err
		}, err
	})
}

func runCancel(ctx context.Context, e *env, args []string) error {
	f := newFlags("cancel", "cancel ID --reason R [--json]").withJSON()
	reason := f.String("reason", "", "why, for the record")
	pos, err := f.parse(args, 1)
	if err != nil {
		return err
	}
	if !f.given("reason") {
		return f.usageErr()
	}
	return withAPI(ctx, e, f.asJSON, func(ctx context.Context) (json.RawMessage, func(io.Writer) error, error) {
		var c runs.Cancelled
		raw, err := callJSON(ctx, e, "POST", runPath(pos[0])+"/cancel", map[string]string{"reason": *reason}, &c)
		return raw, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s: annulleringen er sendt (%s)\n", c.WorkflowID, c.Via)
			return err
		}, err
	})
}

// kindInfo is runs.KindInfo as the API sends it, the example kept as it
// came (its fields in the kind's order).
type kindInfo struct {
	Name    string            `json:"name"`
	Title   string            `json:"title"`
	Input   []runs.FieldSpec  `json:"input"`
	Updates []runs.UpdateInfo `json:"updates"`
	Example json.RawMessage   `json:"example"`
}

// runKinds lists the kinds the workers take (GET /api/v1/kinds).
func runKinds(ctx context.Context, e *env, args []string) error {
	f := newFlags("kinds", "kinds [--json] [--example KIND]").withJSON()
	example := f.String("example", "", "print a ready input for KIND")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	var list struct {
		Kinds []kindInfo `json:"kinds"`
	}
	raw, err := callJSON(ctx, e, "GET", "/api/v1/kinds", nil, &list)
	if err != nil {
		return err
	}
	if f.given("example") {
		var names []string
		for _, k := range list.Kinds {
			if k.Name != *example {
				names = append(names, k.Name)
				continue
			}
			if len(k.Example) == 0 || string(k.Example) == "null" {
				return fmt.Errorf("slagen %s har intet eksempel på input", k.Name)
			}
			return printJSON(e.stdout, k.Example)
		}
		return usageError("ukendt slags kørsel %q; kendte: %s", *example, strings.Join(names, ", "))
	}
	if f.asJSON {
		return printJSON(e.stdout, raw)
	}
	for _, k := range list.Kinds {
		fmt.Fprintf(e.stdout, "%s — %s\n  input:\n", k.Name, k.Title)
		for _, s := range k.Input {
			fmt.Fprintf(e.stdout, "    %-22s %-9s %s\n", s.Name, s.Type, optional(s.Required))
		}
		if len(k.Updates) > 0 {
			fmt.Fprintln(e.stdout, "  handlinger (updates):")
		}
		for _, u := range k.Updates {
			var names []string
			for _, a := range u.Arg {
				names = append(names, a.Name)
			}
			fmt.Fprintf(e.stdout, "    %-30s {%s}\n", u.Name, strings.Join(names, ", "))
		}
		if len(k.Example) > 0 && string(k.Example) != "null" {
			fmt.Fprintf(e.stdout, "  eksempel på input: starter kinds --example %s\n", k.Name)
		}
	}
	return nil
}

func optional(required bool) string {
	if required {
		return "skal udfyldes"
	}
	return "valgfri"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// danishTime is how the starter writes a moment, as the operator pages do.
const danishTime = "2.1.2006 kl. 15.04"

// deadline is a run's next deadline as the starter writes it: a civil
// date as `starter cases` writes it (dd-mm-yyyy), a moment as localTime.
func deadline(s runs.Summary) string {
	if s.DueDate != nil {
		return danish.ShortDate(*s.DueDate)
	}
	return localTime(s.DueAt)
}

// localTime writes a moment in the plan's zone (Europe/Copenhagen).
func localTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.In((&plan.Plan{}).Location()).Format(danishTime)
}
