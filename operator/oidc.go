package operator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"helhed/config"
	"helhed/web"
)

// DiscoverProvider reads the identity provider's discovery document, so a
// wrong OIDC_ISSUER (unreachable, or answering as another issuer) is one
// error naming it. The workers' sign-in and the starter's login share it.
func DiscoverProvider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, issuer)
	if err != nil {
		return nil, &config.Error{Setting: "OIDC_ISSUER", Problem: fmt.Sprintf("the identity provider's discovery (%s/.well-known/openid-configuration) failed: %v",
			strings.TrimRight(issuer, "/"), err)}
	}
	return provider, nil
}

// The sign-in with the identity provider: the authorization code flow
// with PKCE. /operator/oidc/login keeps the flow's secrets (the PKCE
// verifier and the nonce) in Redis under the state, which a cookie binds
// to this browser, and sends the browser to the provider;
// CallbackPath takes the code back, exchanges it with the verifier,
// checks the ID token (signature, issuer, audience, expiry, nonce) and
// makes the session with the person's subject, name and roles.
const (
	flowCookie = "helhed_oidc" // the state of this browser's sign-in
	flowTTL    = 10 * time.Minute
)

// flow is what the callback needs of its sign-in.
type flow struct {
	Verifier string `json:"verifier"`
	Nonce    string `json:"nonce"`
}

func (p *pages) oidcLogin(w http.ResponseWriter, r *http.Request) {
	state, err := randomToken()
	if err != nil {
		p.renderError(w, http.StatusInternalServerError, "Der opstod en fejl.")
		return
	}
	nonce, err := randomToken()
	if err != nil {
		p.renderError(w, http.StatusInternalServerError, "Der opstod en fejl.")
		return
	}
	f := flow{Verifier: oauth2.GenerateVerifier(), Nonce: nonce}
	raw, _ := json.Marshal(f)
	if err := p.sessions.r.Set(r.Context(), sessionKey(state)+":oidc", raw, flowTTL).Err(); err != nil {
		p.log.Error("operator sign-in: store flow", "error", err)
		p.renderError(w, http.StatusServiceUnavailable, "Login er ikke muligt lige nu (Redis svarer ikke).")
		return
	}
	// Lax, not Strict: the provider sends the browser back from its own
	// site, and a Strict cookie would not come along.
	c := p.sessions.cookie(flowCookie, state, int(flowTTL.Seconds()))
	c.SameSite = http.SameSiteLaxMode
	http.SetCookie(w, c)
	http.Redirect(w, r, p.identity.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(f.Verifier)), http.StatusSeeOther)
}

func (p *pages) oidcCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		msg := "Kommunens login afviste log-ind (" + e + ")."
		if d := q.Get("error_description"); d != "" {
			msg += " " + d
		}
		p.renderLogin(w, http.StatusUnauthorized, View{Title: "Log ind", Error: msg})
		return
	}
	c, err := r.Cookie(flowCookie)
	if err != nil || c.Value == "" || !validCSRF(c.Value, q.Get("state")) {
		p.renderLogin(w, http.StatusBadRequest, View{Title: "Log ind", Error: "Log-ind kom tilbage uden at høre til denne browser (state). Prøv igen."})
		return
	}
	clear := p.sessions.cookie(flowCookie, "", -1)
	clear.SameSite = http.SameSiteLaxMode
	http.SetCookie(w, clear)
	raw, err := p.sessions.r.GetDel(r.Context(), sessionKey(c.Value)+":oidc").Bytes()
	var f flow
	switch {
	case errors.Is(err, redis.Nil):
		p.renderLogin(w, http.StatusBadRequest, View{Title: "Log ind", Error: "Log-ind tog for lang tid eller er allerede brugt. Prøv igen."})
		return
	case err != nil:
		p.log.Error("operator sign-in: read flow", "error", err)
		p.renderError(w, http.StatusServiceUnavailable, "Login er ikke muligt lige nu (Redis svarer ikke).")
		return
	case json.Unmarshal(raw, &f) != nil:
		p.renderError(w, http.StatusInternalServerError, "Der opstod en fejl.")
		return
	}
	tok, err := p.identity.oauth.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		p.log.Warn("operator sign-in: code exchange", "error", err)
		p.renderLogin(w, http.StatusBadGateway, View{Title: "Log ind", Error: "Kommunens login svarede ikke som ventet (kodeudveksling). Prøv igen."})
		return
	}
	rawID, _ := tok.Extra("id_token").(string)
	idTok, err := p.identity.idTokens.Verify(r.Context(), rawID)
	if err != nil {
		p.log.Warn("operator sign-in: ID token", "error", err)
		p.renderLogin(w, http.StatusUnauthorized, View{Title: "Log ind", Error: "Log-ind kunne ikke bekræftes: " + p.identity.why(rawID, err)})
		return
	}
	if !validCSRF(f.Nonce, idTok.Nonce) {
		p.renderLogin(w, http.StatusUnauthorized, View{Title: "Log ind", Error: "Log-ind kunne ikke bekræftes (nonce). Prøv igen."})
		return
	}
	who, err := p.identity.principal(idTok)
	if err != nil {
		var ae *web.AuthError
		errors.As(err, &ae)
		p.renderError(w, http.StatusForbidden, ae.Message)
		return
	}
	if _, err := p.sessions.create(r.Context(), w, who); err != nil {
		p.log.Error("operator sign-in", "error", err)
		p.renderError(w, http.StatusServiceUnavailable, "Login er ikke muligt lige nu.")
		return
	}
	// The session cookie is SameSite=Strict, and a browser sent here by
	// the provider's site would not send it on a redirect; a page of our
	// own that moves on does.
	p.render(w, http.StatusOK, "signedin.html", View{Title: "Logget ind", Data: template.URL("/operator/")})
}
