// Package pseudonym turns business keys that identify a person or a
// household (a tenancy, a pupil) into stable pseudonymous ids: a keyed hash
// (HMAC-SHA256) of the kind and the key parts. The same key and parts give
// the same id, so cases deduplicate across imports; without the key the id
// cannot be reversed by trying every tenancy number, which an unkeyed hash
// of a short number would allow.
//
// The key must stay the same for as long as any case keyed by it lives:
// a new key gives new ids, and a tenancy already open under its old id would
// open a second case. Use DeriveKey to get a key from a master secret.
package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
)

// MinKeyLen is the shortest key New accepts (256 bits).
const MinKeyLen = 32

// Hasher makes pseudonymous ids with one key. It is safe for concurrent use.
type Hasher struct {
	key []byte
}

// ErrShortKey is CheckKey's answer for a key under MinKeyLen bytes.
var ErrShortKey = errors.New("pseudonym: key shorter than 32 bytes")

// CheckKey reports whether key is long enough for New; check keys that come
// from configuration with it before calling New.
func CheckKey(key []byte) error {
	if len(key) < MinKeyLen {
		return ErrShortKey
	}
	return nil
}

// New returns a Hasher for key (copied). A key shorter than MinKeyLen is a
// programming error and panics: keys come from DeriveKey or are checked
// with CheckKey where they are configured.
func New(key []byte) *Hasher {
	if err := CheckKey(key); err != nil {
		panic(err)
	}
	return &Hasher{key: append([]byte(nil), key...)}
}

// ID returns the pseudonymous id of parts within kind: 32 lowercase hex
// characters (128 bits of the HMAC). kind separates namespaces ("tenancy",
// "pupil"), so equal parts of different kinds get unrelated ids. Each part
// is length-prefixed, so ("ab","c") and ("a","bc") differ. Callers
// normalise parts (case, spaces, leading zeros) before hashing.
func (h *Hasher) ID(kind string, parts ...string) string {
	m := hmac.New(sha256.New, h.key)
	write := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		m.Write(n[:])
		m.Write([]byte(s))
	}
	write(kind)
	for _, p := range parts {
		write(p)
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// DeriveKey derives a pseudonym key from a master secret (for example the
// payload encryption key) and a purpose label, so the two keys are
// independent: knowing the pseudonym key reveals nothing of the master.
func DeriveKey(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("helhed-pseudonym-key:" + label))
	return m.Sum(nil)
}
