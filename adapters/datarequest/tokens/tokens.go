// Package tokens issues the partner portal's link tokens. A partner has at
// most one live token. Redis keeps only the token's SHA-256 hash (mapped to
// the partner, with a TTL) and a nonce; the token itself is an HMAC of the
// nonce under a server secret, so the e-mail activity can put the same link
// in every message without Redis ever holding the token, and a copy of
// Redis alone opens nothing.
//
// The nonce is derived from the secret, the partner and the partner's
// generation (raised by every rotation and revocation, kept in Redis
// without TTL), so a partner's first token can be recomputed: links mailed
// before Redis lost its keys (the in-process Redis of -dev after every
// restart, a flushed or lost production Redis) keep working (Lookup).
//
// The secret is derived from TOKEN_SECRET. Rotating it: a link made under
// a secret listed in TOKEN_SECRETS_OLD keeps working (and is the one
// e-mails go on carrying) until that secret is removed; then it is
// refused, and the partner's next e-mail carries a link under the new
// secret.
package tokens

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/redis/go-redis/v9"
)

// KeyPrefix starts every Redis key of the portal: the default of
// Tokens.Prefix.
const KeyPrefix = "helhed:portal:"

// Redis keys, after the prefix.
const (
	keyToken   = "token:"   // + sha256(token) hex → partner id
	keyPartner = "partner:" // + partner → hash {nonce, hash}
	// + partner → the number of rotations and revocations (no TTL): a
	// generation's token is never issued again once it was replaced.
	keyGeneration = "generation:"
)

// DefaultTTL is how long a link lives after it was last put in an e-mail
// or issued.
const DefaultTTL = 120 * 24 * time.Hour

var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// Tokens issues, looks up, rotates and revokes partner tokens. Another
// use of the same mechanism (the calendar feed's subscribers) sets its own
// Prefix and a Secret derived for its own purpose, so that neither kind of
// token opens the other's door.
type Tokens struct {
	R      redis.Cmdable
	Secret []byte // DeriveSecret(TOKEN_SECRET, purpose): new tokens
	// OldSecrets are derived from TOKEN_SECRETS_OLD: tokens made under
	// them are still accepted, never made anew.
	OldSecrets [][]byte
	TTL        time.Duration // 0 means DefaultTTL
	// Prefix starts the Redis keys; "" means KeyPrefix (the portal's).
	Prefix string
	// Partners are the plan's partner ids: Lookup recomputes their first
	// tokens when Redis knows neither the token nor the partner.
	Partners []string
}

// Issued is a live token.
type Issued struct {
	Token     string
	ExpiresAt time.Time
}

// DeriveSecret derives one use's secret from a token secret (TOKEN_SECRET
// or one of TOKEN_SECRETS_OLD). Purpose separates uses (tokens, CSRF,
// calendar tokens). The derivation is the one links were made with when
// the payload key keyed them, so a payload key listed in
// TOKEN_SECRETS_OLD keeps those links working.
func DeriveSecret(tokenSecret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, tokenSecret)
	m.Write([]byte("helhed/portal/v1/" + purpose))
	return m.Sum(nil)
}

// DeriveSecrets derives purpose's secret from each token secret (the
// current first, as config.TokenSecrets lists them).
func DeriveSecrets(tokenSecrets [][]byte, purpose string) [][]byte {
	out := make([][]byte, len(tokenSecrets))
	for i, s := range tokenSecrets {
		out[i] = DeriveSecret(s, purpose)
	}
	return out
}

// secrets are the current secret, then the old ones.
func (t *Tokens) secrets() [][]byte {
	return append([][]byte{t.Secret}, t.OldSecrets...)
}

// Hash is what Redis stores for a token.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// key is the Redis key of kind (keyToken, keyPartner, keyGeneration) + id.
func (t *Tokens) key(kind, id string) string {
	if t.Prefix == "" {
		return KeyPrefix + kind + id
	}
	return t.Prefix + kind + id
}

func (t *Tokens) ttl() time.Duration {
	if t.TTL > 0 {
		return t.TTL
	}
	return DefaultTTL
}

