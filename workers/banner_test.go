package main

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"helhed/config"
)

// TestDevBannerKeepsOperatorToken: `workers -dev` without OPERATOR_TOKEN
// prints where the operator pages are, an `export OPERATOR_TOKEN=…` line and
// a command to try; after a restart on the same DATA_DIR the exported token
// is the same and still opens the operator API.
func TestDevBannerKeepsOperatorToken(t *testing.T) {
	p := newDevProcess(t, t.TempDir())
	p.env = append(p.env, "OPERATOR_TOKEN=") // the last of duplicate keys wins
	var tokens []string
	for range 2 {
		p.start()
		if _, ok := p.waitHealthy(false, 90*time.Second); !ok {
			t.FailNow()
		}
		banner := p.waitBanner(len(tokens) + 1)
		for _, want := range []string{"http://" + p.httpAddr + "/operator/", "Try: go run ./starter kinds"} {
			if !strings.Contains(banner, want) {
				t.Errorf("banner lacks %q:\n%s", want, banner)
			}
		}
		m := exportLine.FindStringSubmatch(banner)
		if m == nil {
			t.Fatalf("banner has no export OPERATOR_TOKEN=… line:\n%s", banner)
		}
		tokens = append(tokens, m[1])
		req, err := http.NewRequest(http.MethodGet, "http://"+p.httpAddr+"/api/v1/kinds", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+m[1])
		resp, err := p.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the exported token: GET /api/v1/kinds answered %d", resp.StatusCode)
		}
		p.stop()
	}
	if tokens[0] != tokens[1] {
		t.Errorf("the operator token changed across a restart: %s, then %s", tokens[0], tokens[1])
	}
	info, err := os.Stat(filepath.Join(p.dataDir, config.OperatorTokenFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, %v; want mode 0600", config.OperatorTokenFile, info, err)
	}
}

var exportLine = regexp.MustCompile(`(?m)^\s*export OPERATOR_TOKEN=(\S+)$`)

// waitBanner waits for the nth start banner in the process's log (it is
// printed once the start is complete) and returns it.
func (p *devProcess) waitBanner(n int) string {
	p.tb.Helper()
	var banner string
	err := pollUntil(time.Now().Add(30*time.Second), func() error {
		log, err := os.ReadFile(p.logPath)
		if err != nil {
			return err
		}
		starts := strings.Split(string(log), "helhed is running")
		if len(starts) <= n || !strings.Contains(starts[n], "Press Ctrl-C to stop.") {
			return errors.New("no start banner yet")
		}
		banner = starts[n]
		return nil
	})
	if err != nil {
		p.tb.Fatalf("%v:\n%s", err, p.logExcerpt(40))
	}
	return banner
}
