package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// ErrorBody is every JSON error the API returns: a message, and the input
// field at fault when there is one.
type ErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// WriteJSON writes v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes an ErrorBody.
func WriteError(w http.ResponseWriter, status int, msg, field string) {
	WriteJSON(w, status, ErrorBody{Error: msg, Field: field})
}

// OperatorAuth guards the operator API: a request passes only with
// "Authorization: Bearer <token>" that Authenticate accepts, anything else
// is 401 (or 403 for a known caller without a role here) saying why.
// Failed attempts are counted per client address (ClientIP) in Failures;
// an address that has used them up gets 429 until the window ends, even
// with a good token, so a token cannot be guessed by trying.
type OperatorAuth struct {
	// Authenticate checks a bearer token and returns the context to serve
	// the request with (carrying who called); an *AuthError says why not.
	Authenticate func(ctx context.Context, token string) (context.Context, error)
	Failures     *RateLimit
	Log          *slog.Logger
}

// AuthError is a refused credential: Status 401 (unknown, expired, from
// another issuer) or 403 (valid, without a role here), with a Danish
// message naming why.
type AuthError struct {
	Status  int
	Message string
}

func (e *AuthError) Error() string { return e.Message }

// Require wraps next in the check.
func (a *OperatorAuth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := ClientIP(r)
		// Without Redis the limit is not known; the token check alone still
		// stands, and the API (which needs Temporal, not Redis) stays usable.
		used, retry, err := a.Failures.Used(r.Context(), client)
		if err != nil {
			a.Log.Warn("operator API: failed-attempt limit unavailable", "error", err)
		}
		if used {
			tooManyAttempts(w, retry)
			return
		}
		refused := &AuthError{Status: http.StatusUnauthorized, Message: "manglende operatørnøgle (Authorization: Bearer …)"}
		if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && strings.TrimSpace(got) != "" {
			ctx, err := a.Authenticate(r.Context(), strings.TrimSpace(got))
			if err == nil {
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
			if !errors.As(err, &refused) {
				a.Log.Error("operator API: authenticate", "error", err)
				WriteError(w, http.StatusInternalServerError, "intern fejl; se workerens log", "")
				return
			}
		}
		if refused.Status == http.StatusForbidden {
			WriteError(w, http.StatusForbidden, refused.Message, "")
			return
		}
		if allowed, retry, err := a.Failures.Allow(r.Context(), client); err != nil {
			a.Log.Warn("operator API: count failed attempt", "error", err)
		} else if !allowed {
			tooManyAttempts(w, retry)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="helhed"`)
		WriteError(w, http.StatusUnauthorized, refused.Message, "")
	})
}

func tooManyAttempts(w http.ResponseWriter, retry time.Duration) {
	w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
	wait := "1 minut"
	if m := int((retry + time.Minute - 1) / time.Minute); m > 1 {
		wait = fmt.Sprintf("%d minutter", m)
	}
	WriteError(w, http.StatusTooManyRequests, "for mange forsøg med forkert operatørnøgle fra denne adresse; prøv igen om "+wait, "")
}
