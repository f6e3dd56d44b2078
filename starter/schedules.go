package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/client"

	"helhed/app"
	"helhed/capability"
	"helhed/config"
	"helhed/plan"
	"helhed/schedules"
	"helhed/tclient"
)

// temporalConfig is the light configuration the schedule verbs need: they
// talk to Temporal directly, so only TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE
// and the payload key(s) matter. PAYLOAD_KEY may be left unset on a dev
// machine: the key `workers -dev` keeps in $DATA_DIR/payload.key is used.
func temporalConfig(e *env) (*config.Config, error) {
	cfg := &config.Config{
		TemporalAddress:   orDefault(e.getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		TemporalNamespace: orDefault(e.getenv("TEMPORAL_NAMESPACE"), "default"),
		PayloadKey:        e.getenv("PAYLOAD_KEY"),
		DataDir:           orDefault(e.getenv("DATA_DIR"), "./data"),
	}
	if old := e.getenv("PAYLOAD_KEYS_OLD"); old != "" {
		cfg.PayloadKeysOld = strings.Split(old, ",")
	}
	if cfg.PayloadKey == "" {
		key, err := devKept(e, "PAYLOAD_KEY", config.PayloadKeyFile)
		if err != nil {
			return nil, err
		}
		cfg.PayloadKey = key
	}
	if _, err := cfg.PayloadKeys(); err != nil {
		return nil, usageError("PAYLOAD_KEY er ugyldig: %v", err)
	}
	return cfg, nil
}

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

// dialTemporal connects with helhed's codec; the SDK's logging is off so
// that the CLI prints only its own lines.
func dialTemporal(ctx context.Context, e *env) (client.Client, *config.Config, error) {
	cfg, err := temporalConfig(e)
	if err != nil {
		return nil, nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := tclient.Dial(ctx, cfg, cfg.TemporalAddress, nil, quiet)
	if err != nil {
		return nil, nil, notAnswering(cfg)
	}
	return c, cfg, nil
}

// notAnswering is the error when Temporal cannot be reached: which server,
// and which settings choose it.
func notAnswering(cfg *config.Config) error {
	return fmt.Errorf("Temporal på %s (navnerum %s) svarer ikke; tjek TEMPORAL_ADDRESS og TEMPORAL_NAMESPACE", cfg.TemporalAddress, cfg.TemporalNamespace)
}

func schedulesSync(ctx context.Context, e *env, args []string) error {
	if len(args) > 1 {
		return usageError("brug: schedules sync [FILE|ID]")
	}
	var arg string
	if len(args) == 1 {
		arg = args[0]
	}
	p, err := resolvePlan(e, arg)
	if err != nil {
		return err
	}
	c, cfg, err := dialTemporal(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	caps, err := app.Capabilities(capability.Deps{Config: cfg, Plan: p})
	if err != nil {
		return err
	}
	s, err := app.NewSyncer(cfg, c, caps, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	changes, err := s.Sync(ctx, p)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIDSPLAN\tRESULTAT\tAFVIGELSER")
	for _, ch := range changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.ID, ch.Outcome, strings.Join(ch.Differs, ","))
	}
	tw.Flush()
	if err != nil {
		return fmt.Errorf("tidsplanerne kunne ikke synkroniseres: %w", err)
	}
	return nil
}

func schedulesList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: schedules list")
	}
	c, _, err := dialTemporal(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	ls, err := schedules.List(ctx, c)
	if err != nil {
		return err
	}
	loc := (&plan.Plan{}).Location() // the default zone, Europe/Copenhagen
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIDSPLAN\tTILSTAND\tNÆSTE\tSENESTE\tNOTE")
	for _, l := range ls {
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

// scheduleID resolves a full ID or a cycle name against the plan.
func scheduleID(e *env, arg string) (string, error) {
	if strings.HasPrefix(arg, schedules.Prefix) {
		return arg, nil
	}
	p, err := resolvePlan(e, "")
	if err != nil {
		return "", err
	}
	return schedules.Resolve(p.ID, arg), nil
}

// scheduleVerb runs op on one schedule named by the first argument and
// says it is done; usage is the verb's usage line.
func scheduleVerb(usage, done string, op func(ctx context.Context, c client.Client, id string, rest []string) error, minArgs, maxArgs int) func(context.Context, *env, []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) < minArgs || len(args) > maxArgs {
			return usageError("brug: %s", usage)
		}
		id, err := scheduleID(e, args[0])
		if err != nil {
			return err
		}
		c, _, err := dialTemporal(ctx, e)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := op(ctx, c, id, args[1:]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", id, done)
		return nil
	}
}

func schedulesTrigger() func(context.Context, *env, []string) error {
	return scheduleVerb("schedules trigger ID|CYCLE", "udløst", func(ctx context.Context, c client.Client, id string, _ []string) error {
		return schedules.Trigger(ctx, c, id)
	}, 1, 1)
}

func schedulesPause(pause bool) func(context.Context, *env, []string) error {
	usage, done := "schedules pause ID|CYCLE [--note TEXT]", "sat på pause"
	if !pause {
		usage, done = "schedules unpause ID|CYCLE [--note TEXT]", "genoptaget"
	}
	return scheduleVerb(usage, done, func(ctx context.Context, c client.Client, id string, rest []string) error {
		note := "sat på pause med starter"
		if !pause {
			note = "genoptaget med starter"
		}
		f := newFlags("schedules", usage)
		f.StringVar(&note, "note", note, "why, shown with the schedule")
		if _, err := f.parse(rest, 0); err != nil {
			return err
		}
		if pause {
			return schedules.Pause(ctx, c, id, note)
		}
		return schedules.Unpause(ctx, c, id, note)
	}, 1, 3)
}

func schedulesBackfill() func(context.Context, *env, []string) error {
	return scheduleVerb("schedules backfill ID|CYCLE FROM TO", "udløst for perioden", func(ctx context.Context, c client.Client, id string, rest []string) error {
		from, err := parseWhen(rest[0])
		if err != nil {
			return usageError("FROM: %v", err)
		}
		to, err := parseWhen(rest[1])
		if err != nil {
			return usageError("TO: %v", err)
		}
		return schedules.Backfill(ctx, c, id, from, to)
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
