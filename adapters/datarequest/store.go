package datarequest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// Read-model keys. Every key of this capability's read model starts with
// keyPrefix; the reconciler rebuilds them all.
const (
	keyPrefix  = "helhed:task:"
	keyIndex   = keyPrefix + "index"    // set of every request id
	keyPartner = keyPrefix + "partner:" // + partner: set of its request ids
	keyRecord  = keyPrefix + "req:"     // + request id: hash {c, v, json, facts}
	// keyCounts is a hash fact → count summed over every record's facts
	// (Facts): what the collector reads instead of every record.
	keyCounts = keyPrefix + "counts"
)

// Store is the read model of data requests in Redis. It is derived from
// the workflows and can be rebuilt from Temporal (Rebuild).
type Store struct {
	R   redis.Cmdable
	Loc *time.Location // the plan's zone, for due dates
}

// saveScript writes a record only if it is newer than the stored one, so a
// retried or overtaken activity never puts an older state back. Newer is
// a later run first (c: when the run created the request, Unix ms; a
// request id run again restarts its versions at 1), then a higher version.
// In the same script it moves the record's contribution to the counters
// from its old facts to its new ones, so the counters are always the sum
// of the stored records' facts and cannot drift from them. A counter that
// reaches 0 is deleted, as a reconcile leaves it out.
var saveScript = redis.NewScript(`
local function add(k, v)
  if redis.call('HINCRBY', KEYS[4], k, v) == 0 then redis.call('HDEL', KEYS[4], k) end
end
local cur = redis.call('HMGET', KEYS[1], 'c', 'v', 'facts')
if cur[2] then
  local c, created = tonumber(cur[1] or '0'), tonumber(ARGV[4])
  if c > created or (c == created and tonumber(cur[2]) >= tonumber(ARGV[1])) then return 0 end
end
if cur[3] then
  for k, v in pairs(cjson.decode(cur[3])) do add(k, -v) end
end
for k, v in pairs(cjson.decode(ARGV[5])) do add(k, v) end
redis.call('HSET', KEYS[1], 'c', ARGV[4], 'v', ARGV[1], 'json', ARGV[2], 'facts', ARGV[5])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
return 1`)

// Save writes t unless the stored version is the same or newer. It reports
// whether it wrote.
func (s *Store) Save(ctx context.Context, t datarequest.Task) (bool, error) {
	t.Overdue = false // computed on read
	b, err := json.Marshal(t)
	if err != nil {
		return false, fmt.Errorf("encode task %s: %w", t.RequestID, err)
	}
	facts, err := json.Marshal(Facts(t))
	if err != nil {
		return false, fmt.Errorf("encode facts of task %s: %w", t.RequestID, err)
	}
	n, err := saveScript.Run(ctx, s.R, []string{keyRecord + t.RequestID, keyPartner + t.Partner, keyIndex, keyCounts},
		t.Version, string(b), t.RequestID, t.CreatedAt.UnixMilli(), string(facts)).Int()
	if err != nil {
		return false, fmt.Errorf("save task %s: %w", t.RequestID, err)
	}
	return n == 1, nil
}

// Fact keys: each names a counter a task adds 1 to (a response time's
// milliseconds excepted). Labels are plan ids, due dates and round keys,
// never anything about a person.
const (
	factPartner   = "partner|"   // + partner: every task, so its partner is published
	factOpen      = "open|"      // + partner|due: open tasks by due date (overdue is computed on read)
	factEscalated = "escalated|" // + partner: open escalated tasks
	factCancelled = "cancelled|" // + partner
	factAnswered  = "answered|"  // + partner|OnTime or Late
	factResponse  = "response|"  // + partner|responseCount, responseMs or responseLE<bound in seconds>
	factRound     = "round|"     // + partner|<plan id>/<round key>|roundExpected, roundReceived, OnTime or roundOpen<due>

	responseCount = "count"
	responseMs    = "ms"
	responseLE    = "le|"
	roundExpected = "expected"
	roundReceived = "received"
	roundOpen     = "open|"
)

// Facts are what a task adds to the counters the collector reads: its
// partner, its status (open ones by due date, so overdue is computed at
// each scrape), its response time, and for a meeting round's request the
// round's matrix cell.
func Facts(t datarequest.Task) map[string]int64 {
	p := t.Partner + "|"
	f := map[string]int64{factPartner + t.Partner: 1}
	switch t.Status {
	case datarequest.StatusOpen:
		f[factOpen+p+t.Due] = 1
		// The signal of the HelhedPartnerTaskEscalated alert.
		if t.Escalated {
			f[factEscalated+t.Partner] = 1
		}
	case datarequest.StatusCancelled:
		f[factCancelled+t.Partner] = 1
	case datarequest.StatusAnswered:
		if t.OnTime {
			f[factAnswered+p+OnTime] = 1
		} else {
			f[factAnswered+p+Late] = 1
		}
		d := t.AnsweredAt.Sub(t.CreatedAt)
		f[factResponse+p+responseCount] = 1
		if ms := d.Milliseconds(); ms != 0 {
			f[factResponse+p+responseMs] = ms
		}
		for _, b := range ResponseBuckets {
			if d.Seconds() <= b {
				f[factResponse+p+responseLE+strconv.FormatFloat(b, 'f', -1, 64)] = 1
			}
		}
	}
	if round, ok := strings.CutPrefix(t.Origin, meeting.Kind+"/"); ok && t.Status != datarequest.StatusCancelled {
		cell := factRound + p + round + "|"
		f[cell+roundExpected] = 1
		switch t.Status {
		case datarequest.StatusAnswered:
			f[cell+roundReceived] = 1
			if t.OnTime {
				f[cell+OnTime] = 1
			}
		case datarequest.StatusOpen:
			f[cell+roundOpen+t.Due] = 1
		}
	}
	return f
}

