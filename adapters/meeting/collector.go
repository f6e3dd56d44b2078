package meeting

import (
	"context"
	"log/slog"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/danish"
	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/meeting"
)

var (
	milestoneActualDesc = prometheus.NewDesc("helhed_milestone_actual",
		"Milestone actual this plan year: the sum of the latest figures the responsible steering-group members reported (see helhed_milestone_target), rounded half up to one decimal as the annual report prints it; a count of persons below the discretion threshold, or one that would let such a count be worked out, is left out (see helhed_milestone_actual_suppressed).",
		[]string{"activity", "area", "year", "metric"}, nil)
	milestoneSuppressedDesc = prometheus.NewDesc("helhed_milestone_actual_suppressed",
		"1 where a milestone actual is left out by the discretion rule (meeting.PublishedActuals).",
		[]string{"activity", "area", "year", "metric"}, nil)
	milestoneStatusDesc = prometheus.NewDesc("helhed_milestone_status",
		"Where a milestone target of a begun plan year stands (MilestoneStatus): 1 for the status that holds (naaet, paa-vej, bagud, over, ikke-indberettet or diskretioneret), 0 for the others; target is the plan's Danish wording (\"mindst 12 unge pr. år\").",
		[]string{"activity", "area", "year", "metric", "target", "status"}, nil)
	milestoneExpectedDesc = prometheus.NewDesc("helhed_milestone_expected_to_date",
		"What a milestone target of a begun plan year asks for by today: a yearly count's lower bound (at-most: upper bound) times the share of the plan year passed; a level (per month, at a time, percent, grade) its lower bound.",
		[]string{"activity", "area", "year", "metric"}, nil)
	nextMeetingDesc = prometheus.NewDesc("helhed_meeting_next_timestamp_seconds",
		"Start of the next meeting of a governing body (moved dates included), Unix seconds.",
		[]string{"body"}, nil)
	completenessDesc = prometheus.NewDesc("helhed_progress_report_completeness_ratio",
		"Share of a round's data requests answered: so far while the round collects data, final once its progress report is compiled.",
		[]string{"year", "meeting"}, nil)
)

// Collector publishes the meeting read model on scrape.
type Collector struct {
	Plan  *plan.Plan
	Redis redis.Cmdable
	Log   *slog.Logger
	Now   func() time.Time // for tests; nil means time.Now
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- milestoneActualDesc
	ch <- milestoneSuppressedDesc
	ch <- milestoneStatusDesc
	ch <- milestoneExpectedDesc
	ch <- nextMeetingDesc
	ch <- completenessDesc
	ch <- budgetActualDesc
	ch <- staffHoursDeliveredDesc
}

// Collect implements prometheus.Collector. A Redis error drops the
// families for this scrape (and is logged) rather than failing /metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.collectMilestones(ctx, ch); err != nil {
		c.warn("milestones", err)
	}
	if err := c.collectRounds(ctx, ch); err != nil {
		c.warn("rounds", err)
	}
	if err := c.collectFollowUp(ctx, ch); err != nil {
		c.warn("budget and staff hours", err)
	}
}

func (c *Collector) warn(what string, err error) {
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("meeting metrics: read model unavailable", "what", what, "err", err)
}

