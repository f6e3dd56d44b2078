package schedulepages

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"helhed/plan"
	"helhed/runs"
	"helhed/schedules"
)

// TestAPIChangesAreSekretariatOnly: a reader may list the schedules but
// not pause, unpause, trigger, backfill or sync them: 403 naming the role,
// before Temporal is asked anything.
func TestAPIChangesAreSekretariatOnly(t *testing.T) {
	synced := false
	a := &api{server: &server{plan: &plan.Plan{ID: "testplan"}, log: slog.Default()},
		sync: func(context.Context) ([]schedules.Change, error) { synced = true; return nil, nil }}
	reader := runs.Principal{Subject: "s-1", Roles: []runs.Role{runs.RoleLaeser}}
	for _, c := range []struct {
		path    string
		handler http.HandlerFunc
	}{
		{"/api/v1/schedules/sync", a.syncPlan},
		{"/api/v1/schedules/cycle/pause", a.act("sætte en tidsplan på pause", a.pause)},
		{"/api/v1/schedules/cycle/unpause", a.act("genoptage en tidsplan", a.unpause)},
		{"/api/v1/schedules/cycle/trigger", a.act("udløse en tidsplan", a.trigger)},
		{"/api/v1/schedules/cycle/backfill", a.act("udløse en tidsplan for en periode", a.backfill)},
	} {
		r := httptest.NewRequest("POST", c.path, strings.NewReader(`{}`))
		r = r.WithContext(runs.WithPrincipal(r.Context(), reader))
		r.SetPathValue("id", "cycle")
		w := httptest.NewRecorder()
		c.handler(w, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "kræver rollen sekretariat") {
			t.Errorf("%s as læser: %d %s", c.path, w.Code, w.Body)
		}
	}
	if synced {
		t.Error("a reader's sync ran")
	}
}