// Counts returns the counters (see Facts) summed over every stored task.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	raw, err := s.R.HGetAll(ctx, keyCounts).Result()
	if err != nil {
		return nil, fmt.Errorf("read data request counts: %w", err)
	}
	out := make(map[string]int64, len(raw))
	for k, v := range raw {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("data request count %s: %q is not a count", k, v)
		}
		out[k] = n
	}
	return out, nil
}

// Get returns one task; ok is false when the read model does not hold it.
func (s *Store) Get(ctx context.Context, requestID string, now time.Time) (datarequest.Task, bool, error) {
	raw, err := s.R.HGet(ctx, keyRecord+requestID, "json").Result()
	if err == redis.Nil {
		return datarequest.Task{}, false, nil
	}
	if err != nil {
		return datarequest.Task{}, false, fmt.Errorf("read task %s: %w", requestID, err)
	}
	t, err := s.decode(raw, now)
	return t, err == nil, err
}

// Filter selects tasks for List.
type Filter struct {
	Partner string // "" = every partner
	// Status is datarequest.StatusOpen (overdue ones included),
	// FilterOverdue, FilterDone (answered), datarequest.StatusCancelled,
	// or "" for all.
	Status string
}

// Filter statuses beyond the workflow's own.
const (
	FilterOverdue = "overdue"
	FilterDone    = "done"
)

// ValidFilterStatus reports whether s is a Filter.Status.
func ValidFilterStatus(s string) bool {
	switch s {
	case "", datarequest.StatusOpen, FilterOverdue, FilterDone, datarequest.StatusCancelled:
		return true
	}
	return false
}

// Match reports whether t passes the status filter.
func (f Filter) Match(t datarequest.Task) bool {
	switch f.Status {
	case datarequest.StatusOpen:
		return t.Status == datarequest.StatusOpen
	case FilterOverdue:
		return t.Overdue
	case FilterDone:
		return t.Status == datarequest.StatusAnswered
	case datarequest.StatusCancelled:
		return t.Status == datarequest.StatusCancelled
	}
	return true
}

// List returns the tasks passing f, by due date then request id. Overdue
// is computed against now.
func (s *Store) List(ctx context.Context, f Filter, now time.Time) ([]datarequest.Task, error) {
	set := keyIndex
	if f.Partner != "" {
		set = keyPartner + f.Partner
	}
	ids, err := s.R.SMembers(ctx, set).Result()
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	all, err := s.load(ctx, ids, now)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		// A reassigned task stays in its former partner's set.
		if f.Match(t) && (f.Partner == "" || t.Partner == f.Partner) {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Due != out[j].Due {
			return out[i].Due < out[j].Due
		}
		return out[i].RequestID < out[j].RequestID
	})
	return out, nil
}

// Count is the number of tasks the read model holds.
func (s *Store) Count(ctx context.Context) (int64, error) {
	return s.R.SCard(ctx, keyIndex).Result()
}

// load reads records in pipelined batches.
func (s *Store) load(ctx context.Context, ids []string, now time.Time) ([]datarequest.Task, error) {
	const batch = 500
	out := make([]datarequest.Task, 0, len(ids))
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		pipe := s.R.Pipeline()
		cmds := make([]*redis.StringCmd, 0, end-start)
		for _, id := range ids[start:end] {
			cmds = append(cmds, pipe.HGet(ctx, keyRecord+id, "json"))
		}
		if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
			return nil, fmt.Errorf("read tasks: %w", err)
		}
		for _, c := range cmds {
			raw, err := c.Result()
			if err == redis.Nil {
				continue // indexed but gone: skipped until the next rebuild
			}
			if err != nil {
				return nil, fmt.Errorf("read tasks: %w", err)
			}
			t, err := s.decode(raw, now)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Store) decode(raw string, now time.Time) (datarequest.Task, error) {
	var t datarequest.Task
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return datarequest.Task{}, fmt.Errorf("decode task: %w", err)
	}
	t.Overdue = t.Status == datarequest.StatusOpen && s.pastDue(t.Due, now)
	return t, nil
}

func (s *Store) pastDue(due string, now time.Time) bool {
	d, err := plan.ParseDate(due)
	if err != nil {
		return false
	}
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	return !now.Before(datarequest.Deadline(d, loc))
}
