package config

import (
	"strings"
	"testing"
)

// TestOIDCSettings: with an identity provider the shared token is off in
// production unless break-glass is chosen; each bad setting is named.
func TestOIDCSettings(t *testing.T) {
	base := func(extra map[string]string) map[string]string {
		env := map[string]string{"PAYLOAD_KEY": validKey, "REDIS_URL": "redis://127.0.0.1:6379/0", "MAIL_MODE": "outbox",
			"OIDC_ISSUER": "https://login.example.dk", "OIDC_CLIENT_ID": "helhed", "OIDC_CLIENT_SECRET": "s3cret",
			"PUBLIC_URL": "https://helhed.example.dk"}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	cfg, err := load(t, base(nil), false)
	if err != nil {
		t.Fatalf("OIDC without OPERATOR_TOKEN: %v", err)
	}
	if cfg.SharedToken() != "" || cfg.OIDCAudience != "helhed" || cfg.OIDCRoleClaim != "roles" {
		t.Errorf("shared token %q, audience %q, role claim %q: want none, the client id, roles", cfg.SharedToken(), cfg.OIDCAudience, cfg.OIDCRoleClaim)
	}
	cfg, err = load(t, base(map[string]string{"OPERATOR_TOKEN": "0123456789abcdef", "OPERATOR_BREAK_GLASS": "true"}), false)
	if err != nil || cfg.SharedToken() != "0123456789abcdef" {
		t.Errorf("break-glass: %v, shared token %q", err, cfg.SharedToken())
	}
	cfg, err = load(t, base(map[string]string{"PUBLIC_URL": "http://127.0.0.1:8080"}), true)
	if err != nil || cfg.SharedToken() == "" {
		t.Errorf("-dev with OIDC: %v; the generated token must stay usable", err)
	}
	for name, c := range map[string]struct {
		env  map[string]string
		want string
	}{
		"token without break-glass": {map[string]string{"OPERATOR_TOKEN": "0123456789abcdef"}, "OPERATOR_BREAK_GLASS"},
		"break-glass without token": {map[string]string{"OPERATOR_BREAK_GLASS": "true"}, "OPERATOR_TOKEN"},
		"no client id":              {map[string]string{"OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID"},
		"no secret":                 {map[string]string{"OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET"},
		"missing secret file":       {map[string]string{"OIDC_CLIENT_SECRET": "", "OIDC_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "OIDC_CLIENT_SECRET_FILE"},
		"plain http issuer":         {map[string]string{"OIDC_ISSUER": "http://login.example.dk"}, "OIDC_ISSUER"},
		"bad role pair":             {map[string]string{"OIDC_ROLES": "sekretariat"}, "OIDC_ROLES"},
		"http public URL":           {map[string]string{"PUBLIC_URL": "http://helhed.example.dk"}, "PUBLIC_URL"},
	} {
		if _, err := load(t, base(c.env), false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, c.want)
		}
	}
	if _, err := load(t, map[string]string{"PAYLOAD_KEY": validKey, "REDIS_URL": "redis://x:1", "MAIL_MODE": "outbox",
		"OPERATOR_TOKEN": "0123456789abcdef", "OIDC_CLIENT_ID": "helhed"}, false); err == nil || !strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Errorf("client id without issuer: %v", err)
	}
}
