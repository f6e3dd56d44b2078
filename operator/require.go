package operator

import (
	"errors"
	"net/http"

	"github.com/redis/go-redis/v9"
)

// RequireSession guards an operator page that a capability serves under
// /operator/ (e.g. the calendar's /operator/kalender): a request passes
// only with the login session of these pages, otherwise it goes to the
// login page, as the pages here do. For GET pages only: it checks no CSRF
// token.
func RequireSession(rdb redis.Cmdable, next http.Handler) http.Handler {
	s := &sessions{r: rdb}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := s.get(r)
		switch {
		case errors.Is(err, errNoSession):
			http.Redirect(w, r, "/operator/login", http.StatusSeeOther)
		case errors.Is(err, errExpired):
			http.Redirect(w, r, "/operator/login?udloebet=1", http.StatusSeeOther)
		case err != nil:
			http.Error(w, "Sessionen kunne ikke læses (Redis svarer ikke). Prøv igen om lidt.", http.StatusServiceUnavailable)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
