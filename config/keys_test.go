package config_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sethvargo/go-envconfig"

	"helhed/codec"
	"helhed/config"
	"helhed/pseudonym"
)

// key is a base64 setting of 32 bytes of b.
func key(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(b), 32)))
}

// production is a valid production environment with env over it.
func production(env map[string]string) map[string]string {
	out := map[string]string{"OPERATOR_TOKEN": "0123456789abcdef", "REDIS_URL": "redis://x:1", "MAIL_MODE": "outbox",
		"PAYLOAD_KEY": key('a'), "TOKEN_SECRET": key('t'), "PSEUDONYM_KEY": key('p')}
	for k, v := range env {
		out[k] = v
	}
	return out
}

func loadEnv(t *testing.T, env map[string]string, dev bool) (*config.Config, error) {
	t.Helper()
	return config.Load(context.Background(), envconfig.MapLookuper(env), dev)
}

// TestProductionRefusesWithoutSeparateKeys: without -dev each secret is a
// setting of its own; a missing, malformed or repeated one stops the start
// with a message naming it.
func TestProductionRefusesWithoutSeparateKeys(t *testing.T) {
	if _, err := loadEnv(t, production(nil), false); err != nil {
		t.Fatalf("a valid environment: %v", err)
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no token secret", map[string]string{"TOKEN_SECRET": ""}, "TOKEN_SECRET: required without -dev"},
		{"no pseudonym key", map[string]string{"PSEUDONYM_KEY": ""}, "PSEUDONYM_KEY: required without -dev"},
		{"short token secret", map[string]string{"TOKEN_SECRET": base64.StdEncoding.EncodeToString(make([]byte, 16))}, "TOKEN_SECRET: decodes to 16 bytes"},
		{"bad old token secret", map[string]string{"TOKEN_SECRETS_OLD": key('o') + ",nope"}, "TOKEN_SECRETS_OLD: secret 2"},
		{"short pseudonym key", map[string]string{"PSEUDONYM_KEY": base64.StdEncoding.EncodeToString(make([]byte, 16))}, "PSEUDONYM_KEY: decodes to 16 bytes"},
		{"token secret is the payload key", map[string]string{"TOKEN_SECRET": key('a')}, "TOKEN_SECRET: equals PAYLOAD_KEY"},
		{"pseudonym key is the payload key", map[string]string{"PSEUDONYM_KEY": key('a')}, "PSEUDONYM_KEY: equals PAYLOAD_KEY"},
	} {
		_, err := loadEnv(t, production(c.env), false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error containing %q, got %v", c.name, c.want, err)
		}
	}
}

// TestDevKeepsSeparateKeys: -dev generates the token secret and the
// pseudonym key once and keeps them in DATA_DIR (0600). The pseudonym key
// starts as the one -dev derived from the payload key before it was kept,
// so an existing DATA_DIR's cases keep their ids; rotating PAYLOAD_KEY
// afterwards changes neither.
func TestDevKeepsSeparateKeys(t *testing.T) {
	dir := t.TempDir()
	first, err := loadEnv(t, map[string]string{"DATA_DIR": dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	payloadKey, _ := config.DecodeKey(first.PayloadKey)
	if want := base64.StdEncoding.EncodeToString(pseudonym.DeriveKey(payloadKey, "v1")); first.PseudonymKey != want {
		t.Fatal("the first dev pseudonym key is not the one derived from the payload key")
	}
	if first.TokenSecret == "" || first.TokenSecret == first.PayloadKey {
		t.Fatalf("dev token secret %q", first.TokenSecret)
	}
	for _, f := range []string{config.TokenSecretFile, config.PseudonymKeyFile} {
		if info, err := os.Stat(filepath.Join(dir, f)); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, info, err)
		}
	}
	rotated, err := loadEnv(t, map[string]string{"DATA_DIR": dir, "PAYLOAD_KEY": key('n'), "PAYLOAD_KEYS_OLD": first.PayloadKey}, true)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.PseudonymKey != first.PseudonymKey || rotated.TokenSecret != first.TokenSecret {
		t.Fatal("rotating PAYLOAD_KEY changed the pseudonym key or the token secret")
	}
}

// TestPayloadKeyRotation: with the new key in PAYLOAD_KEY and the old in
// PAYLOAD_KEYS_OLD, payloads sealed before still decode and new ones are
// sealed with the new key; once the old key is removed, the old payloads
// fail with an error naming PAYLOAD_KEYS_OLD. The other keys do not move.
func TestPayloadKeyRotation(t *testing.T) {
	seal := func(env map[string]string) (*config.Config, *codec.AESGCM) {
		t.Helper()
		cfg, err := loadEnv(t, production(env), false)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := cfg.PayloadKeys()
		if err != nil {
			t.Fatal(err)
		}
		c, err := codec.New(keys)
		if err != nil {
			t.Fatal(err)
		}
		return cfg, c
	}
	before, oldCodec := seal(nil)
	history, err := codec.DataConverter(oldCodec).ToPayload("telefon +45 12 34 56 78")
	if err != nil {
		t.Fatal(err)
	}
	after, rotated := seal(map[string]string{"PAYLOAD_KEY": key('b'), "PAYLOAD_KEYS_OLD": key('a')})
	var got string
	if err := codec.DataConverter(rotated).FromPayload(history, &got); err != nil || got != "telefon +45 12 34 56 78" {
		t.Fatalf("an old history does not decode with the old key in PAYLOAD_KEYS_OLD: %q %v", got, err)
	}
	fresh, err := codec.DataConverter(rotated).ToPayload("ny")
	if err != nil {
		t.Fatal(err)
	}
	newKey, _ := config.DecodeKey(key('b'))
	if id := string(fresh.GetMetadata()[codec.MetadataKeyID]); id != codec.KeyID(newKey) {
		t.Fatalf("new payloads sealed with key %q, want the new key's %q", id, codec.KeyID(newKey))
	}
	if after.TokenSecret != before.TokenSecret || after.PseudonymKey != before.PseudonymKey {
		t.Fatal("the payload key rotation moved another key")
	}
	_, dropped := seal(map[string]string{"PAYLOAD_KEY": key('b')})
	if err := codec.DataConverter(dropped).FromPayload(history, &got); err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS_OLD") {
		t.Fatalf("an old history without its key: want an error naming PAYLOAD_KEYS_OLD, got %v", err)
	}
}
