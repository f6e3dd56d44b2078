package teststack

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Call sends body ("" for none) to url with tok as bearer token ("" for
// none) and returns the status and the answer's body.
func Call(t testing.TB, method, url, tok, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// Get is Call with GET.
func Get(t testing.TB, url, tok string) (int, string) {
	t.Helper()
	return Call(t, http.MethodGet, url, tok, "")
}

// Scrape reads the process's /metrics; anything but 200 fails t.
func (s *Stack) Scrape(t testing.TB) string {
	t.Helper()
	code, body := Get(t, "http://"+s.MetricsAddr()+"/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	return body
}
