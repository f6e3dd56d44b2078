// Package docstore keeps the documents helhed renders and files (annual
// reports, meeting documents, absence notes, kept arrears lists) where
// every replica reaches them: a directory in dev (DATA_DIR), PostgreSQL in
// production (DOCUMENT_STORE=postgres://…). Documents are written once: a
// put of the same bytes under an existing key succeeds (a retried activity),
// a put of other bytes fails with ErrConflict, so a document that was sent
// or approved is never overwritten. Callers that keep versions name them in
// the key (reports/<year>/v<N>.pdf, …/runs/<run id>/…).
package docstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"time"
)

// Store keeps documents by key. Keys are slash-separated relative paths
// (see CheckKey).
type Store interface {
	// Put keeps body under key; the same bytes again is a no-op, other
	// bytes are ErrConflict.
	Put(ctx context.Context, key string, body []byte, contentType string) error
	// Get returns the document under key, ErrNotFound when there is none.
	Get(ctx context.Context, key string) (Document, error)
	// List returns the documents whose keys start with prefix, by key,
	// without their bodies.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Ping says whether the store can be reached (for /healthz).
	Ping(ctx context.Context) error
	Close() error
}

// Info describes a kept document.
type Info struct {
	Key         string
	ContentType string
	Size        int64
	SHA256      string // hex
	Created     time.Time
}

// Document is a kept document with its body.
type Document struct {
	Info
	Body []byte
}

var (
	// ErrNotFound is returned by Get for a key that holds nothing.
	ErrNotFound = errors.New("document not found")
	// ErrConflict is returned by Put when the key holds other bytes.
	ErrConflict = errors.New("document exists with other content")
)

// Open returns the store setting names: empty is the directory dataDir,
// postgres://… or postgresql://… a PostgreSQL database (its table is
// created if missing).
func Open(ctx context.Context, setting, dataDir string) (Store, error) {
	switch {
	case setting == "":
		return Dir(dataDir), nil
	case strings.HasPrefix(setting, "postgres://"), strings.HasPrefix(setting, "postgresql://"):
		return OpenPostgres(ctx, setting)
	default:
		return nil, errors.New("DOCUMENT_STORE: want postgres://… (or unset for DATA_DIR)")
	}
}

// CheckKey refuses a key that is empty, absolute, has empty, "." or ".."
// segments, or a backslash or NUL, so a key can never leave the store's
// directory.
func CheckKey(key string) error {
	if key == "" || strings.ContainsAny(key, "\\\x00") || path.IsAbs(key) {
		return fmt.Errorf("bad document key %q", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("bad document key %q", key)
		}
	}
	return nil
}

// ContentType is the content type of a key by its extension (Markdown and
// CSV as UTF-8 text), application/octet-stream when unknown.
func ContentType(key string) string {
	switch ext := strings.ToLower(path.Ext(key)); ext {
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

func digest(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