func (c *Collector) collectMilestones(ctx context.Context, ch chan<- prometheus.Metric) error {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	today := c.Plan.DateOf(now)
	for _, y := range c.Plan.PlanYears() {
		h, err := c.Redis.HGetAll(ctx, milestoneKey(c.Plan.ID, y.Label)).Result()
		if err != nil {
			return err
		}
		// Summed exactly (0,1 + 0,15 is 0,25), so the published figure is
		// rounded once from the exact sum.
		exact := map[meeting.ActualKey]*big.Rat{}
		for field, v := range h {
			parts := strings.Split(field, "|")
			f, err := strconv.ParseFloat(v, 64)
			d := danish.Decimal(f)
			if len(parts) != 4 || err != nil || d == nil {
				continue
			}
			k := meeting.ActualKey{Activity: parts[0], Area: parts[1], Metric: parts[2]}
			if exact[k] == nil {
				exact[k] = new(big.Rat)
			}
			exact[k].Add(exact[k], d)
		}
		sums := make(map[meeting.ActualKey]float64, len(exact))
		for k, x := range exact {
			sums[k], _ = x.Float64()
		}
		published := meeting.PublishedActuals(c.Plan, y.Label, sums)
		if !today.Before(y.Period.Start) {
			c.milestoneStatus(ch, y, today, published)
		}
		for k, cell := range published {
			if cell.Suppressed {
				ch <- prometheus.MustNewConstMetric(milestoneSuppressedDesc, prometheus.GaugeValue, 1, k.Activity, k.Area, y.Label, k.Metric)
				continue
			}
			ch <- prometheus.MustNewConstMetric(milestoneActualDesc, prometheus.GaugeValue, danish.Round(cell.Value, 1), k.Activity, k.Area, y.Label, k.Metric)
		}
	}
	return nil
}

// Milestone statuses (helhed_milestone_status).
const (
	StatusReached     = "naaet"
	StatusOnTrack     = "paa-vej"
	StatusBehind      = "bagud"
	StatusOver        = "over"
	StatusNotReported = "ikke-indberettet"
	StatusSuppressed  = "diskretioneret"
)

var milestoneStatuses = []string{StatusReached, StatusOnTrack, StatusBehind, StatusOver, StatusNotReported, StatusSuppressed}

// onTrackShare is how much of what a yearly count's target asks for by
// today counts as on track: the members report at the meeting rounds, so
// the actual lags the calendar by up to a quarter.
const onTrackShare = 0.9

