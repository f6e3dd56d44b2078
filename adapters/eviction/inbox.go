package eviction

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"helhed/arrears"
	"helhed/danish"
	"helhed/docstore"
	"helhed/workflows/eviction"
)

// Inbox picks up arrears lists dropped as *.csv files in a folder
// ($DATA_DIR/inbox; with several replicas, a folder they share on one file
// system). A file is claimed by renaming it into processing/ under a name
// only the claimer knows (<random>.<name>): a rename is atomic, so of two
// replicas racing for a file exactly one gets it and the other finds it
// gone. The claimer refreshes the claimed file's modification time while it
// imports; a claim left unrefreshed for Lease (its worker died) is taken
// over by the next scan the same way, by a rename. After the import the
// file is kept in the document store under inbox/done/ (or inbox/failed/
// when the file as a whole is unreadable) with <name>.result.json beside
// it, every CPR-like value blanked out, and removed from processing/.
type Inbox struct {
	Dir      string
	Docs     docstore.Store
	Importer *Importer
	// Settle is how long a file must be unchanged before it is taken, so a
	// file still being copied in is left alone (default 5 s).
	Settle time.Duration
	// Poll is how often Await lists the inbox (default 5 s).
	Poll time.Duration
	// Lease is how long a claim lives without being refreshed (default
	// 5 min, the scan activity's heartbeat timeout); the claimer refreshes
	// it every Lease/5.
	Lease time.Duration
	Log   *slog.Logger
}

// inboxProcessing is the sub-folder claimed files wait in.
const inboxProcessing = "processing"

// Key prefixes of the kept copies in the document store.
const (
	keptDone   = "inbox/done/"
	keptFailed = "inbox/failed/"
)

// claimedName is a claimed file's name in processing/: the claim's random
// token, a dot, the name it was dropped under.
var claimedName = regexp.MustCompile(`^[0-9a-f]{16}\.(.+)$`)

// Prepare makes the inbox and its processing/ folder.
func (b *Inbox) Prepare() error {
	for _, d := range []string{"", inboxProcessing} {
		if err := os.MkdirAll(filepath.Join(b.Dir, d), 0o750); err != nil {
			return fmt.Errorf("arrears inbox: %w", err)
		}
	}
	return nil
}

// Scan imports every file it claims (see Claim).
func (b *Inbox) Scan(ctx context.Context) (eviction.InboxReport, error) {
	var report eviction.InboxReport
	claims, err := b.Claim()
	if err != nil {
		return report, err
	}
	for _, c := range claims {
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, c.Name)
		}
		f, err := b.importClaimed(ctx, c)
		if err != nil {
			return report, err
		}
		report.Files = append(report.Files, f)
	}
	return report, nil
}

// Claimed is a file this inbox claimed: Path in processing/, Name as it
// was dropped.
type Claimed struct {
	Path, Name string
}

func (b *Inbox) lease() time.Duration {
	if b.Lease > 0 {
		return b.Lease
	}
	return 5 * time.Minute
}

