// Command starter is the operators' CLI. `starter help` lists its verbs.
// Exit codes: 0 success, 1 the request failed (bad plan, refused run),
// 2 the command line itself was wrong, 3 a start whose key has an open
// run, 4 a start whose key's run has closed and the kind does not run a
// key again.
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

	"golang.org/x/oauth2"

	"helhed/runs"
)

// exitError carries the exit code a verb wants.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

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
	// scriptTokens is the client credentials token source, once made.
	scriptTokens oauth2.TokenSource
}

func verbs() []verb {
	return []verb{
		{name: "plan validate", args: "FILE", group: "plan", run: planValidate,
			help: "tjek en planfil; viser hvert problem med YAML-sti og linje"},
		{name: "plan show", args: "[--json] [FILE|ID]", group: "plan", run: planShow,
			help: "sammenfat en plan (standard: PLAN_FILE eller den indbyggede plan for i dag)"},
		{name: "plan simulate", args: "[--json] FILE|ID", group: "plan", run: planSimulate,
			help: "kør planperioden på en tidsforkortet testmotor og vis pr. måned møder, dataanmodninger, påmindelser og dokumenter"},
		{name: "plan list", group: "plan", run: planList,
			help: "vis de indbyggede planer og deres perioder"},
		{name: "schedules sync", group: "schedules", run: schedulesSync,
			help: "opret eller opdatér tidsplanerne for den plan, workers kører med (en synkronisering mere ændrer intet)"},
		{name: "schedules list", group: "schedules", run: schedulesList,
			help: "vis helheds tidsplaner: tilstand, næste og seneste udløsning"},
		{name: "schedules trigger", args: "ID|CYCLE", group: "schedules", run: schedulesTrigger(),
			help: "udløs en tidsplan nu (starter det, der forfalder, hvis det ikke allerede er startet)"},
		{name: "schedules pause", args: "ID|CYCLE [--note TEXT]", group: "schedules", run: schedulesPause(true),
			help: "sæt en tidsplan på pause (en synkronisering lader den blive på pause)"},
		{name: "schedules unpause", args: "ID|CYCLE [--note TEXT]", group: "schedules", run: schedulesPause(false),
			help: "lad en tidsplan på pause udløse igen"},
		{name: "schedules backfill", args: "ID|CYCLE FROM TO", group: "schedules", run: schedulesBackfill(),
			help: "udløs for hvert tidspunkt i [FROM, TO] (åååå-mm-dd eller RFC 3339)"},
		{name: "start", args: "KIND --input FILE|- [--json]", group: "runs", run: runStart,
			help: "start en kørsel af KIND med et JSON-input (afslutningskode 3: en kørsel med samme nøgle er i gang)"},
		{name: "runs", args: "[--kind K] [--status S] [--limit N] [--json]", group: "runs", run: runList,
			help: "vis kørsler med fase og næste frist (status: running, completed, failed, canceled, …)"},
		{name: "describe", args: "ID [--json]", group: "runs", run: runDescribe,
			help: "én kørsel: fase, næste frist, åbne opgaver og de handlinger (Updates), den tager imod nu"},
		{name: "update", args: "ID NAME --input FILE|- [--json]", group: "runs", run: runUpdate,
			help: "send kørslens handling (Update) NAME med et JSON-argument (fx flyt et møde)"},
		{name: "cancel", args: "ID --reason R [--json]", group: "runs", run: runCancel,
			help: "annullér en kørsel og gem begrundelsen"},
		{name: "kinds", args: "[--json] [--example KIND]", group: "runs", run: runKinds,
			help: "de slags kørsler, du kan starte, deres inputfelter og handlinger (Updates); --example KIND viser et færdigt input"},
		{name: "import arrears", args: "FILE.csv [--date yyyy-mm-dd] [--json]", group: "cases", run: importArrears,
			help: "importér en restanceliste (rykkerliste): én sag om forebyggelse af udsættelse pr. lejemål (POST /api/v1/arrears)"},
		{name: "cases", args: "[--stage S] [--area A] [--organisation O] [--json]", group: "cases", run: casesList,
			help: "vis sager om forebyggelse af udsættelse (pseudonymiseret) med antal pr. fase og boligområde (GET /api/v1/cases)"},
		{name: "tasks", args: "[--partner P] [--status open|overdue|done|cancelled] [--overdue] [--json]", group: "tasks", run: tasksList,
			help: "vis partneres dataanmodninger fra læsemodellen (GET /api/v1/tasks)"},
		{name: "task submit", args: "REQUEST-ID (--values FILE.json | --csv FILE.csv)", group: "tasks", run: taskSubmit,
			help: "besvar en dataanmodning for en partner (værdier som et JSON-objekt eller en CSV-tabel; - læser stdin)"},
		{name: "tokens issue", args: "PARTNER", group: "tasks", run: tokensVerb("issue"),
			help: "vis partnerens portallink, og udsted et, hvis partneren ikke har et"},
		{name: "tokens rotate", args: "PARTNER", group: "tasks", run: tokensVerb("rotate"),
			help: "erstat partnerens portallink; det gamle holder op med at virke"},
		{name: "tokens revoke", args: "PARTNER", group: "tasks", run: tokensVerb("revoke"),
			help: "luk partnerens portallink"},
		{name: "demo", group: "demo", run: demoVerb,
			help: "kør et syntetisk planår mod en kørende workers -dev (sager, opgaver, mødeforløb, fravær, årsrapport, krise); en kørsel mere tilføjer intet"},
		{name: "login", group: "login", run: loginVerb,
			help: "log ind hos kommunens login med en kode i browseren (OIDC_ISSUER, OIDC_CLI_CLIENT_ID); nøglen gemmes til de næste kommandoer"},
		{name: "logout", group: "login", run: logoutVerb,
			help: "slet den nøgle, login gemte"},
		{name: "reconcile", args: "[--kind K]... [--no-wait] [--json]", group: "read model", run: reconcile,
			help: "genopbyg læsemodellen i Redis fra Temporal nu, og vis de fundne afvigelser (POST /api/v1/reconcile)"},
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
		fmt.Fprintf(e.stderr, "starter: ukendt kommando %q; `starter help` viser kommandoerne\n", strings.Join(args, " "))
		return 2
	}
	if err := v.run(ctx, e, rest); err != nil {
		fmt.Fprintln(e.stderr, "starter:", runs.Message(err))
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
	fmt.Fprintln(w, "starter — styr helhed fra kommandolinjen")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Brug: go run ./starter <kommando> [argumenter]")
	fmt.Fprintln(w)
	vs := verbs()
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].group < vs[j].group })
	for _, v := range vs {
		fmt.Fprintf(w, "  %-40s %s\n", strings.TrimSpace(v.name+" "+v.args), v.help)
	}
	fmt.Fprintln(w, "  help                                     denne liste")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Afslutningskoder: 0 ok, 1 forespørgslen mislykkedes, 2 forkert kommandolinje.")
	fmt.Fprintln(w, "Indstillingerne læses fra miljøet (se README: Configuration). Kommandoer, der når workers,")
	fmt.Fprintln(w, "går gennem operatør-API'et (HELHED_URL) med din nøgle fra `starter login` (eller OPERATOR_TOKEN,")
	fmt.Fprintln(w, "eller et scripts HELHED_CLIENT_ID og HELHED_CLIENT_SECRET); starteren bruger aldrig PAYLOAD_KEY.")
}