// milestoneStatus publishes the status and the expected-to-date figure of
// each of the plan year's activity targets, from the published actuals
// (a hidden actual has status diskretioneret, an unreported one
// ikke-indberettet: not 0).
func (c *Collector) milestoneStatus(ch chan<- prometheus.Metric, y plan.PlanYear, today plan.Date, published map[meeting.ActualKey]suppress.Cell) {
	passed := 1.0
	if y.Period.Contains(today) {
		passed = float64(y.Period.Start.DaysUntil(today)+1) / float64(y.Period.Start.DaysUntil(y.Period.End)+1)
	}
	for _, t := range c.Plan.Targets() {
		if t.Activity == "" || t.Year != y.Label {
			continue
		}
		k := meeting.ActualKey{Activity: t.Activity, Area: t.Area, Metric: t.Metric}
		if k.Area == "" {
			k.Area = meeting.AllAreas
		}
		cell, reported := published[k]
		status, expected := MilestoneStatus(t, passed, cell, reported)
		ch <- prometheus.MustNewConstMetric(milestoneExpectedDesc, prometheus.GaugeValue, expected, k.Activity, k.Area, y.Label, k.Metric)
		text := meeting.TargetText(c.Plan, t)
		for _, s := range milestoneStatuses {
			v := 0.0
			if s == status {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(milestoneStatusDesc, prometheus.GaugeValue, v, k.Activity, k.Area, y.Label, k.Metric, text, s)
		}
	}
}

// MilestoneStatus says where target t stands when passed (0–1) of its plan
// year has gone, given the published actual (reported false: none yet),
// and what it asks for by now. A yearly count is held to its share of the
// year so far (on track from onTrackShare of that, reached at its bound);
// a level (per month, at a time, a percent or a grade) is compared with
// its bounds as it is.
func MilestoneStatus(t plan.FlatTarget, passed float64, actual suppress.Cell, reported bool) (status string, expected float64) {
	level := t.Per != plan.PerYear || t.Unit == "percent" || t.Unit == "grade"
	expected = t.Min
	if t.Bound == plan.BoundAtMost {
		expected = t.Max
	}
	if !level {
		expected *= passed
	}
	switch {
	case !reported:
		return StatusNotReported, expected
	case actual.Suppressed:
		return StatusSuppressed, expected
	}
	v := actual.Value
	switch t.Bound {
	case plan.BoundAtMost:
		switch {
		case v > t.Max:
			return StatusOver, expected
		case level || passed >= 1:
			return StatusReached, expected
		}
		return StatusOnTrack, expected
	case plan.BoundBetween:
		if v > t.Max {
			return StatusOver, expected
		}
	}
	switch {
	case v >= t.Min:
		return StatusReached, expected
	case !level && passed < 1 && v >= onTrackShare*expected:
		return StatusOnTrack, expected
	}
	return StatusBehind, expected
}

func (c *Collector) collectRounds(ctx context.Context, ch chan<- prometheus.Metric) error {
	keys, err := c.Redis.SMembers(ctx, roundsKey(c.Plan.ID)).Result()
	if err != nil {
		return err
	}
	sort.Strings(keys)
	steering, board := map[string]time.Time{}, map[string]time.Time{}
	for _, k := range keys {
		h, err := c.Redis.HGetAll(ctx, roundKey(c.Plan.ID, k)).Result()
		if err != nil {
			return err
		}
		if s, err := strconv.ParseInt(h["steering_at"], 10, 64); err == nil && s > 0 {
			steering[k] = time.Unix(s, 0)
		}
		if b, err := strconv.ParseInt(h["board_at"], 10, 64); err == nil && b > 0 {
			board[k] = time.Unix(b, 0)
		}
		asked, _ := strconv.Atoi(h["asked"])
		answered, _ := strconv.Atoi(h["answered"])
		// From the moment the requests go out, so the secretariat sees the
		// answers come in; a round still waiting to open asked nobody yet.
		if h["stage"] != meeting.StageWaiting && asked > 0 {
			ch <- prometheus.MustNewConstMetric(completenessDesc, prometheus.GaugeValue, float64(answered)/float64(asked), h["year"], h["meeting"])
		}
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	next := map[string]time.Time{}
	consider := func(body string, t time.Time) {
		if t.After(now) && (next[body].IsZero() || t.Before(next[body])) {
			next[body] = t
		}
	}
	// A round's (possibly moved) dates win over the plan's for its meeting.
	planned := map[string]bool{}
	for _, m := range c.Plan.SteeringGroupMeetings() {
		key := m.ForBoard.String()
		d := meeting.Derive(m.ForBoard, c.Plan.Governance.SteeringGroup.OffsetDays).Steering
		if m.Kind == plan.MeetingSummer {
			key, d = "summer-"+m.Date.String(), m.Date
		}
		planned[key] = true
		if t, ok := steering[key]; ok {
			consider(plan.BodySteeringGroup, t)
			continue
		}
		start, _ := c.Plan.MeetingTimes(plan.Meeting{Body: plan.BodySteeringGroup, Date: d})
		consider(plan.BodySteeringGroup, start)
	}
	for _, m := range c.Plan.BoardMeetings() {
		if t, ok := board[m.Date.String()]; ok {
			consider(plan.BodyBoard, t)
			continue
		}
		start, _ := c.Plan.MeetingTimes(m)
		consider(plan.BodyBoard, start)
	}
	// Rounds started for a date the plan does not have (an operator's
	// deviation) hold meetings too, as the plan calendar shows them.
	for k, t := range steering {
		if !planned[k] {
			consider(plan.BodySteeringGroup, t)
		}
	}
	for k, t := range board {
		if !planned[k] {
			consider(plan.BodyBoard, t)
		}
	}
	for _, body := range []string{plan.BodyBoard, plan.BodySteeringGroup} {
		if t, ok := next[body]; ok {
			ch <- prometheus.MustNewConstMetric(nextMeetingDesc, prometheus.GaugeValue, float64(t.Unix()), body)
		}
	}
	return nil
}
