package devserver

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const fatalChildEnv = "HELHED_DEVSERVER_FATAL_CHILD"

// init runs before the package's TestMain starts a stack: as the child of
// TestServerFatalIsNotSilent it logs one fatal entry, which must exit.
func init() {
	if mode := os.Getenv(fatalChildEnv); mode != "" {
		serverLogger(Options{InMemory: mode == "memory", DataDir: os.TempDir()}).Fatal("Failed to start gRPC listener")
		os.Exit(0)
	}
}

// The embedded server ends the process on a fatal log entry (a port taken
// between choosing and binding it): the exit must say why on stderr, with
// the log in memory as well as in DATA_DIR/temporal.log.
func TestServerFatalIsNotSilent(t *testing.T) {
	for _, mode := range []string{"memory", "file"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), fatalChildEnv+"="+mode)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("child ended with %v, want exit status 1; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), "the embedded Temporal server stopped the process: Failed to start gRPC listener") {
				t.Errorf("stderr does not say why:\n%s", out)
			}
		})
	}
}
