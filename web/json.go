package web

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
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

// RequireOperator lets a request through only with
// "Authorization: Bearer <token>"; anything else is 401.
func RequireOperator(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="helhed"`)
			WriteError(w, http.StatusUnauthorized, "manglende eller forkert operatørnøgle (Authorization: Bearer …)", "")
			return
		}
		next.ServeHTTP(w, r)
	})
}
