// Package testoidc runs a real OpenID Connect provider in a test: zitadel's
// op package over its example in-memory storage, with test users carrying
// helhed's role and organisation claims, its login page, a web client
// whose access tokens are signed JWTs, a public CLI client for the device
// authorization grant (its tokens carry the web client's audience, as a
// provider configured for helhed's API does) and service clients for the
// client credentials grant. Tokens come out of the provider's own flows
// (Token and ApproveDevice drive its pages as a browser would), never a
// hand-made minter.
package testoidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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
	// ClientSecret makes the user a service client (a script's): it gets
	// tokens by the client credentials grant, with ID as client id, and
	// its claims as above.
	ClientSecret string
}

// Provider is a running provider.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	// CLIClientID is the public client of the device authorization grant
	// (the starter's login): no secret, refresh tokens.
	CLIClientID string
	srv         *http.Server
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
	p := &Provider{Issuer: "http://" + ln.Addr().String(), ClientID: clientID, ClientSecret: hex.EncodeToString(secret), RedirectURI: redirectURI,
		CLIClientID: clientID + "-cli"}
	byID := map[string]User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	st := &store{
		Storage: storage.NewStorageWithClients(userStore(byID), map[string]*storage.Client{
			clientID:      storage.WebClient(clientID, p.ClientSecret, redirectURI),
			p.CLIClientID: storage.NativeClient(p.CLIClientID),
		}),
		users:    byID,
		cliID:    p.CLIClientID,
		audience: clientID,
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

// ApproveDevice approves a device authorization's user code the way a
// person does: on the provider's device pages, signing in as username and
// allowing (or, with allow false, denying) the request.
func (p *Provider) ApproveDevice(ctx context.Context, userCode, username, password string, allow bool) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	post := func(path string, form url.Values) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Issuer+path, strings.NewReader(form.Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			return "", fmt.Errorf("testoidc: device %s: %w", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("testoidc: device %s: HTTP %d %s", path, resp.StatusCode, body)
		}
		return string(body), nil
	}
	if _, err := post("/device/login", url.Values{"user_code": {userCode}, "username": {username}, "password": {password}}); err != nil {
		return err
	}
	action := "allowed"
	if !allow {
		action = "denied"
	}
	body, err := post("/device/confirm", url.Values{"action": {action}})
	if err != nil {
		return err
	}
	if !strings.Contains(body, "Device authorization "+action) {
		return fmt.Errorf("testoidc: device approval of %s as %s was not taken: %s", userCode, username, body)
	}
	return nil
}

// store is the example storage with helhed's users and claims, JWT
// access tokens, the CLI's device grant and service clients.
type store struct {
	*storage.Storage
	mu       sync.Mutex
	users    map[string]User
	cliID    string
	audience string // the web client's id, the API's audience
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
	if clientID == s.cliID {
		c = grantClient{c, []oidc.GrantType{oidc.GrantTypeDeviceCode, oidc.GrantTypeRefreshToken}}
	}
	return jwtClient{c}, nil
}

// CompleteDeviceAuthorization records the person's subject, not the
// username the example's device pages pass.
func (s *store) CompleteDeviceAuthorization(ctx context.Context, userCode, username string) error {
	s.mu.Lock()
	subject := ""
	for _, u := range s.users {
		if u.Username == username {
			subject = u.ID
		}
	}
	s.mu.Unlock()
	if subject == "" {
		return fmt.Errorf("testoidc: no user %q", username)
	}
	return s.Storage.CompleteDeviceAuthorization(ctx, userCode, subject)
}

// GetDeviceAuthorizatonState gives the CLI's tokens the API's audience.
func (s *store) GetDeviceAuthorizatonState(ctx context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	st, err := s.Storage.GetDeviceAuthorizatonState(ctx, clientID, deviceCode)
	if err == nil && !slices.Contains(st.Audience, s.audience) {
		st.Audience = append(st.Audience, s.audience)
	}
	return st, err
}

// CreateAccessAndRefreshTokens records the CLI as the client of a device
// grant's refresh token: the example storage leaves it empty, and the
// provider then refuses the refresh (invalid_grant).
func (s *store) CreateAccessAndRefreshTokens(ctx context.Context, request op.TokenRequest, currentRefreshToken string) (string, string, time.Time, error) {
	accessID, refresh, exp, err := s.Storage.CreateAccessAndRefreshTokens(ctx, request, currentRefreshToken)
	if st, ok := request.(*op.DeviceAuthorizationState); ok && err == nil {
		r, rerr := s.Storage.TokenRequestByRefreshToken(ctx, refresh)
		if rerr != nil {
			return "", "", time.Time{}, rerr
		}
		r.(*storage.RefreshTokenRequest).ApplicationID = st.ClientID
	}
	return accessID, refresh, exp, err
}

// ClientCredentials authenticates a service client (a User with a
// ClientSecret).
func (s *store) ClientCredentials(ctx context.Context, clientID, clientSecret string) (op.Client, error) {
	s.mu.Lock()
	u, ok := s.users[clientID]
	s.mu.Unlock()
	if !ok || u.ClientSecret == "" || subtle.ConstantTimeCompare([]byte(u.ClientSecret), []byte(clientSecret)) != 1 {
		return nil, errors.New("wrong service client or secret")
	}
	return jwtClient{grantClient{storage.DeviceClient(clientID, clientSecret), []oidc.GrantType{oidc.GrantTypeClientCredentials}}}, nil
}

// ClientCredentialsTokenRequest makes a service client's token, for the
// API's audience, with the client as subject.
func (s *store) ClientCredentialsTokenRequest(ctx context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	return &oidc.JWTTokenRequest{Subject: clientID, Audience: []string{clientID, s.audience}, Scopes: scopes}, nil
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

type grantClient struct {
	op.Client
	grants []oidc.GrantType
}

func (c grantClient) GrantTypes() []oidc.GrantType { return c.grants }

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
