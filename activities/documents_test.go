package activities

import (
	"os"
	"path/filepath"
	"testing"
)

// TestKeepDocumentVersionsByRun: a relaunched round's document replaces
// the latest but leaves the first run's copy as it was sent; a retry of
// the same run rewrites the same files.
func TestKeepDocumentVersionsByRun(t *testing.T) {
	dir := t.TempDir()
	read := func(parts ...string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(append([]string{dir}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, step := range []struct{ run, md string }{{"run-1", "første"}, {"run-1", "første"}, {"run-2", "anden"}} {
		paths, err := KeepDocument(dir, "referat", step.run, step.md, "<p>"+step.md+"</p>")
		if err != nil {
			t.Fatal(err)
		}
		if paths[0] != filepath.Join(dir, "referat.md") || paths[1] != filepath.Join(dir, "referat.html") {
			t.Fatalf("paths %v", paths)
		}
	}
	if read("referat.md") != "anden" || read("runs", "run-1", "referat.md") != "første" ||
		read("runs", "run-2", "referat.html") != "<p>anden</p>" {
		t.Fatal("documents not kept per run")
	}
	for _, bad := range []string{"", "..", "a/b"} {
		if _, err := KeepDocument(dir, "referat", bad, "x", "x"); err == nil {
			t.Errorf("run id %q accepted", bad)
		}
	}
}
