package tokens

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/internal/testredis"
)

var rdb *redis.Client

func TestMain(m *testing.M) {
	os.Exit(testredis.Main(m, func(_ *testredis.Server, c *redis.Client) { rdb = c }))
}

func newTokens(t *testing.T) *Tokens {
	secret := make([]byte, 32)
	rand.Read(secret)
	return &Tokens{R: rdb, Secret: secret}
}

func lookup(t *testing.T, tk *Tokens, token string) string {
	t.Helper()
	p, ok, err := tk.Lookup(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return ""
	}
	return p
}

func TestEnsureReusesRotateReplacesRevokeEnds(t *testing.T) {
	ctx := context.Background()
	tk := newTokens(t)
	a, err := tk.Ensure(ctx, "ppr")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := tk.Ensure(ctx, "ppr")
	if again.Token != a.Token || lookup(t, tk, a.Token) != "ppr" {
		t.Fatal("Ensure did not reuse the live token")
	}
	// Redis holds the hash, never the token.
	keys, _ := rdb.Keys(ctx, KeyPrefix+"*").Result()
	for _, k := range keys {
		v, _ := rdb.Dump(ctx, k).Result()
		if contains(k, a.Token) || contains(v, a.Token) {
			t.Fatalf("token stored in %s", k)
		}
	}
	rotated, _ := tk.Rotate(ctx, "ppr")
	if rotated.Token == a.Token || lookup(t, tk, a.Token) != "" || lookup(t, tk, rotated.Token) != "ppr" {
		t.Fatal("rotate did not replace the token")
	}
	if ok, _ := tk.Revoke(ctx, "ppr"); !ok || lookup(t, tk, rotated.Token) != "" {
		t.Fatal("revoke did not end the token")
	}
	if ok, _ := tk.Revoke(ctx, "ppr"); ok {
		t.Fatal("second revoke reported a token")
	}
	for _, bad := range []string{"", "short", rotated.Token + "x", "../../etc/passwd"} {
		if lookup(t, tk, bad) != "" {
			t.Fatalf("%q accepted", bad)
		}
	}
}

func TestConcurrentEnsureAgreesOnOneToken(t *testing.T) {
	tk := newTokens(t)
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			is, err := tk.Ensure(context.Background(), "jobcenter")
			if err != nil {
				t.Error(err)
			}
			got[i] = is.Token
		}()
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("concurrent Ensure issued different tokens")
		}
	}
}

// After PAYLOAD_KEY (hence the secret) changes, the stored token cannot be
// derived again: Ensure issues a new one and the old one stops working.
func TestNewSecretReissues(t *testing.T) {
	ctx := context.Background()
	old := newTokens(t)
	a, _ := old.Ensure(ctx, "lejerbo")
	fresh := newTokens(t)
	b, err := fresh.Ensure(ctx, "lejerbo")
	if err != nil || b.Token == a.Token || lookup(t, fresh, a.Token) != "" || lookup(t, fresh, b.Token) != "lejerbo" {
		t.Fatalf("reissue: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
