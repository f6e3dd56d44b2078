package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testredis"
)

var proxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}

func request(peer string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/v1/kinds", nil)
	r.RemoteAddr = peer
	for _, h := range xff {
		r.Header.Add("X-Forwarded-For", h)
	}
	return r
}

// resolve is the client address a handler behind TrustProxies sees.
func resolve(trusted []netip.Prefix, r *http.Request) string {
	var got string
	TrustProxies(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = ClientIP(r) })).
		ServeHTTP(httptest.NewRecorder(), r)
	return got
}

func TestClientIP(t *testing.T) {
	for _, c := range []struct {
		name    string
		trusted []netip.Prefix
		r       *http.Request
		want    string
	}{
		{"no proxies trusted: the header is ignored", nil, request("203.0.113.5:4000", "198.51.100.1"), "203.0.113.5"},
		{"untrusted peer: the header is ignored", proxies, request("203.0.113.5:4000", "198.51.100.1"), "203.0.113.5"},
		{"trusted peer without the header", proxies, request("10.0.0.1:4000"), "10.0.0.1"},
		{"trusted peer", proxies, request("10.0.0.1:4000", "198.51.100.1"), "198.51.100.1"},
		{"what the client wrote is skipped", proxies, request("10.0.0.1:4000", "192.0.2.66, 198.51.100.1"), "198.51.100.1"},
		{"a chain of trusted proxies", proxies, request("10.0.0.1:4000", "192.0.2.66, 198.51.100.1, 10.1.2.3"), "198.51.100.1"},
		{"several headers", proxies, request("10.0.0.1:4000", "192.0.2.66", "198.51.100.1, 10.1.2.3"), "198.51.100.1"},
		{"entries with ports", proxies, request("[fd00::1]:4000", "[2001:db8::7]:555, 10.0.0.9:80"), "2001:db8::7"},
		{"a proxy's 'unknown' stops at the last trusted hop", proxies, request("10.0.0.1:4000", "198.51.100.1, unknown, 10.1.2.3"), "10.1.2.3"},
		{"only trusted hops", proxies, request("10.0.0.1:4000", "10.0.0.7"), "10.0.0.7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := resolve(c.trusted, c.r); got != c.want {
				t.Errorf("client %s, want %s", got, c.want)
			}
		})
	}
	if got := ClientIP(request("203.0.113.5:4000", "198.51.100.1")); got != "203.0.113.5" {
		t.Errorf("without TrustProxies: client %s, want the peer", got)
	}
}

func startRedis(t *testing.T) redis.Cmdable {
	t.Helper()
	_, c := testredis.StartT(t)
	return c
}

// TestOperatorAuthLimitsFailuresPerClient: failed bearer attempts are
// counted per real client address. Behind a trusted proxy each client has
// its own bucket; a client over the limit gets 429 with Retry-After even
// with the right token; an untrusted peer's X-Forwarded-For neither locks
// out the address it names nor lets the peer escape its own limit.
func TestOperatorAuthLimitsFailuresPerClient(t *testing.T) {
	const token, limit = "the-right-operator-token", 3
	auth := &OperatorAuth{Authenticate: onlyToken(token), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Failures: &RateLimit{R: startRedis(t), Prefix: "test:operator-auth:", Limit: limit, Window: 10 * time.Minute}}
	h := TrustProxies(proxies, auth.Require(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	do := func(r *http.Request, bearer string) *httptest.ResponseRecorder {
		r.Header.Set("Authorization", "Bearer "+bearer)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	viaProxy := func(client string) *http.Request { return request("10.0.0.1:4000", "192.0.2.66, "+client) }
	expect := func(what string, w *httptest.ResponseRecorder, code int) {
		t.Helper()
		if w.Code != code {
			t.Fatalf("%s: %d %s, want %d", what, w.Code, w.Body, code)
		}
	}

	for i := range limit {
		expect("client A, wrong token "+strconv.Itoa(i+1), do(viaProxy("198.51.100.1"), "guess"), http.StatusUnauthorized)
	}
	w := do(viaProxy("198.51.100.1"), "guess")
	expect("client A over the limit", w, http.StatusTooManyRequests)
	var body ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || !strings.Contains(body.Error, "for mange forsøg") {
		t.Errorf("429 body %q: want the Danish message", w.Body)
	}
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 || s > 600 {
		t.Errorf("Retry-After %q: want 1–600 seconds", w.Header().Get("Retry-After"))
	}
	expect("client A with the right token while over the limit", do(viaProxy("198.51.100.1"), token), http.StatusTooManyRequests)
	expect("client B behind the same proxy", do(viaProxy("198.51.100.2"), token), http.StatusNoContent)
	expect("client B, wrong token", do(viaProxy("198.51.100.2"), "guess"), http.StatusUnauthorized)

	// An untrusted peer naming client C in X-Forwarded-For uses up only
	// its own bucket, and changing the header does not buy it a new one.
	for i := range limit + 2 {
		do(request("203.0.113.9:5000", "198.51.100.3, 198.51.100."+strconv.Itoa(10+i)), "guess")
	}
	expect("the untrusted peer", do(request("203.0.113.9:5000", "198.51.100.99"), token), http.StatusTooManyRequests)
	expect("client C, named by the untrusted peer", do(viaProxy("198.51.100.3"), token), http.StatusNoContent)
}

// TestOperatorAuthWithoutRedis: with Redis down the token check still
// decides (the limit is unknown, not a reason to refuse the right token).
func TestOperatorAuthWithoutRedis(t *testing.T) {
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer dead.Close()
	auth := &OperatorAuth{Authenticate: onlyToken("the-right-operator-token"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Failures: &RateLimit{R: dead, Prefix: "test:", Limit: 1, Window: time.Minute}}
	h := auth.Require(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for bearer, want := range map[string]int{"the-right-operator-token": http.StatusNoContent, "guess": http.StatusUnauthorized} {
		r := request("203.0.113.5:4000").WithContext(context.Background())
		r.Header.Set("Authorization", "Bearer "+bearer)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("bearer %s: %d, want %d", bearer, w.Code, want)
		}
	}
}

// onlyToken accepts the one token.
func onlyToken(want string) func(context.Context, string) (context.Context, error) {
	return func(ctx context.Context, got string) (context.Context, error) {
		if got != want {
			return nil, &AuthError{Status: http.StatusUnauthorized, Message: "forkert operatørnøgle"}
		}
		return ctx, nil
	}
}