// Claim takes the claims in processing/ whose lease ran out (a crashed
// scan's), then every complete *.csv file in the inbox. Each is renamed to
// a fresh claimed name; a file another replica took first is skipped.
func (b *Inbox) Claim() ([]Claimed, error) {
	if err := b.Prepare(); err != nil {
		return nil, err
	}
	var out []Claimed
	for _, src := range b.sources() {
		names, err := b.csvFiles(src.dir, src.age)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			c, ok, err := b.take(filepath.Join(src.dir, name))
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// inboxSource is a folder Claim takes files from, and how long a file
// there must have been left unchanged to be taken.
type inboxSource struct {
	dir string
	age time.Duration
}

// sources are processing/ (claims whose lease ran out) and the inbox
// (complete files). A file is complete once its modification time is
// Settle old: a copy still being written keeps moving it, and a file
// renamed into place keeps the time of its last write.
func (b *Inbox) sources() []inboxSource {
	settle := b.Settle
	if settle == 0 {
		settle = 5 * time.Second
	}
	return []inboxSource{{filepath.Join(b.Dir, inboxProcessing), b.lease()}, {b.Dir, settle}}
}

// Ready reports whether Claim would take something: a complete file, or a
// claim whose lease ran out.
func (b *Inbox) Ready() (bool, error) {
	if err := b.Prepare(); err != nil {
		return false, err
	}
	for _, src := range b.sources() {
		names, err := b.csvFiles(src.dir, src.age)
		if err != nil || len(names) > 0 {
			return len(names) > 0, err
		}
	}
	return false, nil
}

// Await lists the inbox every Poll (default 5 s) until Ready, and returns
// true then, or false after maxWait. The listing is local (no Temporal
// call), and works on a folder shared over the network, where file-system
// events from other machines do not arrive; a claim's lease running out
// makes no event either.
func (b *Inbox) Await(ctx context.Context, maxWait time.Duration) (bool, error) {
	poll := b.Poll
	if poll == 0 {
		poll = 5 * time.Second
	}
	deadline := time.NewTimer(maxWait)
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		ready, err := b.Ready()
		if err != nil || ready {
			return ready, err
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-deadline.C:
			return false, nil
		case <-tick.C:
		}
	}
}

// take renames path to a new claimed name in processing/. Its time is set
// first, so the claim is fresh the moment it exists and no other scan
// takes it over as stale. false: another replica took it first.
func (b *Inbox) take(path string) (Claimed, bool, error) {
	name := filepath.Base(path)
	if m := claimedName.FindStringSubmatch(name); m != nil && filepath.Dir(path) != b.Dir {
		name = m[1]
	}
	token := make([]byte, 8)
	if _, err := rand.Read(token); err != nil {
		return Claimed{}, false, err
	}
	to := filepath.Join(b.Dir, inboxProcessing, hex.EncodeToString(token)+"."+name)
	now := time.Now()
	err := os.Chtimes(path, now, now)
	if err == nil {
		err = os.Rename(path, to)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return Claimed{}, false, nil
	}
	if err != nil {
		return Claimed{}, false, fmt.Errorf("claim %s: %w", name, err)
	}
	return Claimed{Path: to, Name: name}, true, nil
}

// hold refreshes c's claim (and the activity's heartbeat) every Lease/5
// until the returned stop is called.
func (b *Inbox) hold(ctx context.Context, c Claimed) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(b.lease() / 5)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				if err := os.Chtimes(c.Path, now, now); err != nil {
					b.log().Warn("arrears inbox: claim lost", "file", c.Name, "err", err)
				}
				if activity.IsActivity(ctx) {
					activity.RecordHeartbeat(ctx, c.Name)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// csvFiles lists *.csv files in dir not modified within age.
func (b *Inbox) csvFiles(dir string, age time.Duration) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("arrears inbox: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".csv") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if time.Since(info.ModTime()) >= age {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// importClaimed imports a claimed file and files it away.
func (b *Inbox) importClaimed(ctx context.Context, c Claimed) (eviction.InboxFile, error) {
	stop := b.hold(ctx, c)
	defer stop()
	body, err := os.ReadFile(c.Path)
	if err != nil {
		return eviction.InboxFile{}, fmt.Errorf("read %s: %w", c.Name, err)
	}
	today := eviction.DateOf(time.Now())
	res, err := b.Importer.Import(ctx, body, today, nil)
	var fe *arrears.FileError
	if errors.As(err, &fe) {
		out := eviction.InboxFile{Name: c.Name, Status: "failed", Error: fe.Message}
		// The message is Danish and for the operator (in the result file);
		// the log gets the English reason.
		b.log().Warn("arrears inbox: file rejected", "file", c.Name, "reason", fe.Reason)
		return out, b.keep(ctx, c, keptFailed, body, fe)
	}
	if err != nil {
		return eviction.InboxFile{}, fmt.Errorf("import %s: %w", c.Name, err)
	}
	out := eviction.InboxFile{Name: c.Name, Status: "done", Accepted: res.Accepted, Duplicates: res.Duplicates, Rejected: len(res.Rejected)}
	b.log().Info("arrears inbox: list imported", "file", c.Name, "list", res.ListID,
		"accepted", res.Accepted, "duplicates", res.Duplicates, "rejected", len(res.Rejected))
	return out, b.keep(ctx, c, keptDone, body, res)
}

// keep puts a processed file in the document store under prefix with its
// result beside it, then removes the claimed file. A name kept before with
// other content (the list dropped again) gets a time stamp in front. The
// kept copy has CPR-like values blanked (they are ASCII digits, so this
// works on UTF-8 and Windows-1252 bytes alike).
func (b *Inbox) keep(ctx context.Context, c Claimed, prefix string, body []byte, result any) error {
	res, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return fmt.Errorf("encode result of %s: %w", c.Name, err)
	}
	kept := []byte(danish.RedactCPR(string(body)))
	put := func(key string) error {
		if err := b.Docs.Put(ctx, key, kept, "text/csv"); err != nil {
			return err
		}
		return b.Docs.Put(ctx, key+".result.json", res, "application/json")
	}
	err = put(prefix + c.Name)
	if errors.Is(err, docstore.ErrConflict) {
		err = put(prefix + time.Now().UTC().Format("20060102T150405") + "-" + c.Name)
	}
	if err != nil {
		return fmt.Errorf("keep %s: %w", c.Name, err)
	}
	if err := os.Remove(c.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s from processing: %w", c.Name, err)
	}
	return nil
}

func (b *Inbox) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}
