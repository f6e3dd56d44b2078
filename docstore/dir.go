package docstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"helhed/fsutil"
)

// Dir is a store in a local directory: key a/b.md is the file <dir>/a/b.md.
// It is what `workers -dev` uses; only the process that has the directory
// reaches it, and it assumes one writer per key at a time.
type Dir string

func (d Dir) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(string(d), filepath.FromSlash(key)), nil
}

// Put implements Store.
func (d Dir) Put(_ context.Context, key string, body []byte, _ string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(p); err == nil {
		if !bytes.Equal(old, body) {
			return fmt.Errorf("put %s: %w", key, ErrConflict)
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return fsutil.WriteAtomic(p, body, 0o600)
}

// Get implements Store.
func (d Dir) Get(_ context.Context, key string) (Document, error) {
	p, err := d.path(key)
	if err != nil {
		return Document{}, err
	}
	body, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Document{}, fmt.Errorf("get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("get %s: %w", key, err)
	}
	info := Info{Key: key, ContentType: ContentType(key), Size: int64(len(body)), SHA256: digest(body)}
	if st, err := os.Stat(p); err == nil {
		info.Created = st.ModTime()
	}
	return Document{Info: info, Body: body}, nil
}

// List implements Store. It walks the directory the prefix names up to
// its last slash; the atomic writer's temporary files are left out.
func (d Dir) List(_ context.Context, prefix string) ([]Info, error) {
	base, _ := path.Split(prefix)
	root := string(d)
	if base != "" {
		p, err := d.path(strings.TrimSuffix(base, "/"))
		if err != nil {
			return nil, err
		}
		root = p
	}
	var out []Info
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(string(d), p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		st, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, Info{Key: key, ContentType: ContentType(key), Size: st.Size(), Created: st.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping implements Store.
func (d Dir) Ping(context.Context) error {
	if _, err := os.Stat(string(d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Close implements Store.
func (Dir) Close() error { return nil }
