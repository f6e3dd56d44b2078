// Package testoidc runs a real OpenID Connect provider in a test: zitadel's
// op package over its example in-memory storage, with test users carrying
// helhed's role and organisation claims, its login page, and a web client
// whose access tokens are signed JWTs. Tokens come out of the provider's
// own authorization code flow (Token drives it as a browser would), never
// a hand-made minter.
package testoidc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"
)

// User is a test person at the provider.
type User struct {
	ID       string // the subject ("sub"), pseudonymous
	Username string
	Password string
	Name     string
	// Roles go in the "roles" claim, Organisations in "organisations".
	Roles         []string
	Organisations []string
}

// Provider is a running provider.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	srv          *http.Server
}

// Claim names the provider issues.
const (
	RoleClaim = "roles"
	OrgClaim  = "organisations"
)

// Start runs a provider on a free loopback port with one web client
// (clientID, a random secret, redirectURI) and users; it stops with t.
func Start(t testing.TB, clientID, redirectURI string, users ...User) *Provider {
	t.Helper()
	p, stop, err := Run(clientID, redirectURI, users...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return p
}

// Run is Start outside a test (TestMain); call stop when done.
func Run(clientID, redirectURI string, users ...User) (*Provider, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("testoidc: listen: %w", err)
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	p := &Provider{Issuer: "http://" + ln.Addr().String(), ClientID: clientID, ClientSecret: hex.EncodeToString(secret), RedirectURI: redirectURI}
	byID := map[string]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	st := &store{
		Storage: storage.NewStorageWithClients(userStore(byID), map[string]*storage.Client{
			clientID: storage.WebClient(clientID, p.ClientSecret, redirectURI),
		}),
		users: byID,
	}
	router := exampleop.SetupServer(p.Issuer, st, nil, false)
	p.srv = &http.Server{Handler: router}
	go func() { _ = p.srv.Serve(ln) }()
	return p, func() { _ = p.srv.Close() }, nil
}

// OAuth is the client's configuration, for Token and tests.
func (p *Provider) OAuth() oauth2.Config {
	return oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: p.RedirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: p.Issuer + "/auth", TokenURL: p.Issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader},
		Scopes:   []string{oidc.ScopeOpenID, "profile"},
	}
}

// Token signs username in through the provider's login page (the code
// flow with PKCE, as a browser would) and returns the access token, a JWT
// signed by the provider.
func (p *Provider) Token(ctx context.Context, username, password string) (string, error) {
	conf := p.OAuth()
	verifier := oauth2.GenerateVerifier()
	jar, _ := cookiejar.New(nil)
	var code string
	client := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), p.RedirectURI) {
			code = req.URL.Query().Get("code")
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := client.Get(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		return "", fmt.Errorf("testoidc: authorize: %w", err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return "", fmt.Errorf("testoidc: authorize did not reach the login page (at %s, HTTP %d)", resp.Request.URL, resp.StatusCode)
	}
	resp, err = client.PostForm(p.Issuer+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return "", fmt.Errorf("testoidc: login: %w", err)
	}
	resp.Body.Close()
	if code == "" {
		return "", errors.New("testoidc: login did not return a code (wrong user or password?)")
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("testoidc: exchange: %w", err)
	}
	return tok.AccessToken, nil
}

// store is the example storage with helhed's users and claims, and JWT
// access tokens.
type store struct {
	*storage.Storage
	mu    sync.Mutex
	users map[string]User
}

func (s *store) claims(userID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return nil
	}
	c := map[string]any{"name": u.Name}
	if u.Roles != nil {
		c[RoleClaim] = u.Roles
	}
	if u.Organisations != nil {
		c[OrgClaim] = u.Organisations
	}
	return c
}

// GetClientByClientID gives the client JWT access tokens.
func (s *store) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

// GetPrivateClaimsFromScopes adds the user's claims to the JWT access
// token.
func (s *store) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	return s.claims(userID), nil
}

// SetUserinfoFromRequest adds them to the ID token.
func (s *store) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, token, scopes); err != nil {
		return err
	}
	for k, v := range s.claims(token.GetSubject()) {
		if k == "name" {
			info.Name = v.(string)
			continue
		}
		info.AppendClaims(k, v)
	}
	return nil
}

type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

// userStore is storage.UserStore over the test users.
type userStore map[string]User

func (u userStore) user(x User) *storage.User {
	return &storage.User{ID: x.ID, Username: x.Username, Password: x.Password, FirstName: x.Name,
		EmailVerified: true, PreferredLanguage: language.Danish}
}

func (u userStore) GetUserByID(id string) *storage.User {
	if x, ok := u[id]; ok {
		return u.user(x)
	}
	return nil
}

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return u.user(x)
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return storage.ServiceUserID }
