package docstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"helhed/docstore"
	"helhed/internal/testpostgres"
	"helhed/internal/teststack"
)

func TestMain(m *testing.M) { testpostgres.Main(m) }

// openPostgres is a store on the test's own database, closed at the end.
func openPostgres(t *testing.T, url string) *docstore.Postgres {
	t.Helper()
	s, err := docstore.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStores: both stores put, get and list alike; the same bytes again
// is a no-op, other bytes are refused, bad keys never reach the store.
func TestStores(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) docstore.Store{
		"dir":      func(t *testing.T) docstore.Store { return docstore.Dir(t.TempDir()) },
		"postgres": func(t *testing.T) docstore.Store { return openPostgres(t, testpostgres.Database(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			if _, err := s.Get(ctx, "reports/2024-25/v1.pdf"); !errors.Is(err, docstore.ErrNotFound) {
				t.Fatalf("get of nothing: %v, want ErrNotFound", err)
			}
			pdf := []byte("%PDF-1.4 første")
			for range 2 {
				if err := s.Put(ctx, "reports/2024-25/v1.pdf", pdf, "application/pdf"); err != nil {
					t.Fatalf("put (again): %v", err)
				}
			}
			if err := s.Put(ctx, "reports/2024-25/v1.pdf", []byte("andet"), "application/pdf"); !errors.Is(err, docstore.ErrConflict) {
				t.Fatalf("put of other bytes: %v, want ErrConflict", err)
			}
			for _, k := range []string{"reports/2024-25/v1.html", "reports/2025-26/v1.html", "meetings/p/k/runs/r/referat.md"} {
				if err := s.Put(ctx, k, []byte("<p>"+k+"</p>"), docstore.ContentType(k)); err != nil {
					t.Fatal(err)
				}
			}
			d, err := s.Get(ctx, "reports/2024-25/v1.pdf")
			if err != nil || string(d.Body) != string(pdf) || d.ContentType != "application/pdf" || d.Size != int64(len(pdf)) {
				t.Fatalf("get: %+v %v", d.Info, err)
			}
			list, err := s.List(ctx, "reports/2024-25/")
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].Key != "reports/2024-25/v1.html" || list[1].Key != "reports/2024-25/v1.pdf" || list[1].Size != int64(len(pdf)) {
				t.Fatalf("list %+v", list)
			}
			if all, err := s.List(ctx, "reports/"); err != nil || len(all) != 3 {
				t.Fatalf("list reports/: %+v %v", all, err)
			}
			if none, err := s.List(ctx, "absence/"); err != nil || len(none) != 0 {
				t.Fatalf("list of nothing: %+v %v", none, err)
			}
			for _, bad := range []string{"", "/etc/passwd", "reports/../../x", "a//b", `a\b`} {
				if err := s.Put(ctx, bad, []byte("x"), ""); err == nil {
					t.Errorf("key %q accepted", bad)
				}
			}
		})
	}
}

// TestTwoReplicas: two stores on one database are two replicas. Both
// putting the same document at once succeed; what one keeps, the other's
// HTTP handler serves.
func TestTwoReplicas(t *testing.T) {
	ctx := context.Background()
	url := testpostgres.Database(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := docstore.Store(a)
			if i%2 == 1 {
				s = b
			}
			errs <- s.Put(ctx, "meetings/p/k/runs/r/referat.md", []byte("# Referat"), "")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent put: %v", err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle(docstore.HandlerPattern, docstore.Handler(b, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	if code, ct, body := get("/api/v1/documents/meetings/p/k/runs/r/referat.md"); code != 200 || body != "# Referat" || ct != "text/markdown; charset=utf-8" {
		t.Fatalf("replica b served %d %q %q", code, ct, body)
	}
	if err := a.Put(ctx, "payload.key", []byte("hemmelig"), ""); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"/api/v1/documents/meetings/p/k/runs/r/intet.md": 404,
		"/api/v1/documents/payload.key":                  400, // not under a served prefix
		"/api/v1/documents/meetings/p/../../payload.key": 400,
	} {
		if code, _, body := get(path); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
}

// TestPostgresRestart: while the database is down a put returns an error
// (no panic) and /healthz's ping fails; once it is back the same store
// works again without being reopened.
func TestPostgresRestart(t *testing.T) {
	ctx := context.Background()
	pg := testpostgres.Shared(t)
	s := openPostgres(t, testpostgres.Database(t))
	if err := s.Put(ctx, "absence/p/q/runs/r1/kvartalsnotat.md", []byte("før"), ""); err != nil {
		t.Fatal(err)
	}
	if err := pg.StopServer(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = pg.StartServer()
		}
	}()
	if err := s.Put(ctx, "absence/p/q/runs/r2/kvartalsnotat.md", []byte("under"), ""); err == nil {
		t.Fatal("put succeeded with the database down")
	}
	if _, err := s.Get(ctx, "absence/p/q/runs/r1/kvartalsnotat.md"); err == nil || errors.Is(err, docstore.ErrNotFound) {
		t.Fatalf("get with the database down: %v, want a connection error", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("ping succeeded with the database down")
	}
	if err := pg.StartServer(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	teststack.Eventually(t, "a put after the restart", func() error {
		return s.Put(ctx, "absence/p/q/runs/r2/kvartalsnotat.md", []byte("efter"), "")
	})
	d, err := s.Get(ctx, "absence/p/q/runs/r1/kvartalsnotat.md")
	if err != nil || string(d.Body) != "før" {
		t.Fatalf("after the restart: %q %v", d.Body, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(fmt.Errorf("ping after the restart: %w", err))
	}
}