func derive(secret []byte, partner, nonce string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("token\x00" + partner + "\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ensureScript returns the live nonce and hash of a partner, refreshing
// their TTL, or installs the new ones given (dropping a stale hash). It is
// one script so that concurrent e-mails to one partner agree on one token.
var ensureScript = redis.NewScript(`
local h = redis.call('HGET', KEYS[1], 'hash')
if ARGV[6] == '0' and h and redis.call('EXISTS', ARGV[4] .. h) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', ARGV[4] .. h, ARGV[3])
  return {redis.call('HGET', KEYS[1], 'nonce'), h}
end
if h then redis.call('DEL', ARGV[4] .. h) end
redis.call('HSET', KEYS[1], 'nonce', ARGV[1], 'hash', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', ARGV[4] .. ARGV[2], ARGV[5], 'EX', ARGV[3])
return {ARGV[1], ARGV[2]}`)

// Ensure returns the partner's live token, extending its life, or issues
// one.
func (t *Tokens) Ensure(ctx context.Context, partner string) (Issued, error) {
	return t.put(ctx, partner, false)
}

// Rotate issues a new token for the partner; the old one stops working.
func (t *Tokens) Rotate(ctx context.Context, partner string) (Issued, error) {
	return t.put(ctx, partner, true)
}

// nonce is the nonce of a partner's token of one generation: derived, so
// the token can be recomputed without Redis.
func nonce(secret []byte, partner string, generation int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(fmt.Sprintf("nonce\x00%s\x00%d", partner, generation)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func (t *Tokens) put(ctx context.Context, partner string, replace bool) (Issued, error) {
	if len(t.Secret) < 32 {
		return Issued{}, errors.New("portal tokens: secret not set")
	}
	var generation int64
	var err error
	if replace {
		generation, err = t.R.Incr(ctx, t.key(keyGeneration, partner)).Result()
	} else {
		generation, err = t.R.Get(ctx, t.key(keyGeneration, partner)).Int64()
		if errors.Is(err, redis.Nil) {
			// Recorded so that Lookup tells an expired first token (the
			// generation is there) from one Redis forgot (it is not).
			err = t.R.SetNX(ctx, t.key(keyGeneration, partner), 0, 0).Err()
		}
	}
	if err != nil {
		return Issued{}, fmt.Errorf("portal token generation for %s: %w", partner, err)
	}
	n := nonce(t.Secret, partner, generation)
	live, err := t.install(ctx, partner, n, derive(t.Secret, partner, n), replace)
	if err != nil {
		return Issued{}, err
	}
	if live.Token == "" {
		// Made under a secret no longer configured (TOKEN_SECRET rotated
		// and the old one dropped): replaced.
		if replace {
			return Issued{}, fmt.Errorf("portal token for %s: stored hash does not match", partner)
		}
		return t.put(ctx, partner, true)
	}
	return live, nil
}

// install runs ensureScript with the token made of nonce and returns the
// partner's live token, which is the one stored when there is one (and
// replace is false); its Token is "" when none of the secrets derives it.
func (t *Tokens) install(ctx context.Context, partner, nonce, token string, replace bool) (Issued, error) {
	flag := "0"
	if replace {
		flag = "1"
	}
	ttl := t.ttl()
	res, err := ensureScript.Run(ctx, t.R, []string{t.key(keyPartner, partner)},
		nonce, Hash(token), int64(ttl/time.Second), t.key(keyToken, ""), partner, flag).StringSlice()
	if err != nil {
		return Issued{}, fmt.Errorf("portal token for %s: %w", partner, err)
	}
	if len(res) != 2 {
		return Issued{}, fmt.Errorf("portal token for %s: unexpected answer %v", partner, res)
	}
	live := Issued{ExpiresAt: time.Now().Add(ttl)}
	for _, secret := range t.secrets() {
		if got := derive(secret, partner, res[0]); Hash(got) == res[1] {
			live.Token = got
			break
		}
	}
	return live, nil
}

// Revoke ends the partner's token; it reports whether there was one. The
// next token the partner gets is a new generation's.
func (t *Tokens) Revoke(ctx context.Context, partner string) (bool, error) {
	if err := t.R.Incr(ctx, t.key(keyGeneration, partner)).Err(); err != nil {
		return false, fmt.Errorf("revoke portal token for %s: %w", partner, err)
	}
	h, err := t.R.HGet(ctx, t.key(keyPartner, partner), "hash").Result()
	if err == redis.Nil {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("revoke portal token for %s: %w", partner, err)
	}
	n, err := t.R.Del(ctx, t.key(keyToken, h), t.key(keyPartner, partner)).Result()
	if err != nil {
		return false, fmt.Errorf("revoke portal token for %s: %w", partner, err)
	}
	return n == 2, nil
}

// Lookup returns the partner a token belongs to; ok is false for a
// malformed, unknown, expired or revoked token.
func (t *Tokens) Lookup(ctx context.Context, token string) (partner string, ok bool, err error) {
	if !tokenPattern.MatchString(token) {
		return "", false, nil
	}
	partner, err = t.R.Get(ctx, t.key(keyToken, Hash(token))).Result()
	if err == redis.Nil {
		return t.recover(ctx, token)
	}
	if err != nil {
		return "", false, fmt.Errorf("look up portal token: %w", err)
	}
	// Redis knows the token; it counts only while a configured secret
	// derives it, so dropping an old secret ends its links.
	stored, err := t.R.HGet(ctx, t.key(keyPartner, partner), "nonce").Result()
	if err == redis.Nil {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up portal token: %w", err)
	}
	for _, secret := range t.secrets() {
		if hmac.Equal([]byte(derive(secret, partner, stored)), []byte(token)) {
			return partner, true, nil
		}
	}
	return "", false, nil
}

// recover accepts a partner's first token that Redis has forgotten (no
// generation recorded for the partner: Redis lost its keys), and installs
// it again. A token that expired or was replaced while
// Redis kept its keys stays refused.
func (t *Tokens) recover(ctx context.Context, token string) (string, bool, error) {
	if len(t.Secret) < 32 {
		return "", false, nil
	}
	for _, partner := range t.Partners {
		for _, secret := range t.secrets() {
			n := nonce(secret, partner, 0)
			if !hmac.Equal([]byte(derive(secret, partner, n)), []byte(token)) {
				continue
			}
			known, err := t.R.Exists(ctx, t.key(keyGeneration, partner)).Result()
			if err != nil {
				return "", false, fmt.Errorf("look up portal token: %w", err)
			}
			if known > 0 {
				return "", false, nil
			}
			if err := t.R.SetNX(ctx, t.key(keyGeneration, partner), 0, 0).Err(); err != nil {
				return "", false, fmt.Errorf("look up portal token: %w", err)
			}
			// The token presented is installed again, under whichever
			// secret made it, so the link keeps working.
			if _, err := t.install(ctx, partner, n, token, false); err != nil {
				return "", false, err
			}
			return partner, true, nil
		}
	}
	return "", false, nil
}
