package codec

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTripHidesPlaintext(t *testing.T) {
	c, err := New([][]byte{newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	dc := DataConverter(c)
	p, err := dc.ToPayload(map[string]string{"telefon": "+45 12 34 56 78"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.GetData(), []byte("12 34 56 78")) {
		t.Fatal("payload data holds the plaintext")
	}
	if got := string(p.GetMetadata()[converter.MetadataEncoding]); got != Encoding {
		t.Fatalf("encoding = %q, want %q", got, Encoding)
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back["telefon"] != "+45 12 34 56 78" {
		t.Fatalf("round trip gave %v", back)
	}
}

func TestRotationDecryptsWithOldKeyAndSealsWithNew(t *testing.T) {
	oldKey, newKey := newKey(t), newKey(t)
	oldCodec, _ := New([][]byte{oldKey})
	sealed, err := DataConverter(oldCodec).ToPayload("fortroligt")
	if err != nil {
		t.Fatal(err)
	}
	rotated, _ := New([][]byte{newKey, oldKey})
	var s string
	if err := DataConverter(rotated).FromPayload(sealed, &s); err != nil || s != "fortroligt" {
		t.Fatalf("rotated codec: %q, %v", s, err)
	}
	resealed, err := DataConverter(rotated).ToPayload("fortroligt")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(resealed.GetMetadata()[MetadataKeyID]); got != KeyID(newKey) {
		t.Fatalf("new payloads sealed with %q, want the new key %q", got, KeyID(newKey))
	}
}

func TestUnknownKeyIsAClearError(t *testing.T) {
	a, _ := New([][]byte{newKey(t)})
	b, _ := New([][]byte{newKey(t)})
	sealed, _ := DataConverter(a).ToPayload("x")
	var s string
	err := DataConverter(b).FromPayload(sealed, &s)
	if err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS_OLD") {
		t.Fatalf("want an error naming PAYLOAD_KEYS_OLD, got %v", err)
	}
}

func TestTamperedPayloadIsRejected(t *testing.T) {
	c, _ := New([][]byte{newKey(t)})
	sealed, _ := DataConverter(c).ToPayload("x")
	sealed.Data[len(sealed.Data)-1] ^= 0xff
	var s string
	if err := DataConverter(c).FromPayload(sealed, &s); err == nil {
		t.Fatal("tampered payload decrypted")
	}
}

func TestPlainPayloadPassesThrough(t *testing.T) {
	c, _ := New([][]byte{newKey(t)})
	plain, _ := converter.GetDefaultDataConverter().ToPayload("klartekst")
	out, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil || out[0] != plain {
		t.Fatalf("plain payload changed: %v", err)
	}
}

func TestBadKeyLength(t *testing.T) {
	if _, err := New([][]byte{make([]byte, 16)}); err == nil {
		t.Fatal("16-byte key accepted")
	}
	if _, err := New(nil); err == nil {
		t.Fatal("no keys accepted")
	}
}
