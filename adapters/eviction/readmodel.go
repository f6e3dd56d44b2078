package eviction

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/eviction"
)

// Redis keys of the read model (derived and disposable: reconcile rebuilds
// them from Temporal).
// Every value is pseudonymous: case views without contact, tenancy number
// or free text, and aggregate counters.
const (
	keyPrefix = "helhed:eviction:"
	keyCases  = keyPrefix + "cases" // ZSET caseId → opened (unix seconds)
	keyAgg    = keyPrefix + "agg"   // HASH fact → count
)

func caseKey(caseID string) string { return keyPrefix + "case:" + caseID }

// putScript replaces a case's view and moves its contribution to the
// aggregates from its old facts to its new ones, atomically and only when
// the write is newer than what is stored. A retried or reordered publish
// therefore changes nothing, and the counters are always the sum of the
// stored cases' facts (which is what makes them rebuildable).
//
// A counter that reaches 0 is deleted, as a reconcile (package readmodel)
// would leave it out.
var putScript = redis.NewScript(`
local function add(k, v)
  if redis.call('HINCRBY', KEYS[2], k, v) == 0 then redis.call('HDEL', KEYS[2], k) end
end
local old = redis.call('HMGET', KEYS[1], 'seq', 'facts')
if old[1] and tonumber(old[1]) >= tonumber(ARGV[1]) then return 0 end
if old[2] then
  for k, v in pairs(cjson.decode(old[2])) do add(k, -v) end
end
for k, v in pairs(cjson.decode(ARGV[3])) do add(k, v) end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'view', ARGV[2], 'facts', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1
`)

// removeScript deletes a case and takes its facts out of the aggregates.
var removeScript = redis.NewScript(`
local function add(k, v)
  if redis.call('HINCRBY', KEYS[2], k, v) == 0 then redis.call('HDEL', KEYS[2], k) end
end
local facts = redis.call('HGET', KEYS[1], 'facts')
if facts then
  for k, v in pairs(cjson.decode(facts)) do add(k, -v) end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`)

// Remove deletes a case (a cancelled run shows no case); removing one that
// is not there changes nothing, so a retry is harmless.
func (m *ReadModel) Remove(ctx context.Context, caseID string) error {
	if err := removeScript.Run(ctx, m.R, []string{caseKey(caseID), keyAgg, keyCases}, caseID).Err(); err != nil {
		return fmt.Errorf("remove case %s from redis: %w", caseID, err)
	}
	return nil
}

// ReadModel is the cases' read model in Redis.
type ReadModel struct {
	R redis.UniversalClient
}

// Put stores a case's view with its facts (see Facts). It reports whether
// the write was newer than the stored one.
func (m *ReadModel) Put(ctx context.Context, v eviction.View, facts map[string]int64) (bool, error) {
	if facts == nil {
		facts = map[string]int64{}
	}
	vj, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("encode case view: %w", err)
	}
	fj, err := json.Marshal(facts)
	if err != nil {
		return false, fmt.Errorf("encode case facts: %w", err)
	}
	n, err := putScript.Run(ctx, m.R, []string{caseKey(v.CaseID), keyAgg, keyCases},
		v.Seq, vj, fj, v.Opened.Unix(), v.CaseID).Int()
	if err != nil {
		return false, fmt.Errorf("write case %s to redis: %w", v.CaseID, err)
	}
	return n == 1, nil
}

// Filter selects cases; empty fields match all.
type Filter struct {
	Stage        eviction.Stage
	Area         string
	Organisation string // plan id
	// Sees bounds the list to the organisations a caller may see (a case
	// worker's own; runs.Principal.SeesOrganisation); nil: every case.
	Sees func(organisation string) bool
}

// VisibleTo bounds f to what the caller in ctx may see.
func (f Filter) VisibleTo(ctx context.Context) Filter {
	if p, ok := runs.PrincipalFrom(ctx); ok {
		f.Sees = p.SeesOrganisation
	}
	return f
}

