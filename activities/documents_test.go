package activities

import (
	"context"
	"errors"
	"testing"

	"helhed/docstore"
)

// TestKeepDocumentVersionsByRun: a relaunched round keeps its document
// beside the first run's, which stays as it was sent; a retry of the same
// run puts the same bytes again; the same run never gets other bytes.
func TestKeepDocumentVersionsByRun(t *testing.T) {
	ctx := context.Background()
	docs := docstore.Dir(t.TempDir())
	read := func(key string) string {
		t.Helper()
		d, err := docs.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(d.Body)
	}
	for _, step := range []struct{ run, md string }{{"run-1", "første"}, {"run-1", "første"}, {"run-2", "anden"}} {
		keys, err := KeepDocument(ctx, docs, "meetings/p/k", "referat", step.run, step.md, "<p>"+step.md+"</p>")
		if err != nil {
			t.Fatal(err)
		}
		if want := "meetings/p/k/runs/" + step.run + "/referat"; keys[0] != want+".md" || keys[1] != want+".html" {
			t.Fatalf("keys %v", keys)
		}
	}
	if read("meetings/p/k/runs/run-1/referat.md") != "første" || read("meetings/p/k/runs/run-2/referat.html") != "<p>anden</p>" {
		t.Fatal("documents not kept per run")
	}
	if _, err := KeepDocument(ctx, docs, "meetings/p/k", "referat", "run-1", "ændret", "x"); !errors.Is(err, docstore.ErrConflict) {
		t.Errorf("other bytes for the same run: %v, want ErrConflict", err)
	}
	for _, bad := range []string{"", "..", "a/b"} {
		if _, err := KeepDocument(ctx, docs, "meetings/p/k", "referat", bad, "x", "x"); err == nil {
			t.Errorf("run id %q accepted", bad)
		}
	}
}
