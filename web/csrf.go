package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// CSRF makes and checks form tokens for forms without sessions: a token is
// an HMAC of the form's scope (e.g. the portal token's hash and the task)
// under a server key, so only a page this server rendered for that scope
// can post it. Use it together with http.CrossOriginProtection.
type CSRF struct {
	Key []byte
}

// Token is the hidden field's value for scope.
func (c CSRF) Token(scope string) string {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte("csrf\x00" + scope))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports whether got is the token for scope.
func (c CSRF) Valid(scope, got string) bool {
	return len(c.Key) > 0 && hmac.Equal([]byte(c.Token(scope)), []byte(got))
}
