package main

// The schedule verbs call the operator API (GET /api/v1/schedules, POST
// /api/v1/schedules/{id}/pause|unpause|trigger|backfill, POST
// /api/v1/schedules/sync), like every verb that reaches the workers: the
// operator's machine needs neither Temporal access nor the payload key.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"helhed/plan"
	"helhed/schedules/schedulepages"
)

// devKept reads what `workers -dev` keeps in $DATA_DIR/file, for when the
// setting is not in the environment.
func devKept(e *env, setting, file string) (string, error) {
	dataDir := orDefault(e.getenv("DATA_DIR"), "./data")
	b, err := os.ReadFile(filepath.Join(dataDir, file))
	if err != nil || strings.TrimSpace(string(b)) == "" {
		return "", usageError("%s er ikke sat, og %s/%s kan ikke læses (sæt %s, eller sæt DATA_DIR til den mappe, workers -dev kører i)", setting, dataDir, file, setting)
	}
	return strings.TrimSpace(string(b)), nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// schedulesSync makes Temporal hold the plan the workers run (their
// PLAN_FILE): the plan is theirs, not the operator's machine's.
func schedulesSync(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: schedules sync (tidsplanerne synkroniseres med den plan, workers kører med)")
	}
	var res struct {
		Plan    string                     `json:"plan"`
		Changes []schedulepages.SyncChange `json:"changes"`
	}
	if _, err := callJSON(ctx, e, "POST", "/api/v1/schedules/sync", struct{}{}, &res); err != nil {
		return err // the API's message says the sync failed
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIDSPLAN\tRESULTAT\tAFVIGELSER")
	for _, ch := range res.Changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.ID, ch.Outcome, strings.Join(ch.Differs, ","))
	}
	return tw.Flush()
}

func schedulesList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: schedules list")
	}
	var res struct {
		Schedules []schedulepages.Schedule `json:"schedules"`
	}
	if _, err := callJSON(ctx, e, "GET", "/api/v1/schedules", nil, &res); err != nil {
		return err
	}
	loc := (&plan.Plan{}).Location() // the default zone, Europe/Copenhagen
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIDSPLAN\tTILSTAND\tNÆSTE\tSENESTE\tNOTE")
	for _, l := range res.Schedules {
		state, next, last := "aktiv", "–", "–"
		if l.Paused {
			state = "på pause"
		}
		if len(l.Next) > 0 {
			next = l.Next[0].In(loc).Format(danishTime)
		}
		if n := len(l.Recent); n > 0 {
			last = l.Recent[n-1].In(loc).Format(danishTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.ID, state, next, last, l.Note)
	}
	return tw.Flush()
}

// scheduleVerb posts body(rest) to /api/v1/schedules/{ID|CYCLE}/action
// (the workers resolve a cycle name against their plan) and says it is
// done; usage is the verb's usage line.
func scheduleVerb(usage, action, done string, body func(rest []string) (any, error), minArgs, maxArgs int) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) < minArgs || len(args) > maxArgs {
			return usageError("brug: %s", usage)
		}
		b, err := body(args[1:])
		if err != nil {
			return err
		}
		var res struct {
			ID string `json:"id"`
		}
		if _, err := callJSON(ctx, e, "POST", "/api/v1/schedules/"+url.PathEscape(args[0])+"/"+action, b, &res); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", res.ID, done)
		return nil
	}
}

func schedulesTrigger() func(context.Context, *env, []string) error {
	return scheduleVerb("schedules trigger ID|CYCLE", "trigger", "udløst", func([]string) (any, error) { return struct{}{}, nil }, 1, 1)
}

func schedulesPause(pause bool) func(context.Context, *env, []string) error {
	usage, action, done, note := "schedules pause ID|CYCLE [--note TEXT]", "pause", "sat på pause", "sat på pause med starter"
	if !pause {
		usage, action, done, note = "schedules unpause ID|CYCLE [--note TEXT]", "unpause", "genoptaget", "genoptaget med starter"
	}
	return scheduleVerb(usage, action, done, func(rest []string) (any, error) {
		f := newFlags("schedules", usage)
		f.StringVar(&note, "note", note, "why, shown with the schedule")
		if _, err := f.parse(rest, 0); err != nil {
			return nil, err
		}
		return map[string]string{"note": note}, nil
	}, 1, 3)
}

func schedulesBackfill() func(context.Context, *env, []string) error {
	return scheduleVerb("schedules backfill ID|CYCLE FROM TO", "backfill", "udløst for perioden", func(rest []string) (any, error) {
		from, err := parseWhen(rest[0])
		if err != nil {
			return nil, usageError("FROM: %v", err)
		}
		to, err := parseWhen(rest[1])
		if err != nil {
			return nil, usageError("TO: %v", err)
		}
		if !to.After(from) {
			return nil, usageError("TO (%s) ligger ikke efter FROM (%s)", rest[1], rest[0])
		}
		return schedulepages.BackfillRequest{From: from, To: to}, nil
	}, 3, 3)
}

// parseWhen reads yyyy-mm-dd (midnight, Europe/Copenhagen) or RFC 3339.
func parseWhen(s string) (time.Time, error) {
	if d, err := plan.ParseDate(s); err == nil {
		return d.In((&plan.Plan{}).Location()), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q er hverken en dato (åååå-mm-dd) eller et RFC 3339-tidspunkt", s)
	}
	return t, nil
}
