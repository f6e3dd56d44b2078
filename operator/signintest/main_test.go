// Package signintest tests the operators' sign-in with a real identity
// provider (internal/testoidc) on a full stack: bearer JWTs per role on
// the operator API, a case worker's organisation boundary, refused tokens,
// and the pages' sign-in in Chromium.
package signintest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"helhed/app"
	"helhed/internal/testoidc"
	"helhed/internal/teststack"
	"helhed/operator"
)

var (
	stack    *teststack.Stack
	provider *testoidc.Provider
	base     string
)

// The test people; the provider's "roles" values are helhed's role names
// mapped through OIDC_ROLES.
var (
	sek    = testoidc.User{ID: "u-sek", Username: "sekretariat", Password: "pw-sek", Name: "Sanne Sekretariat", Roles: []string{"helhed-sek"}}
	sag    = testoidc.User{ID: "u-sag", Username: "sagsbehandler", Password: "pw-sag", Name: "Sofus Sagsbehandler", Roles: []string{"helhed-sag"}}
	krise  = testoidc.User{ID: "u-krise", Username: "krise", Password: "pw-krise", Name: "Kim Krise", Roles: []string{"helhed-krise"}}
	laeser = testoidc.User{ID: "u-laes", Username: "laeser", Password: "pw-laes", Name: "Lis Læser", Roles: []string{"helhed-laes"}}
	norole = testoidc.User{ID: "u-none", Username: "ingen", Password: "pw-none", Name: "Ib Ingenrolle", Roles: []string{"andet-system"}}
	// script is a service client (client credentials) with the reader role.
	script = testoidc.User{ID: "svc-rapport", Name: "Rapportscript", Roles: []string{"helhed-laes"}, ClientSecret: "script-hemmelighed"}
)

func TestMain(m *testing.M) {
	var stopProvider func()
	defer func() {
		if stopProvider != nil {
			stopProvider()
		}
	}()
	os.Exit(teststack.Main(m, teststack.Options{
		Name:       "signin",
		FixedPorts: true,
		Env:        map[string]string{"STATBANK_URL": "http://127.0.0.1:9/unreachable"},
		Prepare: func(dir string, env map[string]string) error {
			// The provider must know the redirect URI, on the port the
			// stack will serve.
			pl, err := app.LoadPlan(env["PLAN_FILE"], time.Now())
			if err != nil {
				return err
			}
			if len(pl.Departments) == 0 {
				return errors.New("the test plan has no departments")
			}
			// The case worker handles the first department's organisation.
			sag.Organisations = []string{pl.Departments[0].Organisation}
			p, stop, err := testoidc.Run("helhed", env["PUBLIC_URL"]+operator.CallbackPath, sek, sag, krise, laeser, norole, script)
			if err != nil {
				return err
			}
			provider, stopProvider = p, stop
			env["OIDC_ISSUER"] = p.Issuer
			env["OIDC_CLIENT_ID"] = p.ClientID
			env["OIDC_CLIENT_SECRET"] = p.ClientSecret
			env["OIDC_ROLES"] = "sekretariat:helhed-sek,sagsbehandler:helhed-sag,krisegruppe:helhed-krise,læser:helhed-laes"
			env["OIDC_ORG_CLAIM"] = testoidc.OrgClaim
			return nil
		},
	}, func(s *teststack.Stack) error {
		stack, base = s, "http://"+s.HTTPAddr()
		return nil
	}))
}

// signIn is the person's access token from the provider.
func signIn(t *testing.T, u testoidc.User) string {
	t.Helper()
	tok, err := provider.Token(t.Context(), u.Username, u.Password)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type answer struct {
	Status int
	Body   map[string]any
	Raw    string
}

func (a answer) str(key string) string { s, _ := a.Body[key].(string); return s }

func call(t *testing.T, method, path, tok string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &a.Body)
	return a
}

func expect(t *testing.T, what string, a answer, status int, contains ...string) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("%s: HTTP %d %s, want %d", what, a.Status, a.Raw, status)
	}
	for _, c := range contains {
		if !strings.Contains(a.Raw, c) {
			t.Fatalf("%s: %s does not say %q", what, a.Raw, c)
		}
	}
}
