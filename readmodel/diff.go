package readmodel

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Drift is how a kind's live read model differed from the rebuilt one.
type Drift struct {
	Missing int `json:"missing"` // wanted keys Redis did not have
	Extra   int `json:"extra"`   // owned keys no run accounts for
	Changed int `json:"changed"` // keys whose content differed
	// Kept are owned keys no run accounts for that were left in place,
	// because a run of the kind could not be read and they may be its.
	// They are not in Total.
	Kept int `json:"kept,omitempty"`
	// Raced are keys the workflows wrote (or deleted) live while the
	// reconcile ran: newer than what it read, so they were left as the
	// live writer left them, with only the model's missing fields and
	// members added. They are not in Total; the next reconcile looks at
	// them again.
	Raced int `json:"raced,omitempty"`
}

// Total is the number of keys that were wrong.
func (d Drift) Total() int { return d.Missing + d.Extra + d.Changed }

// batch is how many keys one Redis round trip reads or rewrites.
const batch = 500

// rewriteAttempts bounds how often a batch of keys is rewritten again after
// a live write to one of them aborted the transaction.
const rewriteAttempts = 5

// snapshot reads every live key matching patterns: the read model as it
// was before a reconcile lists its runs.
func snapshot(ctx context.Context, rdb redis.UniversalClient, patterns []string) (map[string]*entry, error) {
	keys, err := scanKeys(ctx, rdb, patterns)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*entry, len(keys))
	for i := 0; i < len(keys); i += batch {
		chunk := keys[i:min(i+batch, len(keys))]
		got, err := readKeys(ctx, rdb, chunk)
		if err != nil {
			return nil, err
		}
		for j, key := range chunk {
			if got[j] != nil {
				out[key] = got[j]
			}
		}
	}
	return out, nil
}

// syncModel compares the model with the live keys matching its patterns and
// rewrites the keys that differ, each batch in a MULTI/EXEC so a scrape
// never sees a half-written key.
//
// The workflows keep writing while a reconcile runs, and visibility lists
// a run only some time after it started writing. So before is the live
// read model as it was before the runs were listed: a key that differs
// from it now was written (or deleted) live since, and is newer than
// anything the reconcile read. Such a key is not replaced, deleted or
// brought back; it only gets the model's fields and members it lacks (so a
// rebuild after a flush still fills the indexes). Every other key is
// rewritten only if it still holds what was compared (WATCH): a live write
// in between wins, and the next reconcile looks at that key again.
//
// With keepExtras (the model lacks runs that could not be read) nothing
// the model does not account for is deleted: extra keys stay, and a
// differing hash, set or sorted set gets the model's fields and members
// added to the live ones instead of replacing them, so a skipped run's
// entry in an index shared with other runs survives.
func syncModel(ctx context.Context, rdb redis.UniversalClient, m *Model, before map[string]*entry, keepExtras bool) (Drift, error) {
	var d Drift
	m.prune()
	live, err := scanKeys(ctx, rdb, m.patterns)
	if err != nil {
		return d, err
	}
	var fix []string                // keys to rewrite from the model (or delete)
	compared := map[string]*entry{} // what each of them held when compared
	for i := 0; i < len(live); i += batch {
		chunk := live[i:min(i+batch, len(live))]
		got, err := readKeys(ctx, rdb, chunk)
		if err != nil {
			return d, err
		}
		for j, key := range chunk {
			want, ok := m.keys[key]
			if !sameEntry(before[key], got[j]) {
				d.Raced++
				if ok && got[j] != nil {
					if merged := merge(want, got[j]); !equal(merged, got[j]) {
						m.keys[key] = merged
						fix = append(fix, key)
						compared[key] = got[j]
					}
				}
				continue
			}
			switch {
			case got[j] == nil: // appeared and vanished since the runs were listed
				if ok {
					d.Missing++
					fix = append(fix, key)
					compared[key] = nil
				}
			case !ok && keepExtras:
				d.Kept++
			case !ok:
				d.Extra++
				fix = append(fix, key)
				compared[key] = got[j]
			case !equal(want, got[j]):
				if keepExtras {
					merged := merge(got[j], want)
					if equal(merged, got[j]) {
						continue // the live key only has more
					}
					m.keys[key] = merged
				}
				d.Changed++
				fix = append(fix, key)
				compared[key] = got[j]
			}
		}
	}
	seen := make(map[string]bool, len(live))
	for _, k := range live {
		seen[k] = true
	}
	for key := range m.keys {
		switch {
		case seen[key]:
		case before[key] != nil:
			d.Raced++ // deleted live since the runs were listed: not brought back
		default:
			d.Missing++
			fix = append(fix, key)
		}
	}
	sort.Strings(fix)
	for i := 0; i < len(fix); i += batch {
		raced, err := rewrite(ctx, rdb, m, fix[i:min(i+batch, len(fix))], compared)
		if err != nil {
			return d, err
		}
		d.Raced += raced
	}
	return d, nil
}

