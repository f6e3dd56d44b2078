// Package archtest checks the shape of the module: dependencies point one
// way (deterministic packages reach no web, Redis, mail-sending or server
// package), and the production binaries link no embedded server.
package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// list runs `go list -json` over the module with args.
func list(t *testing.T, args ...string) map[string]pkg {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// deterministic reports whether a package may hold only deterministic
// code: every workflow package and the pure packages they build on.
func deterministic(path string) bool {
	if strings.HasPrefix(path, "helhed/workflows") && !strings.HasSuffix(path, "test") {
		return true
	}
	return slices.Contains([]string{
		"helhed/plan", "helhed/workdays", "helhed/danish", "helhed/suppress", "helhed/fielderr",
		"helhed/mail", "helhed/searchattr", "helhed/pseudonym", "helhed/arrears",
	}, path)
}

// forbidden is what no deterministic package, nor any helhed package it
// reaches, may import directly: I/O adapters, the web, Redis, mail sending,
// configuration from the environment and the Temporal server.
func forbidden(imp string) bool {
	for _, p := range []string{
		"net/http", "github.com/redis/go-redis", "github.com/alicebob/miniredis", "github.com/wneessen/go-mail",
		"go.temporal.io/server", "github.com/temporalio/ui-server", "os/exec", "database/sql",
		"helhed/mailer", "helhed/store", "helhed/web", "helhed/config", "helhed/app", "helhed/adapters",
		"helhed/portal", "helhed/operator", "helhed/readmodel", "helhed/devserver", "helhed/activities",
	} {
		if imp == p || strings.HasPrefix(imp, p+"/") {
			return true
		}
	}
	return false
}

func TestDeterministicPackagesReachNoEffects(t *testing.T) {
	pkgs := list(t, "./...")
	checked := 0
	for path, p := range pkgs {
		if !deterministic(path) {
			continue
		}
		checked++
		for _, dep := range append([]string{path}, p.Deps...) {
			d, ok := pkgs[dep]
			if !ok || !strings.HasPrefix(dep, "helhed/") {
				continue
			}
			for _, imp := range d.Imports {
				if forbidden(imp) {
					if dep == path {
						t.Errorf("%s imports %s", path, imp)
					} else {
						t.Errorf("%s reaches %s, which imports %s", path, dep, imp)
					}
				}
			}
		}
	}
	if checked < 8 {
		t.Fatalf("checked only %d deterministic packages: is the module layout what this test expects?", checked)
	}
}

func TestProductionBinariesLinkNoDevServer(t *testing.T) {
	for _, c := range []struct{ name, pkg, tags string }{
		{"workers (production build)", "./workers", "production"},
		{"starter", "./starter", ""},
	} {
		args := []string{"-deps"}
		if c.tags != "" {
			args = append(args, "-tags", c.tags)
		}
		for path := range list(t, append(args, c.pkg)...) {
			for _, dev := range []string{"go.temporal.io/server/", "github.com/temporalio/ui-server", "github.com/alicebob/miniredis", "helhed/devserver"} {
				if strings.HasPrefix(path, dev) || path == strings.TrimSuffix(dev, "/") {
					t.Errorf("%s links %s", c.name, path)
				}
			}
		}
	}
}
