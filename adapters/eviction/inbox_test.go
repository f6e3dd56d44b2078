package eviction

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// race runs Claim on two inboxes over the same folder (two replicas) at
// once and returns what each claimed, by dropped name.
func race(t *testing.T, dir string, lease time.Duration) map[string][]int {
	t.Helper()
	var mu sync.Mutex
	got := map[string][]int{}
	var wg sync.WaitGroup
	for replica := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			claims, err := (&Inbox{Dir: dir, Settle: time.Nanosecond, Lease: lease}).Claim()
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, c := range claims {
				if filepath.Dir(c.Path) != filepath.Join(dir, inboxProcessing) {
					t.Errorf("claimed %s outside processing/", c.Path)
				}
				got[c.Name] = append(got[c.Name], replica)
			}
		}()
	}
	wg.Wait()
	return got
}

// TestInboxClaimedOnce: two replicas racing over the same inbox claim
// every file exactly once, a claim whose lease ran out (its replica died)
// is taken over exactly once, and a live claim is left alone.
func TestInboxClaimedOnce(t *testing.T) {
	dir := t.TempDir()
	const files = 200
	old := time.Now().Add(-time.Hour)
	for i := range files {
		p := filepath.Join(dir, "liste-"+strconv.Itoa(i)+".csv")
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	got := race(t, dir, time.Hour)
	if len(got) != files {
		t.Fatalf("%d files claimed, want %d", len(got), files)
	}
	for name, by := range got {
		if len(by) != 1 {
			t.Errorf("%s claimed %d times", name, len(by))
		}
	}
	// Nothing is taken twice: the claims are fresh.
	if again := race(t, dir, time.Hour); len(again) != 0 {
		t.Fatalf("live claims taken over: %v", again)
	}

	// The replica holding them died: once their lease has run out, each
	// is taken over once, under its dropped name.
	entries, err := os.ReadDir(filepath.Join(dir, inboxProcessing))
	if err != nil || len(entries) != files {
		t.Fatalf("processing/ holds %d (%v)", len(entries), err)
	}
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(dir, inboxProcessing, e.Name()), old, old); err != nil {
			t.Fatal(err)
		}
	}
	taken := race(t, dir, time.Minute)
	if len(taken) != files {
		t.Fatalf("%d stale claims taken over, want %d", len(taken), files)
	}
	for name, by := range taken {
		if len(by) != 1 {
			t.Errorf("stale %s taken over %d times", name, len(by))
		}
		if _, ok := got[name]; !ok {
			t.Errorf("taken over under a new name %q", name)
		}
	}
}

// TestInboxReady: the watch wakes for a complete file or a claim whose
// lease ran out, not for a file still being written, a live claim or a
// file that is not *.csv; Await returns false when nothing came.
func TestInboxReady(t *testing.T) {
	dir := t.TempDir()
	b := &Inbox{Dir: dir, Settle: time.Minute, Lease: time.Minute, Poll: time.Millisecond}
	ready := func() bool {
		t.Helper()
		ok, err := b.Ready()
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	write := func(path string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if ready() {
		t.Fatal("an empty inbox is ready")
	}
	if ok, err := b.Await(t.Context(), 20*time.Millisecond); ok || err != nil {
		t.Fatalf("await on an empty inbox: %v %v", ok, err)
	}
	write(filepath.Join(dir, "skrives.csv"), 0)
	write(filepath.Join(dir, "noter.txt"), time.Hour)
	write(filepath.Join(dir, inboxProcessing, "0123456789abcdef.taget.csv"), 0)
	if ready() {
		t.Fatal("ready for a file being written, a live claim or a non-CSV file")
	}
	write(filepath.Join(dir, inboxProcessing, "0123456789abcdef.taget.csv"), time.Hour)
	if !ready() {
		t.Fatal("not ready for a claim whose lease ran out")
	}
	if err := os.Remove(filepath.Join(dir, inboxProcessing, "0123456789abcdef.taget.csv")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "skrives.csv"), 2*time.Minute)
	if ok, err := b.Await(t.Context(), time.Hour); !ok || err != nil {
		t.Fatalf("await with a complete file: %v %v", ok, err)
	}
}
