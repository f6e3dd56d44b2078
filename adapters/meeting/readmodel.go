package meeting

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"helhed/danish"
	"helhed/workflows/meeting"
)

// Read-model keys (helhed:meeting:*, helhed:milestone:*). Everything here
// is derived from the rounds' histories and safe to lose.
//
//	helhed:meeting:rounds:<plan>           set of round keys
//	helhed:meeting:round:<plan>:<key>      hash: meeting, year, stage, steering_at, board_at (unix s), asked, answered, reported, held (JSON)
//	helhed:milestone:reported:<plan>:<yr>  hash: "<activity>|<area|alle>|<metric>|<partner>" → the partner's latest year-to-date figure
func roundsKey(planID string) string     { return "helhed:meeting:rounds:" + planID }
func roundKey(planID, key string) string { return "helhed:meeting:round:" + planID + ":" + key }
func milestoneKey(planID, year string) string {
	return "helhed:milestone:reported:" + planID + ":" + year
}

// Summaries the annual report reads (workflows/report), per plan year:
//
//	helhed:meeting:milestones:<yr>  hash: "<activity>/<metric>[/<area>]" → actual (sum over members)
//	helhed:meeting:summary:<yr>     JSON {"held":[{"body","kind","date"}]} with the plan's meeting dates
func milestoneSummaryKey(year string) string { return "helhed:meeting:milestones:" + year }
func meetingSummaryKey(year string) string   { return "helhed:meeting:summary:" + year }

// MeetingRecordRound writes the round's entry (idempotent: same input,
// same hash).
func (a *Activities) MeetingRecordRound(ctx context.Context, r meeting.RoundRecord) error {
	fields, err := roundFields(r)
	if err != nil {
		return err
	}
	_, err = a.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, roundKey(r.Plan, r.Key), fields)
		p.SAdd(ctx, roundsKey(r.Plan), r.Key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record round %s: %w", r.Key, err)
	}
	return a.summariseMeetings(ctx, r.Plan, r.Year)
}

// roundFields is the round's hash, as the live write and the reconcile
// store it.
func roundFields(r meeting.RoundRecord) (map[string]any, error) {
	board := int64(0)
	if !r.Board.IsZero() {
		board = r.Board.Unix()
	}
	held, err := json.Marshal(r.Held)
	if err != nil {
		return nil, fmt.Errorf("encode meetings held: %w", err)
	}
	return map[string]any{
		"meeting": r.Meeting, "year": r.Year, "stage": r.Stage,
		"steering_at": r.Steering.Unix(), "board_at": board,
		"asked": r.Asked, "answered": r.Answered, "reported": boolInt(r.Reported), "held": string(held),
	}, nil
}

// summariseMeetings rebuilds the year's list of held meetings from the
// rounds' entries.
func (a *Activities) summariseMeetings(ctx context.Context, planID, year string) error {
	keys, err := a.Redis.SMembers(ctx, roundsKey(planID)).Result()
	if err != nil {
		return err
	}
	sort.Strings(keys)
	all := []meeting.Held{}
	for _, k := range keys {
		h, err := a.Redis.HMGet(ctx, roundKey(planID, k), "year", "held").Result()
		if err != nil {
			return err
		}
		if y, _ := h[0].(string); y != year {
			continue
		}
		var held []meeting.Held
		if s, _ := h[1].(string); s != "" && json.Unmarshal([]byte(s), &held) == nil {
			all = append(all, held...)
		}
	}
	b, err := summaryJSON(all)
	if err != nil {
		return err
	}
	return a.Redis.Set(ctx, meetingSummaryKey(year), b, 0).Err()
}

// summaryJSON is helhed:meeting:summary:<yr>: the meetings held in the
// year's rounds, in round-key order.
func summaryJSON(held []meeting.Held) ([]byte, error) {
	sum := struct {
		Held []meeting.Held `json:"held"`
	}{Held: append([]meeting.Held{}, held...)}
	b, err := json.Marshal(sum)
	if err != nil {
		return nil, fmt.Errorf("encode meeting summary: %w", err)
	}
	return b, nil
}

// MeetingRecordMilestones stores each member's latest figure per target as
// its answer arrives; the actual of a target is the sum over the members
// (computed on scrape), so a member who skips a round keeps the figure it
// gave before. It also refreshes the annual report's sums.
func (a *Activities) MeetingRecordMilestones(ctx context.Context, m meeting.MilestoneRecord) error {
	if len(m.Figures) == 0 {
		return nil
	}
	fields := map[string]any{}
	for _, f := range m.Figures {
		fields[figureField(f)] = f.Value
	}
	if err := a.Redis.HSet(ctx, milestoneKey(m.Plan, m.Year), fields).Err(); err != nil {
		return fmt.Errorf("record milestones %s: %w", m.Year, err)
	}
	all, err := a.Redis.HGetAll(ctx, milestoneKey(m.Plan, m.Year)).Result()
	if err != nil {
		return err
	}
	sums := map[string]any{}
	for k, v := range milestoneSums(all) {
		sums[k] = v
	}
	return a.Redis.HSet(ctx, milestoneSummaryKey(m.Year), sums).Err()
}

// figureField is a figure's field in helhed:milestone:reported:<plan>:<yr>.
func figureField(f meeting.Figure) string {
	return strings.Join([]string{f.Activity, f.Area, f.Metric, f.Partner}, "|")
}

// milestoneSums is the annual report's view of a year's reported figures:
// the sums over the members under "<activity>/<metric>[/<area>]", summed
// exactly (0,1 + 0,15 is 0,25) so that they are rounded once, when shown.
func milestoneSums(reported map[string]string) map[string]string {
	sums := map[string]*big.Rat{}
	for field, v := range reported {
		parts := strings.Split(field, "|")
		f, err := strconv.ParseFloat(v, 64)
		d := danish.Decimal(f)
		if len(parts) != 4 || err != nil || d == nil {
			continue
		}
		key := parts[0] + "/" + parts[2]
		if parts[1] != meeting.AllAreas {
			key += "/" + parts[1]
		}
		if sums[key] == nil {
			sums[key] = new(big.Rat)
		}
		sums[key].Add(sums[key], d)
	}
	out := make(map[string]string, len(sums))
	for k, x := range sums {
		v, _ := x.Float64()
		out[k] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
