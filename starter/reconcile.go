package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"helhed/danish"
)

// reconcileReport is the part of readmodel.Report the CLI prints (the CLI
// stays light: it talks to the operator API, not to Temporal).
type reconcileReport struct {
	DurationSeconds float64 `json:"durationSeconds"`
	Drift           int     `json:"drift"`
	Errors          []string
	Kinds           []struct {
		Kind       string         `json:"kind"`
		Reconciled bool           `json:"reconciled"`
		Runs       map[string]int `json:"runs"`
		Keys       int            `json:"keys"`
		Drift      struct {
			Missing, Extra, Changed int
		} `json:"drift"`
		Error      string `json:"error"`
		Unreadable int    `json:"unreadable"`
	} `json:"kinds"`
	Schedules []json.RawMessage `json:"schedules"`
}

// reconcile: POST /api/v1/reconcile and print what it found.
func reconcile(ctx context.Context, e *env, args []string) error {
	f := newFlags("reconcile", "reconcile [--kind K]... [--no-wait] [--json]").withJSON()
	var kinds multiFlag
	f.Var(&kinds, "kind", "reconcile only this kind (repeatable)")
	noWait := f.Bool("no-wait", false, "start it and return")
	pos, err := f.parse(args, -1)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("reconcile: uventet argument %q (brug: %s)", pos[0], f.usage)
	}
	body, _ := json.Marshal(map[string][]string{"kinds": kinds})
	path := "/api/v1/reconcile"
	if *noWait {
		var started struct{ WorkflowID, RunID string }
		if err := apiCall(ctx, e, "POST", path+"?wait=false", "application/json", bytes.NewReader(body), &started); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "afstemningen er startet: %s (kørsels-id %s)\n", started.WorkflowID, started.RunID)
		return nil
	}
	var raw json.RawMessage
	if err := apiCall(ctx, e, "POST", path, "application/json", bytes.NewReader(body), &raw); err != nil {
		return err
	}
	if f.asJSON {
		// The report as the API wrote it: one line, unlike the other
		// verbs' indented --json (kept so scripts see no change).
		fmt.Fprintln(e.stdout, string(raw))
	}
	var rep reconcileReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		return errors.New("afstemningens rapport fra operatør-API'et har ikke den forventede form")
	}
	if !f.asJSON {
		printReconcile(e.stdout, rep)
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("afstemningen sluttede med %d fejl: %s", len(rep.Errors), strings.Join(rep.Errors, "; "))
	}
	return nil
}

func printReconcile(w io.Writer, rep reconcileReport) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLAGS\tI GANG\tAFSLUTTET\tNØGLER\tMANGLEDE\tOVERSKYDENDE\tÆNDREDE\tNOTE")
	for _, k := range rep.Kinds {
		closed := 0
		for st, n := range k.Runs {
			if st != "running" {
				closed += n
			}
		}
		keys, miss, extra, changed := "-", "-", "-", "-"
		if k.Reconciled {
			keys, miss, extra, changed = fmt.Sprint(k.Keys), fmt.Sprint(k.Drift.Missing), fmt.Sprint(k.Drift.Extra), fmt.Sprint(k.Drift.Changed)
		}
		note := k.Error
		switch {
		case note == "" && k.Unreadable > 0:
			note = fmt.Sprintf("%d kørsel(er) kunne ikke læses og blev sprunget over (se workerens log og --json)", k.Unreadable)
		case note == "" && !k.Reconciled:
			note = "kørsler talt; ingen læsemodel registreret"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", k.Kind, k.Runs["running"], closed, keys, miss, extra, changed, note)
	}
	tw.Flush()
	fmt.Fprintf(w, "afvigelser rettet: %d nøgle(r); %d tidsplan(er) aflæst; %s s\n", rep.Drift, len(rep.Schedules), danish.FormatNumber(rep.DurationSeconds, 1))
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
