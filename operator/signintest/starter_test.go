package signintest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"helhed/internal/testoidc"
	"helhed/workflows/crisis"
)

// starterCLI runs the starter binary with only the environment it is
// given (no OPERATOR_TOKEN, an empty DATA_DIR, its own config dir).
type starterCLI struct {
	bin       string
	env       map[string]string
	tokenFile string
}

func newStarterCLI(t *testing.T) *starterCLI {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "starter")
	if out, err := exec.Command("go", "build", "-o", bin, "helhed/starter").CombinedOutput(); err != nil {
		t.Fatalf("build the starter: %v\n%s", err, out)
	}
	config := filepath.Join(dir, "config")
	return &starterCLI{bin: bin, tokenFile: filepath.Join(config, "helhed", "token.json"), env: map[string]string{
		"HELHED_URL":         base,
		"OIDC_ISSUER":        provider.Issuer,
		"OIDC_CLI_CLIENT_ID": provider.CLIClientID,
		"XDG_CONFIG_HOME":    config,
		"HOME":               dir,
		"DATA_DIR":           filepath.Join(dir, "data"),
		"PATH":               os.Getenv("PATH"),
	}}
}

func (c *starterCLI) command(ctx context.Context, extra map[string]string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range extra {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// run runs the starter to its end: exit code, stdout, stderr.
func (c *starterCLI) run(t *testing.T, extra map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := c.command(ctx, extra, args...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("starter %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

var userCodeLine = regexp.MustCompile(`indtast koden (\S+)`)

// login runs `starter login` and approves its code at the provider's
// pages as u would (allow false: denies it).
func (c *starterCLI) login(t *testing.T, username, password string, allow bool) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := c.command(ctx, nil, "login")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lines := bufio.NewScanner(stdout)
	approved := false
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if m := userCodeLine.FindStringSubmatch(lines.Text()); m != nil && !approved {
			approved = true
			if err := provider.ApproveDevice(ctx, m[1], username, password, allow); err != nil {
				t.Errorf("approve the device code: %v", err)
				_ = cmd.Process.Kill()
			}
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("starter login: %v", err)
	}
	if !approved {
		t.Fatalf("starter login printed no user code:\n%s%s", out.String(), errOut.String())
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// kept reads the token file as JSON.
func (c *starterCLI) kept(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(c.tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	var k map[string]any
	if err := json.Unmarshal(raw, &k); err != nil {
		t.Fatal(err)
	}
	return k
}

func (c *starterCLI) keep(t *testing.T, k map[string]any) {
	t.Helper()
	raw, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.tokenFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func token(k map[string]any) map[string]any { m, _ := k["token"].(map[string]any); return m }

// TestStarterLogin: a person logs in with `starter login` (the device
// grant, approved at the provider's pages), the starter's verbs then act
// as that person (a crisis started from the CLI records the name), an
// expired token is refreshed, a refused refresh and a foreign issuer's
// token say what to do, logout forgets the token, and OPERATOR_TOKEN
// still wins.
func TestStarterLogin(t *testing.T) {
	cli := newStarterCLI(t)

	code, out, errOut := cli.login(t, krise.Username, krise.Password, true)
	if code != 0 || !strings.Contains(out, "Logget ind som Kim Krise") {
		t.Fatalf("login: exit %d\n%s%s", code, out, errOut)
	}
	if fi, err := os.Stat(cli.tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v, want 0600", err, fi.Mode())
	}
	k := cli.kept(t)
	if token(k)["refresh_token"] == "" || k["api"] != base {
		t.Fatalf("kept token lacks a refresh token or its API: %v", k)
	}

	if code, out, errOut := cli.run(t, nil, "runs"); code != 0 {
		t.Fatalf("runs: exit %d\n%s%s", code, out, errOut)
	}
	// A decision from the CLI carries the person.
	input := filepath.Join(t.TempDir(), "crisis.json")
	raw, err := json.Marshal(crisisInput(t, "cli-login"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cli.run(t, nil, "start", crisis.Kind, "--input", input, "--json")
	var started struct {
		WorkflowID string `json:"workflowId"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &started) != nil || started.WorkflowID == "" {
		t.Fatalf("start a crisis: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cli.run(t, nil, "describe", started.WorkflowID, "--json")
	var compact bytes.Buffer
	if code != 0 || json.Compact(&compact, []byte(out)) != nil || !strings.Contains(compact.String(), `"actor":{"subject":"u-krise","name":"Kim Krise"}`) {
		t.Fatalf("describe does not show the person who started the crisis: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := cli.run(t, nil, "cancel", started.WorkflowID, "--reason", "test slut"); code != 0 {
		t.Fatalf("cancel: exit %d\n%s%s", code, out, errOut)
	}

	// An expired token is refreshed, and the new one kept.
	before := cli.kept(t)
	expire := func(k map[string]any) map[string]any {
		token(k)["expiry"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
		return k
	}
	cli.keep(t, expire(cli.kept(t)))
	if code, out, errOut := cli.run(t, nil, "runs"); code != 0 {
		t.Fatalf("runs with an expired token: exit %d\n%s%s", code, out, errOut)
	}
	after := cli.kept(t)
	if token(after)["access_token"] == token(before)["access_token"] || token(after)["refresh_token"] == token(before)["refresh_token"] {
		t.Fatalf("the expired token was not refreshed and kept: before %v after %v", token(before), token(after))
	}
	if exp, err := time.Parse(time.RFC3339, token(after)["expiry"].(string)); err != nil || !exp.After(time.Now()) {
		t.Fatalf("refreshed token's expiry %v: %v", token(after)["expiry"], err)
	}

	// A refresh the provider refuses (the refresh token was rotated away)
	// says to log in again.
	cli.keep(t, expire(before))
	code, _, errOut = cli.run(t, nil, "runs")
	if code != 1 || !strings.Contains(errOut, "afviste at forny") || !strings.Contains(errOut, "log ind igen: go run ./starter login") {
		t.Fatalf("refused refresh: exit %d %s", code, errOut)
	}

	// A token of another issuer: the API's 401 names why, and the starter
	// says to log in again.
	foreign := testoidc.Start(t, "helhed", provider.RedirectURI, krise)
	foreignTok, err := foreign.Token(t.Context(), krise.Username, krise.Password)
	if err != nil {
		t.Fatal(err)
	}
	k = cli.kept(t)
	token(k)["access_token"] = foreignTok
	token(k)["expiry"] = time.Now().Add(time.Hour).Format(time.RFC3339)
	cli.keep(t, k)
	code, _, errOut = cli.run(t, nil, "runs")
	if code != 1 || !strings.Contains(errOut, "udstedt af") || !strings.Contains(errOut, foreign.Issuer) || !strings.Contains(errOut, "HTTP 401") ||
		!strings.Contains(errOut, "log ind igen") {
		t.Fatalf("foreign issuer: exit %d %s", code, errOut)
	}

	// OPERATOR_TOKEN wins over a kept token.
	if code, out, errOut := cli.run(t, map[string]string{"OPERATOR_TOKEN": stack.Config.OperatorToken}, "runs"); code != 0 {
		t.Fatalf("runs with OPERATOR_TOKEN: exit %d\n%s%s", code, out, errOut)
	}
	// A token kept for another API is not sent to this one.
	if code, _, errOut := cli.run(t, map[string]string{"HELHED_URL": "http://127.0.0.1:9"}, "runs"); code != 2 || !strings.Contains(errOut, "log ind") {
		t.Fatalf("runs against another API: exit %d %s", code, errOut)
	}

	// logout forgets the token.
	if code, out, errOut := cli.run(t, nil, "logout"); code != 0 || !strings.Contains(out, "Logget ud") {
		t.Fatalf("logout: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(cli.tokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("token file after logout: %v", err)
	}
	if code, _, errOut := cli.run(t, nil, "runs"); code != 2 || !strings.Contains(errOut, "go run ./starter login") {
		t.Fatalf("runs after logout: exit %d %s", code, errOut)
	}
}

// TestStarterLoginDenied: a person who denies the code at the provider
// gets no token.
func TestStarterLoginDenied(t *testing.T) {
	cli := newStarterCLI(t)
	code, out, errOut := cli.login(t, laeser.Username, laeser.Password, false)
	if code != 1 || !strings.Contains(errOut, "afvist") {
		t.Fatalf("denied login: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(cli.tokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a token kept after a denied login: %v", err)
	}
}

// TestStarterClientCredentials: a script's client (HELHED_CLIENT_ID +
// HELHED_CLIENT_SECRET or HELHED_CLIENT_SECRET_FILE) gets its token by the client credentials grant and
// acts with the roles the provider's role claim gives the client (here
// læser: it reads, and may not start a crisis).
func TestStarterClientCredentials(t *testing.T) {
	cli := newStarterCLI(t)
	creds := map[string]string{"HELHED_CLIENT_ID": script.ID, "HELHED_CLIENT_SECRET": script.ClientSecret}
	if code, out, errOut := cli.run(t, creds, "runs"); code != 0 {
		t.Fatalf("runs as a script: exit %d\n%s%s", code, out, errOut)
	}
	input := filepath.Join(t.TempDir(), "crisis.json")
	raw, _ := json.Marshal(crisisInput(t, "cli-script"))
	if err := os.WriteFile(input, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli.run(t, creds, "start", crisis.Kind, "--input", input); code != 1 || !strings.Contains(errOut, "krisegruppe") {
		t.Fatalf("a reader script starts a crisis: exit %d %s", code, errOut)
	}
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(script.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := map[string]string{"HELHED_CLIENT_ID": script.ID, "HELHED_CLIENT_SECRET_FILE": secretFile}
	if code, out, errOut := cli.run(t, fromFile, "runs"); code != 0 {
		t.Fatalf("runs as a script with HELHED_CLIENT_SECRET_FILE: exit %d\n%s%s", code, out, errOut)
	}
	creds["HELHED_CLIENT_SECRET"] = "forkert"
	if code, _, errOut := cli.run(t, creds, "runs"); code != 1 || !strings.Contains(errOut, "invalid_client") || !strings.Contains(errOut, "HELHED_CLIENT_SECRET") {
		t.Fatalf("a wrong client secret: exit %d %s", code, errOut)
	}
}
