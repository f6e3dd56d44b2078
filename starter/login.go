package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"helhed/config"
	"helhed/operator"
)

// The person's own token for the operator API: `starter login` gets it
// from the municipality's identity provider (OIDC_ISSUER) by the OAuth 2.0
// device authorization grant with the CLI's public client
// (OIDC_CLI_CLIENT_ID) and keeps it, with its refresh token, in the
// user's config dir; apiCall sends it and refreshes it when it has
// expired. Scripts use the client credentials grant instead
// (HELHED_CLIENT_ID + HELHED_CLIENT_SECRET).

// loginAgain is what a person does when the kept token is of no more use.
const loginAgain = "log ind igen: go run ./starter login"

// keptToken is the file login writes. The token is kept for the operator
// API it was got for, so it is never sent to another (a -dev workers on
// this machine, say).
type keptToken struct {
	API      string        `json:"api"`
	Issuer   string        `json:"issuer"`
	ClientID string        `json:"clientId"`
	TokenURL string        `json:"tokenUrl"`
	Token    *oauth2.Token `json:"token"`
}

// tokenPath is $XDG_CONFIG_HOME/helhed/token.json (os.UserConfigDir);
// XDG_CONFIG_HOME is read through the starter's environment so a test
// can point it elsewhere.
func tokenPath(e *env) (string, error) {
	dir := e.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("brugerens konfigurationsmappe kan ikke findes (sæt XDG_CONFIG_HOME): %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "helhed", "token.json"), nil
}

func loginVerb(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: login (indstillinger: OIDC_ISSUER, OIDC_CLI_CLIENT_ID, HELHED_URL)")
	}
	issuer, clientID := e.getenv("OIDC_ISSUER"), e.getenv("OIDC_CLI_CLIENT_ID")
	if issuer == "" {
		return usageError("OIDC_ISSUER er ikke sat: kommunens login (identitetsudbyderens adresse, den samme som workers bruger)")
	}
	if clientID == "" {
		return usageError("OIDC_CLI_CLIENT_ID er ikke sat: starterens offentlige klient hos kommunens login (til log-ind med kode)")
	}
	provider, err := discover(ctx, issuer)
	if err != nil {
		return err
	}
	conf := oauth2.Config{ClientID: clientID, Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", oidc.ScopeOfflineAccess}}
	// A public client has no secret to send in a header.
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	if conf.Endpoint.DeviceAuthURL == "" {
		return fmt.Errorf("kommunens login på %s tilbyder ikke log-ind med kode (device authorization); bed administratoren om at slå det til for %s (OIDC_CLI_CLIENT_ID)", issuer, clientID)
	}
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return fmt.Errorf("kommunens login afviste at begynde log-ind for %s (OIDC_CLI_CLIENT_ID): %s", clientID, providerSays(err))
	}
	fmt.Fprintf(e.stdout, "Åbn %s i en browser, og indtast koden %s\n", da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(e.stdout, "(eller åbn %s, hvor koden er udfyldt)\n", da.VerificationURIComplete)
	}
	fmt.Fprintln(e.stdout, "Venter på, at du logger ind og godkender …")
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case errors.As(err, &re) && re.ErrorCode == "access_denied":
			return errors.New("log-ind blev afvist hos kommunens login")
		case errors.As(err, &re) && re.ErrorCode == "expired_token":
			return errors.New("koden udløb, før den blev godkendt; kør go run ./starter login igen")
		case ctx.Err() != nil:
			return errors.New("log-ind blev afbrudt")
		}
		return fmt.Errorf("kommunens login gav ingen nøgle: %s", providerSays(err))
	}
	k := keptToken{API: apiBase(e), Issuer: issuer, ClientID: clientID, TokenURL: conf.Endpoint.TokenURL, Token: tok}
	path, err := keep(e, k)
	if err != nil {
		return err
	}
	who := ""
	if raw, ok := tok.Extra("id_token").(string); ok {
		if id, err := provider.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw); err == nil {
			var c struct {
				Name string `json:"name"`
			}
			if id.Claims(&c) == nil && c.Name != "" {
				who = " som " + c.Name
			}
		}
	}
	fmt.Fprintf(e.stdout, "Logget ind%s. Nøglen til %s er gemt i %s\n", who, k.API, path)
	if tok.RefreshToken == "" {
		fmt.Fprintln(e.stdout, "Kommunens login gav ingen fornyelsesnøgle: log ind igen, når nøglen udløber", tok.Expiry.Local().Format("15:04"))
	}
	return nil
}

