package operator

import (
	"net/http"

	"github.com/redis/go-redis/v9"

	"helhed/runs"
)

// SessionOrToken guards an operator endpoint that browsers and programs
// both call: the codec server, which the Temporal UI calls with the
// operator's page cookie (it has no token of ours to forward) and the
// temporal CLI with the token. A request with a live page session passes;
// any other goes through bearer (app.Operator, the API's token check),
// which answers 401 without the token. It checks no CSRF token, so what it
// guards must change nothing, or refuse foreign origins itself.
func SessionOrToken(rdb redis.Cmdable, bearer func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	s := &sessions{r: rdb}
	return func(next http.Handler) http.Handler {
		withToken := bearer(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if sess, err := s.get(r); err == nil {
				next.ServeHTTP(w, r.WithContext(runs.WithPrincipal(r.Context(), sess.Principal)))
				return
			}
			withToken.ServeHTTP(w, r)
		})
	}
}
