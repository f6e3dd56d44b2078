// Package web serves helhed's HTTP surface: health, and (as capabilities
// land) the operator API and the partner portal.
package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Check reports whether one dependency answers.
type Check struct {
	Name  string
	Check func(context.Context) error
}

// Health answers 200 when every check passes and 503 naming each that
// failed, so a load balancer and a person read the same answer.
func Health(checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status := map[string]string{}
		var down []string
		for _, c := range checks {
			if err := c.Check(ctx); err != nil {
				status[c.Name] = "down: " + err.Error()
				down = append(down, c.Name)
			} else {
				status[c.Name] = "ok"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		body := map[string]any{"status": "ok", "checks": status}
		if len(down) > 0 {
			body["status"] = "down: " + strings.Join(down, ", ")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(body)
	})
}
