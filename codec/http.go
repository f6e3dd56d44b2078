package codec

import (
	"fmt"
	"net/http"

	"go.temporal.io/sdk/converter"
)

// HTTPPath is where the codec server answers on HTTP_ADDR: the Temporal UI
// and `temporal … --codec-endpoint` post to HTTPPath+"/encode" and
// HTTPPath+"/decode". It lies under /operator/ because the operator pages'
// session cookie is scoped to that path, and the embedded UI can only
// send a cookie (it has no token of ours to forward).
const HTTPPath = "/operator/codec"

// maxHTTPBody bounds a request: the payloads of one history page, never a
// file upload.
const maxHTTPBody = 4 << 20

// NewHTTPHandler serves the codec-server protocol for c
// (converter.NewPayloadCodecHTTPHandler) behind auth, with CORS for the
// Temporal UI at uiOrigin: the UI's pages may send its headers with
// credentials and read the answer. A request from any other browser origin
// is refused before auth (so a logged-in operator's cookie cannot be used
// from another page); requests without an Origin (the temporal CLI) pass
// to auth. An empty uiOrigin admits no browser.
func NewHTTPHandler(c converter.PayloadCodec, uiOrigin string, auth func(http.Handler) http.Handler) http.Handler {
	protocol := auth(http.MaxBytesHandler(converter.NewPayloadCodecHTTPHandler(c), maxHTTPBody))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		switch {
		case origin == "":
		case origin != uiOrigin:
			http.Error(w, fmt.Sprintf("kodekserveren svarer ikke sider fra %s; Temporal UI'ets adresse sættes i TEMPORAL_UI_ORIGIN", origin), http.StatusForbidden)
			return
		default:
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions {
			// A preflight carries no credentials; it only learns what the
			// real request may send.
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization, Authorization-Extras")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		protocol.ServeHTTP(w, r)
	})
}