// sameEntry is equal for entries that may be absent (nil).
func sameEntry(a, b *entry) bool {
	if a == nil || b == nil {
		return a == b
	}
	return equal(a, b)
}

// rewrite replaces keys with their model content (deleting those the model
// lacks) in one MULTI/EXEC, leaving out any key that no longer holds what
// compared says it held (nil: absent). It watches the keys, so a live
// write between that check and the EXEC aborts it, and the batch is checked
// and written again. It returns how many keys it left out.
func rewrite(ctx context.Context, rdb redis.UniversalClient, m *Model, keys []string, compared map[string]*entry) (int, error) {
	raced := 0
	for attempt := 1; ; attempt++ {
		err := rdb.Watch(ctx, func(tx *redis.Tx) error {
			cur, err := readKeys(ctx, rdb, keys)
			if err != nil {
				return err
			}
			still := keys[:0:0]
			for i, key := range keys {
				if sameEntry(compared[key], cur[i]) {
					still = append(still, key)
				} else {
					raced++
				}
			}
			keys = still
			if len(keys) == 0 {
				return nil
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				writeModel(ctx, p, m, keys)
				return nil
			})
			return err
		}, keys...)
		switch {
		case err == nil:
			return raced, nil
		case errors.Is(err, redis.TxFailedErr) && attempt < rewriteAttempts:
			continue
		case errors.Is(err, redis.TxFailedErr):
			return raced + len(keys), nil // written live again and again: the next reconcile looks
		}
		return raced, fmt.Errorf("rewrite %d read-model keys: %w", len(keys), err)
	}
}

// writeModel queues the replacement of keys by their model content.
func writeModel(ctx context.Context, p redis.Pipeliner, m *Model, keys []string) {
	for _, key := range keys {
		p.Del(ctx, key)
		e, ok := m.keys[key]
		if !ok {
			continue
		}
		switch e.typ {
		case typeString:
			p.Set(ctx, key, e.str, 0)
		case typeHash:
			if len(e.hash) > 0 {
				p.HSet(ctx, key, e.hash)
			}
		case typeSet:
			if len(e.set) > 0 {
				members := make([]any, 0, len(e.set))
				for x := range e.set {
					members = append(members, x)
				}
				p.SAdd(ctx, key, members...)
			}
		case typeZSet:
			if len(e.zset) > 0 {
				zs := make([]redis.Z, 0, len(e.zset))
				for x, s := range e.zset {
					zs = append(zs, redis.Z{Member: x, Score: s})
				}
				p.ZAdd(ctx, key, zs...)
			}
		}
	}
}

