package readmodel

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Key types a Model holds (as Redis's TYPE names them).
const (
	typeString = "string"
	typeHash   = "hash"
	typeSet    = "set"
	typeZSet   = "zset"
)

// entry is one key's wanted (or live) content.
type entry struct {
	typ  string
	str  string
	hash map[string]string
	set  map[string]struct{}
	zset map[string]float64
}

// Model is the wanted read model of one kind, built in memory by
// projections. Every write names a key that must match one of the kind's
// patterns; the first bad write is kept and returned by Err. Writes add:
// HIncr and ZIncr sum across runs, so projections can count.
type Model struct {
	kind     string
	patterns []string
	keys     map[string]*entry
	err      error
}

// NewModel returns an empty model for keys matching patterns.
func NewModel(kind string, patterns []string) *Model {
	return &Model{kind: kind, patterns: patterns, keys: map[string]*entry{}}
}

// Err is the first bad write, if any.
func (m *Model) Err() error { return m.err }

// Len is the number of keys.
func (m *Model) Len() int { return len(m.keys) }

func (m *Model) at(key, typ string) *entry {
	if m.err != nil {
		return nil
	}
	owned := false
	for _, p := range m.patterns {
		if match(p, key) {
			owned = true
			break
		}
	}
	if !owned {
		m.err = fmt.Errorf("readmodel %s: key %q matches none of the kind's patterns %v", m.kind, key, m.patterns)
		return nil
	}
	e, ok := m.keys[key]
	if !ok {
		e = &entry{typ: typ}
		switch typ {
		case typeHash:
			e.hash = map[string]string{}
		case typeSet:
			e.set = map[string]struct{}{}
		case typeZSet:
			e.zset = map[string]float64{}
		}
		m.keys[key] = e
	}
	if e.typ != typ {
		m.err = fmt.Errorf("readmodel %s: key %q written as %s and as %s", m.kind, key, e.typ, typ)
		return nil
	}
	return e
}

// prune drops empty collections: Redis cannot hold them, so they stand
// for "no key".
func (m *Model) prune() {
	for k, e := range m.keys {
		if e.typ == typeHash && len(e.hash) == 0 || e.typ == typeSet && len(e.set) == 0 || e.typ == typeZSet && len(e.zset) == 0 {
			delete(m.keys, k)
		}
	}
}

// Get returns a string key's value so far, for projections that keep a
// maximum across runs (e.g. the latest plan year).
func (m *Model) Get(key string) (string, bool) {
	e, ok := m.keys[key]
	if !ok || e.typ != typeString {
		return "", false
	}
	return e.str, true
}

// HGet returns a hash field's value so far, for projections where the
// latest of several runs wins (e.g. a business key run again).
func (m *Model) HGet(key, field string) (string, bool) {
	e, ok := m.keys[key]
	if !ok || e.typ != typeHash {
		return "", false
	}
	v, ok := e.hash[field]
	return v, ok
}

// Set sets a string key.
func (m *Model) Set(key string, v any) {
	if e := m.at(key, typeString); e != nil {
		e.str = Value(v)
	}
}

// HSet sets a hash field.
func (m *Model) HSet(key, field string, v any) {
	if e := m.at(key, typeHash); e != nil {
		e.hash[field] = Value(v)
	}
}

// HIncr adds delta to a numeric hash field (missing counts as 0), e.g. a
// count per partner and status summed over the runs.
func (m *Model) HIncr(key, field string, delta float64) {
	if e := m.at(key, typeHash); e != nil {
		old, _ := strconv.ParseFloat(e.hash[field], 64)
		e.hash[field] = Value(old + delta)
	}
}

// SAdd adds set members.
func (m *Model) SAdd(key string, members ...string) {
	if e := m.at(key, typeSet); e != nil {
		for _, x := range members {
			e.set[x] = struct{}{}
		}
	}
}

// ZAdd sets a sorted-set member's score.
func (m *Model) ZAdd(key, member string, score float64) {
	if e := m.at(key, typeZSet); e != nil {
		e.zset[member] = score
	}
}

// ZIncr adds delta to a sorted-set member's score.
func (m *Model) ZIncr(key, member string, delta float64) {
	if e := m.at(key, typeZSet); e != nil {
		e.zset[member] += delta
	}
}

// Value formats v the way the read model stores it: strings as they are,
// integers and floats in their shortest decimal form, booleans as 1/0 and
// times as Unix seconds. Live writers should format with it too, so a
// reconcile finds no spurious drift.
func Value(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		if x.IsZero() {
			return "0"
		}
		return strconv.FormatInt(x.Unix(), 10)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
