package readmodel

import (
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, key string
		want         bool
	}{
		{"helhed:task:*", "helhed:task:req:data-request/x", true},
		{"helhed:task:*", "helhed:tasks", false},
		{"helhed:task:req:?", "helhed:task:req:a", true},
		{"helhed:task:req:?", "helhed:task:req:ab", false},
		{"helhed:*:index", "helhed:task:index", true},
		{"helhed:*:index", "helhed:task:index2", false},
		{"exact", "exact", true},
	}
	for _, c := range cases {
		if got := match(c.pattern, c.key); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.pattern, c.key, got, c.want)
		}
	}
}

func TestRegistryRefuses(t *testing.T) {
	g := &Registry{}
	ok := Spec{KindName: "a", KeyPatterns: []string{"helhed:a:*"}}
	if err := g.Register(ok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{KeyPatterns: []string{"helhed:b:*"}}, "without a kind"},
		{Spec{KindName: "b"}, "owns no keys"},
		{Spec{KindName: "b", KeyPatterns: []string{"other:b:*"}}, "not under helhed:<capability>:"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:*"}}, "not under helhed:<capability>:"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:readmodel:x"}}, "which this package owns"},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:a:sub:*"}}, `overlaps "helhed:a:*" of a`},
		{Spec{KindName: "b", KeyPatterns: []string{"helhed:a:index"}}, "overlaps"},
	} {
		err := g.Register(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Register(%+v) = %v, want error containing %q", c.spec, err, c.want)
		}
	}
	// Same kind again replaces; a disjoint prefix is fine.
	if err := g.Register(Spec{KindName: "a", KeyPatterns: []string{"helhed:a:x:*"}}); err != nil {
		t.Error(err)
	}
	if err := g.Register(Spec{KindName: "c", KeyPatterns: []string{"helhed:c:*", "helhed:ab:*"}}); err != nil {
		t.Error(err)
	}
	if got := len(g.All()); got != 2 {
		t.Errorf("%d reconcilers, want 2", got)
	}
}

func TestModelRefusesForeignKeysAndTypeClashes(t *testing.T) {
	m := NewModel("k", []string{"helhed:k:*"})
	m.HSet("helhed:k:a", "f", 1)
	m.HIncr("helhed:k:a", "n", 2)
	m.HIncr("helhed:k:a", "n", 0.5)
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	if got := m.keys["helhed:k:a"].hash["n"]; got != "2.5" {
		t.Errorf("HIncr sum = %q, want 2.5", got)
	}
	m.Set("helhed:other:x", "v")
	if err := m.Err(); err == nil || !strings.Contains(err.Error(), "helhed:other:x") {
		t.Errorf("foreign key: err = %v", err)
	}
	m = NewModel("k", []string{"helhed:k:*"})
	m.SAdd("helhed:k:s", "x")
	m.HSet("helhed:k:s", "f", "v")
	if err := m.Err(); err == nil || !strings.Contains(err.Error(), "written as set and as hash") {
		t.Errorf("type clash: err = %v", err)
	}
}

func TestValueAndSameValue(t *testing.T) {
	for v, want := range map[any]string{
		"x": "x", 3: "3", int64(-4): "-4", 2.0: "2", 5.7: "5.7", true: "1", false: "0",
		time.Unix(1700000000, 0): "1700000000", time.Time{}: "0",
	} {
		if got := Value(v); got != want {
			t.Errorf("Value(%#v) = %q, want %q", v, got, want)
		}
	}
	if !sameValue("5.70", "5.7") || sameValue("5.7", "5.8") || sameValue("a", "b") || !sameValue("a", "a") {
		t.Error("sameValue")
	}
}
