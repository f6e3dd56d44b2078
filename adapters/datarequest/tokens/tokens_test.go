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

// TestLinkSurvivesLostRedis: a link mailed before Redis lost its keys (the
// in-process Redis of -dev after a restart) still opens the portal, and is
// the link the next e-mail carries; a revoked, rotated or expired link stays
// refused while Redis keeps its keys.
func TestLinkSurvivesLostRedis(t *testing.T) {
	ctx := context.Background()
	tk := newTokens(t)
	tk.Partners = []string{"skole-a", "skole-b", "skole-c"}
	a, _ := tk.Ensure(ctx, "skole-a")
	b, _ := tk.Ensure(ctx, "skole-b")
	c, _ := tk.Ensure(ctx, "skole-c")
	if _, err := tk.Rotate(ctx, "skole-b"); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Revoke(ctx, "skole-c"); err != nil {
		t.Fatal(err)
	}
	if lookup(t, tk, b.Token) != "" || lookup(t, tk, c.Token) != "" {
		t.Fatal("a rotated or revoked link opened the portal")
	}
	if again, _ := tk.Ensure(ctx, "skole-c"); again.Token == c.Token {
		t.Fatal("the next e-mail after a revocation carries the revoked link")
	}
	// The first link expired (TTL ran out) while Redis kept its keys.
	rdb.Del(ctx, tk.key(keyPartner, "skole-a"), tk.key(keyToken, Hash(a.Token)))
	if lookup(t, tk, a.Token) != "" {
		t.Fatal("an expired link opened the portal")
	}

	rdb.Del(ctx, tk.key(keyGeneration, "skole-a"))
	keys, _ := rdb.Keys(ctx, KeyPrefix+"*skole-a*").Result()
	if len(keys) != 0 {
		t.Fatalf("left: %v", keys)
	}
	// Redis lost every key of skole-a.
	if lookup(t, tk, a.Token) != "skole-a" {
		t.Fatal("the mailed link does not open the portal after Redis lost its keys")
	}
	if again, _ := tk.Ensure(ctx, "skole-a"); again.Token != a.Token {
		t.Fatal("the next e-mail carries another link than the one mailed before")
	}
	if lookup(t, tk, a.Token+"x") != "" || lookup(t, &Tokens{R: rdb, Secret: tk.Secret}, b.Token) != "" {
		t.Fatal("recovery accepted a token it should not")
	}
}

// TestPrefixesKeepUsesApart: a second use of the mechanism (the calendar
// feed) keeps its keys under its own prefix, and its tokens, derived from
// its own secret, open nothing of the portal's, and the other way round.
func TestPrefixesKeepUsesApart(t *testing.T) {
	ctx := context.Background()
	portal := newTokens(t)
	feed := newTokens(t)
	feed.Prefix = "helhed:test-feed:"
	p, _ := portal.Ensure(ctx, "sekretariatet")
	f, err := feed.Ensure(ctx, "sekretariatet")
	if err != nil {
		t.Fatal(err)
	}
	if lookup(t, feed, f.Token) != "sekretariatet" || lookup(t, portal, f.Token) != "" || lookup(t, feed, p.Token) != "" {
		t.Fatal("a token opened the other use's door")
	}
	if n, _ := rdb.Exists(ctx, feed.key(keyPartner, "sekretariatet")).Result(); n != 1 || !strings.HasPrefix(feed.key(keyPartner, "x"), feed.Prefix) {
		t.Fatal("the feed's keys are not under its prefix")
	}
	if ok, _ := feed.Revoke(ctx, "sekretariatet"); !ok || lookup(t, portal, p.Token) != "sekretariatet" {
		t.Fatal("revoking the feed's token touched the portal's")
	}
}

// TestSecretRotation: after TOKEN_SECRET is rotated with the old one in
// TOKEN_SECRETS_OLD, a link mailed before keeps opening the portal and is
// the one the next e-mail carries; once the old secret is removed the link
// is refused, and the next e-mail carries a link under the new secret.
func TestSecretRotation(t *testing.T) {
	ctx := context.Background()
	before := newTokens(t)
	before.Partners = []string{"rot-a", "rot-b"}
	old, err := before.Ensure(ctx, "rot-a")
	if err != nil {
		t.Fatal(err)
	}
	// rot-b's first link, mailed before Redis lost its keys.
	lost, _ := before.Ensure(ctx, "rot-b")
	rdb.Del(ctx, before.key(keyPartner, "rot-b"), before.key(keyToken, Hash(lost.Token)), before.key(keyGeneration, "rot-b"))

	rotated := newTokens(t)
	rotated.Partners, rotated.OldSecrets = before.Partners, [][]byte{before.Secret}
	if lookup(t, rotated, old.Token) != "rot-a" {
		t.Fatal("a link made under the old secret is refused while the old secret is listed")
	}
	if again, _ := rotated.Ensure(ctx, "rot-a"); again.Token != old.Token {
		t.Fatal("the next e-mail carries a new link while the old secret is listed")
	}
	if lookup(t, rotated, lost.Token) != "rot-b" || lookup(t, rotated, lost.Token) != "rot-b" {
		t.Fatal("a first link made under the old secret is not recovered after Redis lost its keys")
	}
	if fresh, _ := rotated.Rotate(ctx, "rot-b"); fresh.Token == lost.Token || lookup(t, rotated, fresh.Token) != "rot-b" {
		t.Fatal("a rotated link is not made under the new secret")
	}

	rotatedOut := &Tokens{R: rdb, Secret: rotated.Secret, Partners: before.Partners}
	if lookup(t, rotatedOut, old.Token) != "" {
		t.Fatal("a link made under a removed secret still opens the portal")
	}
	next, err := rotatedOut.Ensure(ctx, "rot-a")
	if err != nil {
		t.Fatal(err)
	}
	if next.Token == old.Token || lookup(t, rotatedOut, next.Token) != "rot-a" || lookup(t, rotatedOut, old.Token) != "" {
		t.Fatal("the next e-mail after the old secret was removed does not carry a working new link")
	}
}

// TestDeriveSecretKeepsPayloadKeyLinks: links made when the payload key
// keyed them are the links of that key listed in TOKEN_SECRETS_OLD (the
// derivation did not change), so moving to TOKEN_SECRET breaks no link.
func TestDeriveSecretKeepsPayloadKeyLinks(t *testing.T) {
	payloadKey := []byte(strings.Repeat("k", 32))
	m := DeriveSecrets([][]byte{[]byte(strings.Repeat("t", 32)), payloadKey}, "tokens")
	if len(m) != 2 || string(m[1]) != string(DeriveSecret(payloadKey, "tokens")) || string(m[0]) == string(m[1]) {
		t.Fatal("DeriveSecrets does not derive each secret as DeriveSecret does")
	}
}
