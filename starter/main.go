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
