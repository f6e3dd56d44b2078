package codec

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	testToken  = "codec-test-token"
	testOrigin = "http://127.0.0.1:8233"
)

// bearerOnly stands in for the operator's authentication.
func bearerOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func codecServer(t *testing.T, uiOrigin string) *httptest.Server {
	t.Helper()
	c, err := New([][]byte{newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(HTTPPath+"/", NewHTTPHandler(c, uiOrigin, bearerOnly))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestHTTPRoundTrip speaks the protocol as the SDK's remote codec (the
// temporal CLI's --codec-endpoint) does: what encode returns is sealed,
// and decode gives back the original payload.
func TestHTTPRoundTrip(t *testing.T) {
	srv := codecServer(t, testOrigin)
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
		Endpoint: srv.URL + HTTPPath,
		ModifyRequest: func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+testToken)
			r.Header.Set("X-Namespace", "default")
			return nil
		},
	})
	original, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"partner": "skole-x"})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := remote.Encode([]*commonpb.Payload{original})
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 1 || string(sealed[0].GetMetadata()[converter.MetadataEncoding]) != Encoding || bytes.Contains(sealed[0].GetData(), []byte("skole-x")) {
		t.Fatalf("encode did not seal: %v", sealed)
	}
	opened, err := remote.Decode(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || !proto.Equal(opened[0], original) {
		t.Fatalf("decode gave %v, want %v", opened, original)
	}
}

func preflight(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestHTTPCORS: the UI's origin may send its headers with credentials;
// another origin's preflight and request are refused, even with the
// token, and with no UI origin set every browser origin is.
func TestHTTPCORS(t *testing.T) {
	srv := codecServer(t, testOrigin)
	decode := srv.URL + HTTPPath + "/decode"

	resp := preflight(t, decode, testOrigin)
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != testOrigin ||
		h.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("preflight from the UI: %d %v", resp.StatusCode, h)
	}
	allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"authorization", "content-type", "x-namespace"} {
		if !strings.Contains(allowed, want) {
			t.Errorf("preflight allows headers %q, not %s", allowed, want)
		}
	}

	for _, c := range []struct{ name, uiOrigin, origin string }{
		{"another origin", testOrigin, "http://127.0.0.1:9999"},
		{"no UI origin set", "", testOrigin},
	} {
		url := codecServer(t, c.uiOrigin).URL + HTTPPath + "/decode"
		if resp := preflight(t, url, c.origin); resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: preflight answered %d %v", c.name, resp.StatusCode, resp.Header)
		}
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"payloads":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: POST with the token answered %d", c.name, resp.StatusCode)
		}
	}
}
