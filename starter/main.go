// Command starter is the operators' CLI. `starter help` lists its verbs.
// Exit codes: 0 success, 1 the request failed (bad plan, refused run),
// 2 the command line itself was wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// exitError carries the exit code a verb wants.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// verb is one CLI command; name may have two words ("plan validate").
type verb struct {
	name  string
	args  string
	help  string
	run   func(ctx context.Context, env *env, args []string) error
	group string
}

// env is what verbs read and write; tests swap the streams.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func verbs() []verb {
	return []verb{
		{name: "plan validate", args: "FILE", group: "plan", run: planValidate,
			help: "check a plan file; prints every problem with its YAML path and line"},
		{name: "plan show", args: "[--json] [FILE|ID]", group: "plan", run: planShow,
			help: "summarise a plan (default: PLAN_FILE, or the embedded plan for today)"},
		{name: "plan list", group: "plan", run: planList,
			help: "list the embedded plans and their periods"},
		{name: "schedules sync", args: "[FILE|ID]", group: "schedules", run: schedulesSync,
			help: "create or update the plan's Temporal Schedules (a second sync changes nothing)"},
		{name: "schedules list", group: "schedules", run: schedulesList,
			help: "list helhed's schedules: state, next and last fire"},
		{name: "schedules trigger", args: "ID|CYCLE", group: "schedules", run: schedulesTrigger(),
			help: "fire a schedule now (starts what is due, if not already started)"},
		{name: "schedules pause", args: "ID|CYCLE [--note TEXT]", group: "schedules", run: schedulesPause(true),
			help: "pause a schedule (a sync keeps it paused)"},
		{name: "schedules unpause", args: "ID|CYCLE [--note TEXT]", group: "schedules", run: schedulesPause(false),
			help: "let a paused schedule fire again"},
		{name: "schedules backfill", args: "ID|CYCLE FROM TO", group: "schedules", run: schedulesBackfill(),
			help: "fire for every time in [FROM, TO] (yyyy-mm-dd or RFC 3339)"},
		{name: "start", args: "KIND --input FILE|- [--json]", group: "runs", run: runStart,
			help: "start a run of KIND with a JSON input (exit 3: a run with the same key is open)"},
		{name: "runs", args: "[--kind K] [--status S] [--limit N] [--json]", group: "runs", run: runList,
			help: "list runs with stage and next deadline (status: running, completed, failed, canceled, ...)"},
		{name: "describe", args: "ID [--json]", group: "runs", run: runDescribe,
			help: "one run: stage, next deadline, open tasks, the Updates it takes now"},
		{name: "update", args: "ID NAME --input FILE|- [--json]", group: "runs", run: runUpdate,
			help: "send the run's Update NAME with a JSON argument (e.g. move a meeting)"},
		{name: "cancel", args: "ID --reason R [--json]", group: "runs", run: runCancel,
			help: "cancel a run, recording the reason"},
		{name: "kinds", args: "[--json]", group: "runs", run: runKinds,
			help: "the kinds you can start, their input fields and Updates"},
		{name: "import arrears", args: "FILE.csv [--date yyyy-mm-dd] [--json]", group: "cases", run: importArrears,
			help: "import an arrears list (rykkerliste): one eviction-prevention case per tenancy (POST /api/v1/arrears)"},
		{name: "cases", args: "[--stage S] [--area A] [--json]", group: "cases", run: casesList,
			help: "list eviction-prevention cases (pseudonymous) with counts per stage and area (GET /api/v1/cases)"},
		{name: "tasks", args: "[--partner P] [--status open|overdue|done|cancelled] [--overdue] [--json]", group: "tasks", run: tasksList,
			help: "list partner data-request tasks from the read model (GET /api/v1/tasks)"},
		{name: "task submit", args: "REQUEST-ID (--values FILE.json | --csv FILE.csv)", group: "tasks", run: taskSubmit,
			help: "answer a data request for a partner (values as a JSON object, or a CSV table; - reads stdin)"},
		{name: "tokens issue", args: "PARTNER", group: "tasks", run: tokensVerb("issue"),
			help: "print the partner's portal link, issuing one if it has none"},
		{name: "tokens rotate", args: "PARTNER", group: "tasks", run: tokensVerb("rotate"),
			help: "replace the partner's portal link; the old one stops working"},
		{name: "tokens revoke", args: "PARTNER", group: "tasks", run: tokensVerb("revoke"),
			help: "end the partner's portal link"},
		{name: "reconcile", args: "[--kind K]... [--no-wait] [--json]", group: "read model", run: reconcile,
			help: "rebuild the Redis read model from Temporal now and print the drift found (POST /api/v1/reconcile)"},
	}
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := run(ctx, e, os.Args[1:])
	cancel()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	v, rest, ok := findVerb(args)
	if !ok {
		fmt.Fprintf(e.stderr, "starter: unknown command %q; `starter help` lists the commands\n", strings.Join(args, " "))
		return 2
	}
	if err := v.run(ctx, e, rest); err != nil {
		fmt.Fprintln(e.stderr, "starter:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

func findVerb(args []string) (verb, []string, bool) {
	for _, v := range verbs() {
		words := strings.Fields(v.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == v.name {
			return v, args[len(words):], true
		}
	}
	return verb{}, nil, false
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "starter — operate helhed from the command line")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: go run ./starter <command> [arguments]")
	fmt.Fprintln(w)
	vs := verbs()
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].group < vs[j].group })
	for _, v := range vs {
		fmt.Fprintf(w, "  %-40s %s\n", strings.TrimSpace(v.name+" "+v.args), v.help)
	}
	fmt.Fprintln(w, "  help                                     this list")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 the request failed, 2 bad command line.")
	fmt.Fprintln(w, "Settings come from the environment (see README: Configuration).")
}
