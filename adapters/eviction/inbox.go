package eviction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"helhed/arrears"
	"helhed/danish"
	"helhed/workflows/eviction"
)

// Inbox picks up arrears lists dropped as *.csv files in a folder
// ($DATA_DIR/inbox). A file is claimed by moving it to processing/, which
// only one worker can do; after the import it moves to done/ (or failed/
// when the file as a whole is unreadable) with <name>.result.json beside
// it. A copy kept in done/ has every CPR-like value blanked out.
type Inbox struct {
	Dir      string
	Importer *Importer
	// Settle is how long a file must be unchanged before it is taken, so a
	// file still being copied in is left alone (default 5 s).
	Settle time.Duration
	Log    *slog.Logger
}

// Sub-folders of the inbox.
const (
	inboxProcessing = "processing"
	inboxDone       = "done"
	inboxFailed     = "failed"
)

// Prepare makes the inbox and its sub-folders.
func (b *Inbox) Prepare() error {
	for _, d := range []string{"", inboxProcessing, inboxDone, inboxFailed} {
		if err := os.MkdirAll(filepath.Join(b.Dir, d), 0o750); err != nil {
			return fmt.Errorf("arrears inbox: %w", err)
		}
	}
	return nil
}

// Scan imports every settled file, first any a crashed scan left in
// processing/ (importing again is harmless: cases recognise the list).
func (b *Inbox) Scan(ctx context.Context) (eviction.InboxReport, error) {
	if err := b.Prepare(); err != nil {
		return eviction.InboxReport{}, err
	}
	var report eviction.InboxReport
	left, err := b.csvFiles(filepath.Join(b.Dir, inboxProcessing), 0)
	if err != nil {
		return report, err
	}
	settle := b.Settle
	if settle == 0 {
		settle = 5 * time.Second
	}
	fresh, err := b.csvFiles(b.Dir, settle)
	if err != nil {
		return report, err
	}
	for _, name := range fresh {
		if err := os.Rename(filepath.Join(b.Dir, name), filepath.Join(b.Dir, inboxProcessing, name)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // another worker took it
			}
			return report, fmt.Errorf("claim %s: %w", name, err)
		}
		left = append(left, name)
	}
	for _, name := range left {
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, name)
		}
		f, err := b.importFile(ctx, name)
		if err != nil {
			return report, err
		}
		report.Files = append(report.Files, f)
	}
	return report, nil
}

// csvFiles lists *.csv files in dir not modified within settle.
func (b *Inbox) csvFiles(dir string, settle time.Duration) ([]string, error) {
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
		if time.Since(info.ModTime()) >= settle {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// importFile imports processing/name and files it away.
func (b *Inbox) importFile(ctx context.Context, name string) (eviction.InboxFile, error) {
	src := filepath.Join(b.Dir, inboxProcessing, name)
	body, err := os.ReadFile(src)
	if err != nil {
		return eviction.InboxFile{}, fmt.Errorf("read %s: %w", name, err)
	}
	today := eviction.DateOf(time.Now())
	res, err := b.Importer.Import(ctx, body, today, nil)
	var fe *arrears.FileError
	if errors.As(err, &fe) {
		out := eviction.InboxFile{Name: name, Status: "failed", Error: fe.Message}
		// The message is Danish and for the operator (in the result file);
		// the log gets the English reason.
		b.log().Warn("arrears inbox: file rejected", "file", name, "reason", fe.Reason)
		return out, b.file(src, inboxFailed, name, body, fe)
	}
	if err != nil {
		return eviction.InboxFile{}, fmt.Errorf("import %s: %w", name, err)
	}
	out := eviction.InboxFile{Name: name, Status: "done", Accepted: res.Accepted, Duplicates: res.Duplicates, Rejected: len(res.Rejected)}
	b.log().Info("arrears inbox: list imported", "file", name, "list", res.ListID,
		"accepted", res.Accepted, "duplicates", res.Duplicates, "rejected", len(res.Rejected))
	return out, b.file(src, inboxDone, name, body, res)
}

// file moves a processed file to folder with its result beside it. The
// kept copy has CPR-like values blanked (they are ASCII digits, so this
// works on UTF-8 and Windows-1252 bytes alike).
func (b *Inbox) file(src, folder, name string, body []byte, result any) error {
	dst := filepath.Join(b.Dir, folder, name)
	if _, err := os.Stat(dst); err == nil {
		dst = filepath.Join(b.Dir, folder, time.Now().UTC().Format("20060102T150405")+"-"+name)
	}
	res, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return fmt.Errorf("encode result of %s: %w", name, err)
	}
	if err := os.WriteFile(dst+".result.json", res, 0o640); err != nil {
		return fmt.Errorf("write result of %s: %w", name, err)
	}
	if redacted := danish.RedactCPR(string(body)); redacted != string(body) {
		if err := os.WriteFile(dst, []byte(redacted), 0o640); err != nil {
			return fmt.Errorf("keep %s: %w", name, err)
		}
		return os.Remove(src)
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("move %s to %s: %w", name, folder, err)
	}
	return nil
}

func (b *Inbox) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}