func logoutVerb(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: logout")
	}
	path, err := tokenPath(e)
	if err != nil {
		return err
	}
	switch err := os.Remove(path); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintln(e.stdout, "Du var ikke logget ind.")
	case err != nil:
		return fmt.Errorf("nøglen i %s kan ikke slettes: %w", path, err)
	default:
		fmt.Fprintf(e.stdout, "Logget ud; %s er slettet.\n", path)
	}
	return nil
}

// discover reads the provider's discovery document (shared with the
// workers' sign-in), in the starter's words.
func discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	p, err := operator.DiscoverProvider(ctx, issuer)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("OIDC_ISSUER: kommunens login på %s svarer ikke som en OpenID Connect-udbyder (%s)", issuer, ce.Problem)
		}
		return nil, err
	}
	return p, nil
}

// providerSays is the provider's refusal: its error code and description.
func providerSays(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		if re.ErrorDescription != "" {
			return re.ErrorCode + ": " + re.ErrorDescription
		}
		return re.ErrorCode
	}
	return err.Error()
}

// keep writes k to tokenPath, readable by the user only.
func keep(e *env, k keptToken) (string, error) {
	path, err := tokenPath(e)
	if err != nil {
		return "", err
	}
	raw, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return "", fmt.Errorf("nøglen kan ikke gemmes: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	// Write beside it and rename, so a refresh cut short leaves the old
	// file whole; the mode is set before the token is in it.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".token-*.json")
	if err != nil {
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("nøglen kan ikke gemmes i %s: %w", path, err)
	}
	return path, nil
}

// keptAccessToken is the kept token's access token for this API,
// refreshed (and kept again) when it has expired; ok is false when no
// token is kept for this API.
func keptAccessToken(ctx context.Context, e *env) (token string, ok bool, err error) {
	path, err := tokenPath(e)
	if err != nil {
		return "", false, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("nøglen i %s kan ikke læses (%v); %s", path, err, loginAgain)
	}
	var k keptToken
	if err := json.Unmarshal(raw, &k); err != nil || k.Token == nil {
		return "", false, fmt.Errorf("nøglen i %s har ikke den forventede form; %s", path, loginAgain)
	}
	if k.API != apiBase(e) {
		return "", false, nil
	}
	if k.Token.Valid() {
		return k.Token.AccessToken, true, nil
	}
	if k.Token.RefreshToken == "" {
		return "", false, fmt.Errorf("din nøgle er udløbet; %s", loginAgain)
	}
	conf := oauth2.Config{ClientID: k.ClientID, Endpoint: oauth2.Endpoint{TokenURL: k.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	tok, err := conf.TokenSource(ctx, k.Token).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return "", false, fmt.Errorf("kommunens login afviste at forny din nøgle (%s); %s", providerSays(err), loginAgain)
		}
		return "", false, fmt.Errorf("kommunens login på %s svarer ikke (fornyelse af nøglen): %w", k.Issuer, err)
	}
	k.Token = tok
	if _, err := keep(e, k); err != nil {
		return "", false, err
	}
	return tok.AccessToken, true, nil
}

// clientCredentialsToken is a script's token: the client credentials
// grant with HELHED_CLIENT_ID and HELHED_CLIENT_SECRET (or the file
// HELHED_CLIENT_SECRET_FILE names) at OIDC_ISSUER. The token source is kept
// in e, so a verb of many calls (demo) asks the provider again only when
// the token has expired.
func clientCredentialsToken(ctx context.Context, e *env) (string, error) {
	issuer, id := e.getenv("OIDC_ISSUER"), e.getenv("HELHED_CLIENT_ID")
	if e.scriptTokens == nil {
		if issuer == "" || id == "" {
			return "", usageError("HELHED_CLIENT_SECRET (eller HELHED_CLIENT_SECRET_FILE) er sat: sæt også OIDC_ISSUER og HELHED_CLIENT_ID (scriptets klient hos kommunens login)")
		}
		secret := e.getenv("HELHED_CLIENT_SECRET")
		if secret == "" {
			f := e.getenv("HELHED_CLIENT_SECRET_FILE")
			b, err := os.ReadFile(f)
			if err != nil {
				return "", usageError("HELHED_CLIENT_SECRET_FILE: %s kan ikke læses: %v", f, err)
			}
			secret = strings.TrimSpace(string(b))
		}
		provider, err := discover(ctx, issuer)
		if err != nil {
			return "", err
		}
		conf := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: provider.Endpoint().TokenURL}
		// The source outlives this call's context.
		e.scriptTokens = conf.TokenSource(context.WithoutCancel(ctx))
	}
	tok, err := e.scriptTokens.Token()
	if err != nil {
		return "", fmt.Errorf("kommunens login gav ingen nøgle til klienten %s (HELHED_CLIENT_ID, HELHED_CLIENT_SECRET): %s", id, providerSays(err))
	}
	return tok.AccessToken, nil
}
