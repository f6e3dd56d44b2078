package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"helhed/config"
)

// apiBase is the operator API the CLI talks to for every verb that
// reaches the workers (so an operator's machine holds no payload key and
// no Temporal access): HELHED_URL, else http://$HTTP_ADDR, else the
// default address.
func apiBase(e *env) string {
	if u := e.getenv("HELHED_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	if a := e.getenv("HTTP_ADDR"); a != "" {
		return "http://" + a
	}
	return "http://127.0.0.1:8080"
}

// apiError is the operator API's refusal: its status and JSON body.
type apiError struct {
	Status     int    `json:"-"`
	Message    string `json:"error"`
	Field      string `json:"field"`
	Code       string `json:"code"` // the run layer's (runs.Code), for run verbs
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	Outcome    string `json:"outcome"`
}

func (e *apiError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (HTTP %d)", e.Field, e.Message, e.Status)
	}
	return fmt.Sprintf("%s (HTTP %d)", e.Message, e.Status)
}

// bearerToken chooses the token apiCall sends: OPERATOR_TOKEN (-dev,
// break-glass) wins; then a script's client credentials
// (HELHED_CLIENT_SECRET or HELHED_CLIENT_SECRET_FILE set); then the person's
// token from `starter login`, when kept for this API; else the one
// `workers -dev` keeps in $DATA_DIR/operator.token.
// personal reports the login's token, whose refusal asks for a new login.
func bearerToken(ctx context.Context, e *env) (token string, personal bool, err error) {
	if t := e.getenv("OPERATOR_TOKEN"); t != "" {
		return t, false, nil
	}
	if e.getenv("HELHED_CLIENT_SECRET") != "" || e.getenv("HELHED_CLIENT_SECRET_FILE") != "" {
		t, err := clientCredentialsToken(ctx, e)
		return t, false, err
	}
	if t, ok, err := keptAccessToken(ctx, e); err != nil || ok {
		return t, ok, err
	}
	t, err := devKept(e, "OPERATOR_TOKEN", config.OperatorTokenFile)
	if err != nil {
		return "", false, fmt.Errorf("%w; eller log ind: go run ./starter login", err)
	}
	return t, false, nil
}

// apiCall sends a request with the bearerToken and decodes a JSON answer
// into out (when non-nil). A non-2xx answer becomes an error carrying the
// API's message.
func apiCall(ctx context.Context, e *env, method, path, contentType string, body io.Reader, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	token, personal, err := bearerToken(ctx, e)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, apiBase(e)+path, body)
	if err != nil {
		return usageError("operatør-API'ets adresse %q er ugyldig; tjek HELHED_URL eller HTTP_ADDR", apiBase(e))
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("operatør-API'et på %s svarer ikke (kører workers? sæt HELHED_URL)", apiBase(e))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("svaret fra operatør-API'et på %s kunne ikke læses", apiBase(e))
	}
	if resp.StatusCode/100 != 2 {
		apiErr := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(raw, apiErr) == nil && apiErr.Message != "" {
			if personal && resp.StatusCode == http.StatusUnauthorized {
				return fmt.Errorf("%w; %s", apiErr, loginAgain)
			}
			return apiErr
		}
		return fmt.Errorf("operatør-API'et svarede HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return errors.New("operatør-API'ets svar har ikke den forventede form")
		}
	}
	return nil
}
