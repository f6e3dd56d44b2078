package signintest

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"helhed/internal/teststack"
	"helhed/operator"
	"helhed/web"
)

// TestExpiredToken: a token past its expiry is refused with 401 saying
// so (the clock is set past the provider's five-minute access tokens).
func TestExpiredToken(t *testing.T) {
	id, err := operator.NewIdentity(t.Context(), stack.Config, func() time.Time { return time.Now().Add(time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	_, err = id.Bearer(t.Context(), signIn(t, sek))
	var ae *web.AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || !strings.Contains(ae.Message, "udløbet") {
		t.Fatalf("expired token: %v, want 401 saying udløbet", err)
	}
}

// TestMisconfiguredProvider: a provider that does not answer stops the
// start with one message naming OIDC_ISSUER, and nothing is left running.
func TestMisconfiguredProvider(t *testing.T) {
	_, err := teststack.Start(t.Context(), teststack.Options{Name: "signin-bad-provider", Env: map[string]string{
		"OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "helhed", "OIDC_CLIENT_SECRET": "x",
	}})
	if err == nil || !strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Fatalf("start with a dead provider: %v, want an error naming OIDC_ISSUER", err)
	}
}