// List returns the matching cases, oldest first.
func (m *ReadModel) List(ctx context.Context, f Filter) ([]eviction.View, error) {
	ids, err := m.R.ZRange(ctx, keyCases, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	var out []eviction.View
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		pipe := m.R.Pipeline()
		cmds := make([]*redis.StringCmd, 0, end-start)
		for _, id := range ids[start:end] {
			cmds = append(cmds, pipe.HGet(ctx, caseKey(id), "view"))
		}
		if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
			return nil, fmt.Errorf("read cases: %w", err)
		}
		for _, cmd := range cmds {
			raw, err := cmd.Result()
			if err == redis.Nil {
				continue // removed between the two reads
			}
			if err != nil {
				return nil, fmt.Errorf("read case: %w", err)
			}
			var v eviction.View
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return nil, fmt.Errorf("decode case view: %w", err)
			}
			if (f.Stage == "" || v.Stage == f.Stage) && (f.Area == "" || v.Area == f.Area) && (f.Organisation == "" || v.Organisation == f.Organisation) &&
				(f.Sees == nil || f.Sees(v.Organisation)) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// Aggregates returns the counters every metric is computed from.
func (m *ReadModel) Aggregates(ctx context.Context) (map[string]int64, error) {
	raw, err := m.R.HGetAll(ctx, keyAgg).Result()
	if err != nil {
		return nil, fmt.Errorf("read eviction aggregates: %w", err)
	}
	out := make(map[string]int64, len(raw))
	for k, s := range raw {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("aggregate %s: %q is not a count", k, s)
		}
		out[k] = n
	}
	return out, nil
}

// Fact keys. Each names one counter a case adds to; labels are plan ids,
// stage names and plan-year labels, never anything about a person.
func factCases(stage eviction.Stage, area string) string {
	return "cases|" + string(stage) + "|" + area
}
func factTransition(from, to eviction.Stage) string {
	return "trans|" + string(from) + "|" + string(to)
}
func factCourses(year string) string { return "courses|" + year }
func factEvictions(area, year, kind string) string {
	return "evict|" + area + "|" + year + "|" + kind
}

const (
	factContactCount = "contact|count"
	factContactSum   = "contact|sum"
	factContactLE    = "contact|le|" // + bucket upper bound in seconds
	// fromNew is the "from" of a case's opening transition.
	fromNew    eviction.Stage = "new"
	daySeconds                = 24 * 60 * 60
)

// contactBuckets are the histogram bounds of the time from list to first
// contact, in seconds: 1, 2, 3, 5, 7, 10, 14, 21, 30 and 60 days.
var contactBuckets = []int64{1 * daySeconds, 2 * daySeconds, 3 * daySeconds, 5 * daySeconds, 7 * daySeconds, 10 * daySeconds, 14 * daySeconds, 21 * daySeconds, 30 * daySeconds, 60 * daySeconds}

// Facts are what a case contributes to the aggregates: its current stage
// and area, every transition it made, its counselling course and
// evictions by plan year, its time from list to first contact, and the
// legal deadlines it is waiting past (deadlines.go).
func Facts(v eviction.View, p *plan.Plan) map[string]int64 {
	f := map[string]int64{factCases(v.Stage, v.Area): 1}
	for _, t := range v.Transitions {
		from := t.From
		if from == "" {
			from = fromNew
		}
		f[factTransition(from, t.To)]++
	}
	if !v.CounsellingStarted.IsZero() {
		f[factCourses(PlanYearOf(p, v.CounsellingStarted))] = 1
	}
	if l := v.Legal; l != nil && !l.CourtRequestedOn.IsZero() {
		f[factEvictions(v.Area, PlanYearOf(p, l.CourtRequestedOn), "total")] = 1
	}
	if v.Outcome == eviction.OutcomeEvicted {
		f[factEvictions(v.Area, PlanYearOf(p, v.Closed), "effective")] = 1
	}
	if !v.FirstContact.IsZero() {
		secs := int64(max(0, v.FirstList.DaysUntil(v.FirstContact))) * daySeconds
		f[factContactCount] = 1
		if secs > 0 {
			f[factContactSum] = secs
		}
		for _, b := range contactBuckets {
			if secs <= b {
				f[factContactLE+strconv.FormatInt(b, 10)] = 1
			}
		}
	}
	addDeadlineFacts(f, v)
	return f
}

// PlanYearOf labels the plan year of d ("2025-26"); outside the plan's
// period it labels the 1 July – 30 June year d falls in, so a case never
// loses its count.
func PlanYearOf(p *plan.Plan, d plan.Date) string {
	if y, ok := p.YearOf(d); ok {
		return y.Label
	}
	start := d.Year
	if d.Month < 7 {
		start--
	}
	return fmt.Sprintf("%d-%02d", start, (start+1)%100)
}

// splitFact cuts a fact key into its parts.
func splitFact(k string) []string { return strings.Split(k, "|") }
