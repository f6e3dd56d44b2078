package operator

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/runs"
)

// Cookie names. The session cookie carries a random id; Redis keeps only
// its hash, so a Redis dump cannot be replayed as a login.
const (
	sessionCookie = "helhed_operator"
	loginCookie   = "helhed_login" // double-submit CSRF token of the login form
	sessionPrefix = "helhed:session:"
)

// session is one logged-in operator browser and the person signed in.
type session struct {
	id        string // the cookie value
	CSRF      string
	Principal runs.Principal
}

// sessions stores sessions in Redis with a fixed lifetime: a session
// expires TTL after login, however active, so a forgotten browser does not
// stay logged in.
type sessions struct {
	r      redis.Cmdable
	ttl    time.Duration
	secure bool
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return sessionPrefix + hex.EncodeToString(sum[:])
}

// create makes a session for who and sets its cookie.
func (s *sessions) create(ctx context.Context, w http.ResponseWriter, who runs.Principal) (*session, error) {
	id, err := randomToken()
	if err != nil {
		return nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, err
	}
	whoJSON, err := json.Marshal(who)
	if err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	if err := s.r.HSet(ctx, sessionKey(id), "csrf", csrf, "who", whoJSON, "created", time.Now().UTC().Format(time.RFC3339)).Err(); err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	if err := s.r.Expire(ctx, sessionKey(id), s.ttl).Err(); err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	http.SetCookie(w, s.cookie(sessionCookie, id, int(s.ttl.Seconds())))
	return &session{id: id, CSRF: csrf, Principal: who}, nil
}

// errNoSession means no cookie; errExpired a cookie whose session is gone.
var (
	errNoSession = errors.New("no session")
	errExpired   = errors.New("session expired")
)

// get reads the request's session.
func (s *sessions) get(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errNoSession
	}
	vals, err := s.r.HMGet(r.Context(), sessionKey(c.Value), "csrf", "who").Result()
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	csrf, _ := vals[0].(string)
	who, _ := vals[1].(string)
	sess := &session{id: c.Value, CSRF: csrf}
	// A session from before sign-ins named the person has no "who": it
	// ends, and the operator signs in again.
	if csrf == "" || who == "" || json.Unmarshal([]byte(who), &sess.Principal) != nil {
		return nil, errExpired
	}
	return sess, nil
}

// destroy ends a session and clears its cookie.
func (s *sessions) destroy(ctx context.Context, w http.ResponseWriter, sess *session) error {
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	return s.r.Del(ctx, sessionKey(sess.id)).Err()
}

// cookie is an HttpOnly, SameSite=Strict cookie on /operator/, Secure when
// the public URL is https.
func (s *sessions) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/operator/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode}
}

// validCSRF compares a form's token with the expected one in constant time.
func validCSRF(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
