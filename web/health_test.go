package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthDegradedAndDown(t *testing.T) {
	ok := func(context.Context) error { return nil }
	bad := func(context.Context) error { return errors.New("nope") }
	for _, c := range []struct {
		name   string
		checks []Check
		code   int
		status string
	}{
		{"all ok", []Check{{Name: "redis", Check: ok}, {Name: "readmodel", Check: ok, Degraded: true}}, 200, `"status":"ok"`},
		{"degraded", []Check{{Name: "redis", Check: ok}, {Name: "readmodel", Check: bad, Degraded: true}}, 200, `"status":"degraded: readmodel"`},
		{"down wins", []Check{{Name: "redis", Check: bad}, {Name: "readmodel", Check: bad, Degraded: true}}, 503, `"status":"down: redis"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Health(c.checks...).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.status) {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		})
	}
}
