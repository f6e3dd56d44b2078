// Package calendar serves the plan calendar (package helhed/calendar) as
// an iCalendar feed a secretariat subscribes to once
// (GET /calendar/<token>.ics), the operator API that issues, rotates and
// revokes a subscriber's token, and the operator page of what is due in
// the next 30 days (/operator/kalender).
//
// A subscriber's token is the partner portal's mechanism (package
// adapters/datarequest/tokens) under its own Redis prefix and secret:
// HMAC-derived, Redis keeps only its hash.
package calendar

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/adapters/datarequest/tokens"
	"helhed/capability"
	"helhed/operator"
)

// Name is the capability's name.
const Name = "calendar"

// keyPrefix starts every Redis key of the calendar.
const keyPrefix = "helhed:calendar:"

// tokenTTL: a subscription is polled for years; its token lives until it
// is rotated or revoked (and is renewed whenever it is issued again).
const tokenTTL = 5 * 365 * 24 * time.Hour

// New lists the calendar capability: routes and the upcoming milestones'
// metric.
func New(d capability.Deps) (capability.Capability, error) {
	c := capability.Capability{Name: Name}
	// Without Temporal (the starter reading kinds and schedules) nothing
	// serves, and the secret is not needed.
	if d.Temporal == nil {
		return c, nil
	}
	secrets, err := d.Config.TokenSecrets()
	if err != nil {
		return capability.Capability{}, fmt.Errorf("TOKEN_SECRET: %w", err)
	}
	feedSecrets := tokens.DeriveSecrets(secrets, "calendar-tokens")
	tmpl, err := operator.Layout(d.Plan.Location()).Funcs(template.FuncMap{"day": dayText}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return capability.Capability{}, fmt.Errorf("calendar templates: %w", err)
	}
	s := &server{
		plan: d.Plan, redis: d.Redis, log: d.Log, publicURL: d.Config.PublicURL, tmpl: tmpl,
		tokens: &tokens.Tokens{R: d.Redis, Secret: feedSecrets[0], OldSecrets: feedSecrets[1:], TTL: tokenTTL,
			Prefix: keyPrefix + "subscriber:"},
		revisions: &revisions{r: d.Redis, key: keyPrefix + "revisions:" + d.Plan.ID},
	}
	c.Collectors = []prometheus.Collector{&collector{srv: s}}
	c.Routes = []capability.Route{
		{Pattern: "GET /calendar/{file}", Handler: http.HandlerFunc(s.feed), Access: capability.Public},
		{Pattern: "POST /api/v1/calendar/subscribers/{name}/token", Handler: http.HandlerFunc(s.issueToken), Access: capability.Operator},
		{Pattern: "DELETE /api/v1/calendar/subscribers/{name}/token", Handler: http.HandlerFunc(s.revokeToken), Access: capability.Operator},
		{Pattern: "GET /api/v1/calendar/due", Handler: http.HandlerFunc(s.dueJSON), Access: capability.Operator},
		{Pattern: "GET /operator/kalender", Handler: http.HandlerFunc(s.page), Access: capability.OperatorPage},
		{Pattern: "GET /operator/calendar", Handler: http.RedirectHandler("/operator/kalender", http.StatusSeeOther), Access: capability.OperatorPage},
	}
	return c, nil
}
