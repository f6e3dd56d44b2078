package main

// The run verbs: start, runs, describe, update, cancel, kinds. They call
// Temporal directly through the run layer (package runs) with the same
// kinds, checks and error meanings as the operator API, so a script gets
// the same answers either way. The kinds come from app.Capabilities, the
// same list the workers wire; the embedded server is never linked.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"helhed/config"
	"helhed/runs"
	"helhed/tclient"
)

// Exit codes of a refused start: a run with the same business key is
// open, or the key's run has closed and the kind does not run a key again.
const (
	exitAlreadyRunning = 3
	exitKeyUsed        = 4
)

// runner dials Temporal with the environment's settings: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, PAYLOAD_KEY (or, on a dev machine, the key
// `workers -dev` keeps in $DATA_DIR/payload.key), PAYLOAD_KEYS_OLD and the
// plan (PLAN_FILE, or the embedded plan for today).
func runner(ctx context.Context, e *env) (*runs.Runner, func(), error) {
	cfg, err := temporalConfig(e)
	if err != nil {
		return nil, nil, err
	}
	p, err := resolvePlan(e, "")
	if err != nil {
		return nil, nil, fmt.Errorf("planen kunne ikke indlæses: %w", err)
	}
	reg, err := kindRegistry(cfg, p)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := tclient.Dial(ctx, cfg, cfg.TemporalAddress, nil, log)
	if err != nil {
		return nil, nil, notAnswering(cfg)
	}
	return &runs.Runner{Client: c, Plan: p, Kinds: reg}, c.Close, nil
}

// withRunner dials, runs f and maps its error to an exit code; with --json
// the error is also printed as JSON on stdout, as the API would answer.
func withRunner(ctx context.Context, e *env, asJSON bool, f func(*runs.Runner) (any, func(io.Writer) error, error)) error {
	rn, closeFn, err := runner(ctx, e)
	if err != nil {
		return err
	}
	defer closeFn()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, human, err := f(rn)
	if err != nil {
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
	return withRunner(ctx, e, f.asJSON, func(rn *runs.Runner) (any, func(io.Writer) error, error) {
		s, err := rn.Start(ctx, pos[0], input)
		return s, func(w io.Writer) error {
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
	return withRunner(ctx, e, f.asJSON, func(rn *runs.Runner) (any, func(io.Writer) error, error) {
		list, err := rn.List(ctx, runs.Filter{Kind: *kind, Status: *status, Limit: *limit})
		if list == nil {
			list = []runs.Summary{}
		}
		return map[string]any{"runs": list}, func(w io.Writer) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SLAGS\tID\tSTATUS\tFASE\tNÆSTE FRIST\tSTARTET")
			for _, s := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Kind, s.WorkflowID, s.Status, dash(s.Stage),
					localTime(rn, s.DueAt), localTime(rn, &s.StartedAt))
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
	return withRunner(ctx, e, f.asJSON, func(rn *runs.Runner) (any, func(io.Writer) error, error) {
		d, err := rn.Describe(ctx, pos[0])
		return d, func(w io.Writer) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "kørsel\t%s (kørsels-id %s)\nslags\t%s\nstatus\t%s\nfase\t%s\nnæste frist\t%s\nstartet\t%s\n",
				d.WorkflowID, d.RunID, d.Kind, d.Status, dash(strings.TrimSpace(d.Stage+" "+paren(d.StageTitle))),
				localTime(rn, d.DueAt), localTime(rn, &d.StartedAt))
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
	id, name := pos[0], pos[1]
	return withRunner(ctx, e, f.asJSON, func(rn *runs.Runner) (any, func(io.Writer) error, error) {
		res, err := rn.Update(ctx, id, name, arg)
		out := map[string]any{"workflowId": id, "update": name, "result": res}
		return out, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s: %s er udført %s\n", id, name, strings.TrimSpace(string(res)))
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
	return withRunner(ctx, e, f.asJSON, func(rn *runs.Runner) (any, func(io.Writer) error, error) {
		c, err := rn.Cancel(ctx, pos[0], *reason)
		return c, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s: annulleringen er sendt (%s)\n", c.WorkflowID, c.Via)
			return err
		}, err
	})
}

// runKinds lists the kinds without dialing Temporal: it needs only the
// plan, for the choices and examples.
func runKinds(_ context.Context, e *env, args []string) error {
	f := newFlags("kinds", "kinds [--json] [--example KIND]").withJSON()
	example := f.String("example", "", "print a ready input for KIND")
	if _, err := f.parse(args, 0); err != nil {
		return err
	}
	p, err := resolvePlan(e, "")
	if err != nil {
		return fmt.Errorf("planen kunne ikke indlæses: %w", err)
	}
	reg, err := kindRegistry(&config.Config{}, p)
	if err != nil {
		return err
	}
	if f.given("example") {
		k, ok := reg.Lookup(*example)
		if !ok {
			return usageError("ukendt slags kørsel %q; kendte: %s", *example, strings.Join(reg.Names(), ", "))
		}
		if k.Example == nil {
			return fmt.Errorf("slagen %s har intet eksempel på input", k.Name)
		}
		return printJSON(e.stdout, k.Example(p))
	}
	info := reg.Info(p)
	if f.asJSON {
		return printJSON(e.stdout, map[string]any{"kinds": info})
	}
	for _, k := range info {
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
		if k.Example != nil {
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

func localTime(rn *runs.Runner, t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.In(rn.Plan.Location()).Format(danishTime)
}
