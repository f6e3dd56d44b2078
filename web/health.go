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
	// Degraded marks a check whose failure leaves the process serving
	// (e.g. the read model still being rebuilt): 200 with status
	// "degraded: <name>", not 503.
	Degraded bool
}

// Health answers 200 when every check passes, 200 "degraded" when only
// Degraded checks fail, and 503 naming each hard check that failed, so a
// load balancer and a person read the same answer.
func Health(checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status := map[string]string{}
		var down, degraded []string
		for _, c := range checks {
			switch err := c.Check(ctx); {
			case err == nil:
				status[c.Name] = "ok"
			case c.Degraded:
				status[c.Name] = "degraded: " + err.Error()
				degraded = append(degraded, c.Name)
			default:
				status[c.Name] = "down: " + err.Error()
				down = append(down, c.Name)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		body := map[string]any{"status": "ok", "checks": status}
		switch {
		case len(down) > 0:
			body["status"] = "down: " + strings.Join(down, ", ")
			w.WriteHeader(http.StatusServiceUnavailable)
		case len(degraded) > 0:
			body["status"] = "degraded: " + strings.Join(degraded, ", ")
		}
		_ = json.NewEncoder(w).Encode(body)
	})
}
