package cycletest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"helhed/readmodel"
)

// ReadModel records what a read-model projection writes (the writes of
// readmodel.Model), so a test can compare a reconcile's rebuild with what
// the live activities left in Redis: Dump renders both the same way.
type ReadModel struct {
	keys map[string]map[string]string // key → member/field ("" for a string) → value
	typ  map[string]string
}

func (m *ReadModel) put(key, typ, member, value string) {
	if m.keys == nil {
		m.keys, m.typ = map[string]map[string]string{}, map[string]string{}
	}
	if m.keys[key] == nil {
		m.keys[key] = map[string]string{}
	}
	m.typ[key] = typ
	m.keys[key][member] = value
}

// Set records a string key.
func (m *ReadModel) Set(key string, v any) { m.put(key, "string", "", readmodel.Value(v)) }

// HSet records a hash field.
func (m *ReadModel) HSet(key, field string, v any) { m.put(key, "hash", field, readmodel.Value(v)) }

// SAdd records set members.
func (m *ReadModel) SAdd(key string, members ...string) {
	for _, x := range members {
		m.put(key, "set", x, "")
	}
}

// ZAdd records a sorted-set member.
func (m *ReadModel) ZAdd(key, member string, score float64) {
	m.put(key, "zset", member, fmt.Sprint(score))
}

// Dump renders the recorded keys as Dump renders Redis's.
func (m *ReadModel) Dump() map[string]string {
	out := map[string]string{}
	for k, fields := range m.keys {
		var items []string
		for f, v := range fields {
			items = append(items, item(m.typ[k], f, v))
		}
		out[k] = line(m.typ[k], items)
	}
	return out
}

// MatchesRedis fails t unless Redis holds n keys under patterns and the
// recorded writes are, key for key, what they hold.
func (m *ReadModel) MatchesRedis(t testing.TB, r redis.Cmdable, n int, patterns ...string) {
	t.Helper()
	live, err := Dump(context.Background(), r, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != n {
		t.Fatalf("%d keys under %v, want %d: %v", len(live), patterns, n, live)
	}
	if d := DiffDumps(live, m.Dump()); len(d) > 0 {
		t.Errorf("the projection differs from the live writes:\n%s", strings.Join(d, "\n"))
	}
}

// Dump reads every key matching patterns as one comparable line:
// its type and its content, sorted.
func Dump(ctx context.Context, r redis.Cmdable, patterns ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range patterns {
		keys, err := r.Keys(ctx, p).Result()
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			typ, err := r.Type(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			var items []string
			switch typ {
			case "string":
				v, err := r.Get(ctx, k).Result()
				if err != nil {
					return nil, err
				}
				items = []string{item(typ, "", v)}
			case "hash":
				h, err := r.HGetAll(ctx, k).Result()
				if err != nil {
					return nil, err
				}
				for f, v := range h {
					items = append(items, item(typ, f, v))
				}
			case "set":
				ms, err := r.SMembers(ctx, k).Result()
				if err != nil {
					return nil, err
				}
				for _, x := range ms {
					items = append(items, item(typ, x, ""))
				}
			case "zset":
				zs, err := r.ZRangeWithScores(ctx, k, 0, -1).Result()
				if err != nil {
					return nil, err
				}
				for _, z := range zs {
					items = append(items, item(typ, fmt.Sprint(z.Member), fmt.Sprint(z.Score)))
				}
			default:
				return nil, fmt.Errorf("%s: unexpected type %s", k, typ)
			}
			out[k] = line(typ, items)
		}
	}
	return out, nil
}

func item(typ, member, value string) string {
	switch typ {
	case "string":
		return value
	case "set":
		return member
	}
	return member + "=" + value
}

func line(typ string, items []string) string {
	sort.Strings(items)
	return typ + " " + strings.Join(items, " ")
}

// DiffDumps lists the keys whose content differs between two dumps.
func DiffDumps(want, got map[string]string) []string {
	var out []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			out = append(out, "missing "+k+": "+v)
		} else if g != v {
			out = append(out, fmt.Sprintf("changed %s:\n  want %s\n  got  %s", k, v, g))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			out = append(out, "extra "+k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}
