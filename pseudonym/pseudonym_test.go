package pseudonym

import (
	"bytes"
	"regexp"
	"testing"
)

func TestIDStableKeyedAndSeparated(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, 32)
	k2 := bytes.Repeat([]byte{2}, 32)
	h1, h2 := New(k1), New(k2)
	a := h1.ID("tenancy", "ms", "24-012-3")
	if a != h1.ID("tenancy", "ms", "24-012-3") {
		t.Fatal("not stable")
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a) {
		t.Fatalf("id %q", a)
	}
	for name, other := range map[string]string{
		"other key":      h2.ID("tenancy", "ms", "24-012-3"),
		"other kind":     h1.ID("pupil", "ms", "24-012-3"),
		"other split":    h1.ID("tenancy", "ms24", "-012-3"),
		"other org":      h1.ID("tenancy", "lejerbo", "24-012-3"),
		"joined parts":   h1.ID("tenancy", "ms"+"24-012-3"),
		"reordered part": h1.ID("tenancy", "24-012-3", "ms"),
	} {
		if other == a {
			t.Errorf("%s gives the same id", name)
		}
	}
}

func TestKeyRules(t *testing.T) {
	if err := CheckKey(make([]byte, 31)); err == nil {
		t.Fatal("short key accepted")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("New accepted a short key")
			}
		}()
		New(make([]byte, 16))
	}()
	master := bytes.Repeat([]byte{7}, 32)
	d := DeriveKey(master, "v1")
	if len(d) != 32 || bytes.Equal(d, master) || bytes.Equal(d, DeriveKey(master, "v2")) {
		t.Fatal("derived key not independent of master and label")
	}
	if !bytes.Equal(d, DeriveKey(master, "v1")) {
		t.Fatal("derivation not stable")
	}
	// New copies the key: changing the caller's slice changes nothing.
	k := bytes.Repeat([]byte{3}, 32)
	h := New(k)
	before := h.ID("x", "y")
	k[0] = 9
	if h.ID("x", "y") != before {
		t.Fatal("Hasher aliases the caller's key")
	}
}
