package docstore

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"helhed/web"
)

// Served are the key prefixes Handler serves. In dev the store is DATA_DIR
// itself, which also holds secrets, the embedded server's database and
// the arrears lists still waiting with their CPR numbers, so everything
// else stays unreachable.
var Served = []string{"reports/", "meetings/", "absence/", "inbox/done/", "inbox/failed/"}

// HandlerPattern is the route Handler answers (operator access).
const HandlerPattern = "GET /api/v1/documents/{key...}"

// Handler serves GET /api/v1/documents/{key...}: any kept document under
// Served, from whichever replica answers. log gets the store's errors,
// which the answers leave out.
func Handler(s Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		if CheckKey(key) != nil || !served(key) {
			web.WriteError(w, http.StatusBadRequest, "dokumentets navn er ugyldigt; det begynder med "+strings.Join(Served, ", "), "key")
			return
		}
		doc, err := s.Get(r.Context(), key)
		if errors.Is(err, ErrNotFound) {
			web.WriteError(w, http.StatusNotFound, "dokumentet "+key+" findes ikke", "key")
			return
		}
		if err != nil {
			log.Error("read document", "key", key, "err", err)
			web.WriteError(w, http.StatusServiceUnavailable, "dokumentlageret kunne ikke læses; prøv igen om lidt, eller se workerens log", "")
			return
		}
		Serve(w, r, doc)
	})
}

func served(key string) bool {
	for _, p := range Served {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Serve answers r with doc (its content type, ranges and If-Modified-Since
// as http.ServeContent does them).
func Serve(w http.ResponseWriter, r *http.Request, doc Document) {
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if doc.SHA256 != "" {
		w.Header().Set("ETag", `"`+doc.SHA256+`"`)
	}
	http.ServeContent(w, r, "", doc.Created, bytes.NewReader(doc.Body))
}
