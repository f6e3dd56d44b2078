package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/calendar"
)

// revisions remember, per milestone UID, a fingerprint of what the feed
// last said (times, summary, description), the iCalendar SEQUENCE and
// when it last changed, in one Redis hash: uid → "fingerprint seq unix".
// A milestone whose fingerprint differs gets SEQUENCE+1 and a new
// LAST-MODIFIED, so a moved meeting is an update to clients. The hash is
// derived and safe to lose: SEQUENCE then starts again at 0 and
// LAST-MODIFIED at the next fetch, which a subscribed calendar (it
// replaces the feed's entries on each refresh) takes as a change.
type revisions struct {
	r   redis.Cmdable
	key string
}

// revision is a milestone's SEQUENCE and LAST-MODIFIED.
type revision struct {
	Seq      int
	Modified time.Time
}

func fingerprint(m calendar.Milestone) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{m.Start.UTC().Format(time.RFC3339), m.End.UTC().Format(time.RFC3339),
		strconv.FormatBool(m.AllDay), m.Summary, m.Description}, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// of returns each milestone's revision, recording those that changed.
func (v *revisions) of(ctx context.Context, ms []calendar.Milestone, now time.Time) (map[string]revision, error) {
	stored, err := v.r.HGetAll(ctx, v.key).Result()
	if err != nil {
		return nil, fmt.Errorf("read calendar revisions: %w", err)
	}
	out := make(map[string]revision, len(ms))
	changed := map[string]any{}
	now = now.UTC().Truncate(time.Second)
	for _, m := range ms {
		fp := fingerprint(m)
		var oldFP string
		var seq int
		var unix int64
		if s, ok := stored[m.UID]; ok {
			if _, err := fmt.Sscanf(s, "%s %d %d", &oldFP, &seq, &unix); err == nil && oldFP == fp {
				out[m.UID] = revision{Seq: seq, Modified: time.Unix(unix, 0).UTC()}
				continue
			}
			if oldFP != "" {
				seq++
			}
		}
		out[m.UID] = revision{Seq: seq, Modified: now}
		changed[m.UID] = fmt.Sprintf("%s %d %d", fp, seq, now.Unix())
	}
	// Milestones no longer in the calendar (a day whose requests are all
	// gone) are forgotten, so the hash stays the size of the calendar.
	var gone []string
	for uid := range stored {
		if _, ok := out[uid]; !ok {
			gone = append(gone, uid)
		}
	}
	if len(gone) > 0 {
		if err := v.r.HDel(ctx, v.key, gone...).Err(); err != nil {
			return nil, fmt.Errorf("prune calendar revisions: %w", err)
		}
	}
	if len(changed) > 0 {
		if err := v.r.HSet(ctx, v.key, changed).Err(); err != nil {
			return nil, fmt.Errorf("record calendar revisions: %w", err)
		}
	}
	return out, nil
}
