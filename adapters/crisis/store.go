package crisis

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/workflows/crisis"
)

// Redis keys of the read model (prefix helhed:crisis:): the set of
// activation IDs, and one hash per activation (RecordHash). The
// CrisisRecord activity writes them, the reconciler rebuilds them and the
// collector reads them.
const (
	KeyRuns      = "helhed:crisis:runs"
	KeyRunPrefix = "helhed:crisis:run:"
)

// RecordHash is the record's hash fields, as stored under KeyRunPrefix+ID.
func RecordHash(r crisis.Record) map[string]string {
	h := map[string]string{"incident": r.Incident, "stage": r.Stage, "activatedAt": r.ActivatedAt.UTC().Format(time.RFC3339)}
	if r.FirstMeetingAt != nil {
		h["firstMeetingAt"] = r.FirstMeetingAt.UTC().Format(time.RFC3339)
	}
	return h
}

// readRecords reads every activation's read-model entry.
func readRecords(ctx context.Context, rdb redis.Cmdable) ([]crisis.Record, error) {
	ids, err := rdb.SMembers(ctx, KeyRuns).Result()
	if err != nil {
		return nil, err
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, KeyRunPrefix+id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]crisis.Record, 0, len(ids))
	for i, cmd := range cmds {
		h := cmd.Val()
		if len(h) == 0 {
			continue
		}
		r := crisis.Record{WorkflowID: ids[i], Incident: h["incident"], Stage: h["stage"]}
		r.ActivatedAt, _ = time.Parse(time.RFC3339, h["activatedAt"])
		if s := h["firstMeetingAt"]; s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				r.FirstMeetingAt = &t
			}
		}
		out = append(out, r)
	}
	return out, nil
}
