package store

import (
	"context"
	"time"
)

// MailMarker remembers sent e-mail keys in Redis for 180 days, so a retried
// send activity does not mail twice (see mailer.Marker).
type MailMarker struct{ R *Redis }

func mailKey(key string) string { return "helhed:mail:sent:" + key }

// Sent reports whether key was marked.
func (m MailMarker) Sent(ctx context.Context, key string) (bool, error) {
	n, err := m.R.Exists(ctx, mailKey(key)).Result()
	return n > 0, err
}

// MarkSent marks key.
func (m MailMarker) MarkSent(ctx context.Context, key string) error {
	return m.R.Set(ctx, mailKey(key), time.Now().UTC().Format(time.RFC3339), 180*24*time.Hour).Err()
}
