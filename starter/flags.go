package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// verbFlags is one verb's command line: a flag.FlagSet that prints nothing
// itself (the verb's errors go through run, with exit code 2), the verb's
// usage line, and --json where the verb offers it.
type verbFlags struct {
	*flag.FlagSet
	usage  string // e.g. "cases [--stage S] [--area A] [--json]"
	asJSON bool
}

// newFlags starts the flag set of the verb name; usage is the line a wrong
// command line is answered with.
func newFlags(name, usage string) *verbFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &verbFlags{FlagSet: fs, usage: usage}
}

// withJSON adds --json: print JSON for scripts instead of a table.
func (f *verbFlags) withJSON() *verbFlags {
	f.BoolVar(&f.asJSON, "json", false, "print JSON instead of a table")
	return f
}

// parse reads flags and positional arguments in any order ("start KIND
// --input F" and "start --input F KIND" alike) and returns the positional
// ones, of which there must be n (any number when n < 0). A flag the verb
// does not take, one without its value, or another number of arguments is
// a usage error.
func (f *verbFlags) parse(args []string, n int) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			return nil, usageError("%s: %s (brug: %s)", f.Name(), flagProblem(err), f.usage)
		}
		rest := f.Args()
		if len(rest) == 0 {
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	if n >= 0 && len(pos) != n {
		return nil, f.usageErr()
	}
	return pos, nil
}

// usageErr is the usage error (exit 2): "brug: " and the usage line.
func (f *verbFlags) usageErr() error { return usageError("brug: %s", f.usage) }

// flagProblem says in Danish what package flag found wrong (its own
// messages are English): "flag provided but not defined: -x", "flag needs
// an argument: -x", `invalid value "y" for flag -x: …`.
func flagProblem(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "ukendt flag " + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flaget " + name + " mangler sin værdi"
	}
	if _, rest, ok := strings.Cut(msg, " for flag "); ok {
		name, _, _ := strings.Cut(rest, ":")
		return "ugyldig værdi for flaget " + name
	}
	return "forkert kommandolinje"
}

// given reports whether the command line set the flag name (even to "").
func (f *verbFlags) given(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// callAPI sends an operator API request and decodes its JSON answer into
// out; with --json it first prints the answer on stdout, as it came.
func (f *verbFlags) callAPI(ctx context.Context, e *env, method, path, contentType string, body io.Reader, out any) error {
	var raw json.RawMessage
	if err := apiCall(ctx, e, method, path, contentType, body, &raw); err != nil {
		return err
	}
	if f.asJSON {
		if err := printJSON(e.stdout, raw); err != nil {
			return err
		}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return errors.New("operatør-API'ets svar har ikke den forventede form")
	}
	return nil
}

// printJSON prints v as indented JSON and a newline: an API answer
// (json.RawMessage) as it came, anything else as encoding/json writes it.
func printJSON(w io.Writer, v any) error {
	if raw, ok := v.(json.RawMessage); ok {
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return errors.New("operatør-API'ets svar er ikke gyldig JSON")
		}
		_, err := fmt.Fprintln(w, buf.String())
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// query is the encoded URL query of key, value pairs, leaving out empty
// values (an empty filter means "all").
func query(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q.Encode()
}