// scanKeys lists the live keys matching any of patterns, sorted, without
// blocking Redis (SCAN, not KEYS).
func scanKeys(ctx context.Context, rdb redis.UniversalClient, patterns []string) ([]string, error) {
	set := map[string]bool{}
	for _, p := range patterns {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			set[iter.Val()] = true
		}
		if err := iter.Err(); err != nil {
			return nil, fmt.Errorf("scan %s: %w", p, err)
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// readKeys reads keys' types and contents in two round trips; a key that
// vanished in between reads as nil.
func readKeys(ctx context.Context, rdb redis.UniversalClient, keys []string) ([]*entry, error) {
	types := make([]*redis.StatusCmd, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read-model key types: %w", err)
	}
	cmds := make([]redis.Cmder, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			switch types[i].Val() {
			case typeString:
				cmds[i] = p.Get(ctx, k)
			case typeHash:
				cmds[i] = p.HGetAll(ctx, k)
			case typeSet:
				cmds[i] = p.SMembers(ctx, k)
			case typeZSet:
				cmds[i] = p.ZRangeWithScores(ctx, k, 0, -1)
			}
		}
		return nil
	}); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("read-model keys: %w", err)
	}
	out := make([]*entry, len(keys))
	for i := range keys {
		switch c := cmds[i].(type) {
		case *redis.StringCmd:
			if c.Err() == nil {
				out[i] = &entry{typ: typeString, str: c.Val()}
			}
		case *redis.MapStringStringCmd:
			if len(c.Val()) > 0 {
				out[i] = &entry{typ: typeHash, hash: c.Val()}
			}
		case *redis.StringSliceCmd:
			if len(c.Val()) > 0 {
				e := &entry{typ: typeSet, set: map[string]struct{}{}}
				for _, x := range c.Val() {
					e.set[x] = struct{}{}
				}
				out[i] = e
			}
		case *redis.ZSliceCmd:
			if len(c.Val()) > 0 {
				e := &entry{typ: typeZSet, zset: map[string]float64{}}
				for _, z := range c.Val() {
					e.zset[fmt.Sprint(z.Member)] = z.Score
				}
				out[i] = e
			}
		case nil:
			if t := types[i].Val(); t != "none" {
				// A list or stream under an owned pattern: never what a
				// model writes, so it counts as wrong and is replaced.
				out[i] = &entry{typ: t}
			}
		}
	}
	return out, nil
}

// merge is live with want's fields and members added (want's values win);
// a key of another type, or a string, is want.
func merge(live, want *entry) *entry {
	if live.typ != want.typ {
		return want
	}
	out := &entry{typ: want.typ, str: want.str}
	switch want.typ {
	case typeHash:
		out.hash = make(map[string]string, len(live.hash)+len(want.hash))
		maps.Copy(out.hash, live.hash)
		maps.Copy(out.hash, want.hash)
	case typeSet:
		out.set = make(map[string]struct{}, len(live.set)+len(want.set))
		maps.Copy(out.set, live.set)
		maps.Copy(out.set, want.set)
	case typeZSet:
		out.zset = make(map[string]float64, len(live.zset)+len(want.zset))
		maps.Copy(out.zset, live.zset)
		maps.Copy(out.zset, want.zset)
	}
	return out
}

// equal compares two entries; string values that both parse as numbers
// compare as numbers ("5.70" equals "5.7").
func equal(a, b *entry) bool {
	if a.typ != b.typ {
		return false
	}
	switch a.typ {
	case typeString:
		return sameValue(a.str, b.str)
	case typeHash:
		if len(a.hash) != len(b.hash) {
			return false
		}
		for f, v := range a.hash {
			w, ok := b.hash[f]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case typeSet:
		if len(a.set) != len(b.set) {
			return false
		}
		for x := range a.set {
			if _, ok := b.set[x]; !ok {
				return false
			}
		}
		return true
	case typeZSet:
		if len(a.zset) != len(b.zset) {
			return false
		}
		for x, s := range a.zset {
			t, ok := b.zset[x]
			if !ok || s != t {
				return false
			}
		}
		return true
	}
	return false
}

func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
