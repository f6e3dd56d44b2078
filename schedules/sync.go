package schedules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"helhed/plan"
)

// Policies every helhed schedule gets. Launch is short and idempotent, so
// overlapping fires are harmless; a week of catch-up covers a worker or
// server outage without replaying stale months.
const (
	overlapPolicy = enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL
	catchupWindow = 7 * 24 * time.Hour
)

// Outcomes of a sync, per schedule.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// Change is what Sync did to one schedule.
type Change struct {
	ID      string
	Outcome string
	// Differs names what differed before an update (spec, action, policy).
	Differs []string
}

// Syncer creates and updates schedules. DataConverter must be the one the
// client uses (helhed's encrypting converter), so that the described
// action arguments can be decoded and compared.
type Syncer struct {
	Client        client.Client
	DataConverter converter.DataConverter
	TaskQueue     string
	// Sources are every wired capability's schedule sources (app.Capabilities).
	Sources []Source
	Log     *slog.Logger
}

// Sync makes Temporal hold exactly the desired specs of p (see Desired),
// creating missing schedules and updating those whose spec, action or
// policy differ. It never deletes and never unpauses.
func (s *Syncer) Sync(ctx context.Context, p *plan.Plan) ([]Change, error) {
	specs, err := Desired(p, s.Sources)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, spec := range specs {
		ch, err := s.syncOne(ctx, p, spec)
		if err != nil {
			return changes, fmt.Errorf("schedule %s: %w", spec.ID, err)
		}
		s.log().Info("schedule synced", "schedule", spec.ID, "outcome", ch.Outcome, "differs", strings.Join(ch.Differs, ","))
		changes = append(changes, ch)
	}
	return changes, nil
}

func (s *Syncer) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Syncer) syncOne(ctx context.Context, p *plan.Plan, spec Spec) (Change, error) {
	want := desiredSchedule(p, spec, s.TaskQueue)
	h := s.Client.ScheduleClient().GetHandle(ctx, spec.ID)
	desc, err := h.Describe(ctx)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		_, err := s.Client.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:            spec.ID,
			Spec:          *want.Spec,
			Action:        want.Action,
			Overlap:       want.Policy.Overlap,
			CatchupWindow: want.Policy.CatchupWindow,
			Note:          spec.Title,
		})
		if err != nil {
			return Change{}, fmt.Errorf("create: %w", err)
		}
		return Change{ID: spec.ID, Outcome: Created}, nil
	}
	if err != nil {
		return Change{}, fmt.Errorf("describe: %w", err)
	}
	differs, err := s.differences(want, desc.Schedule)
	if err != nil {
		return Change{}, err
	}
	if len(differs) == 0 {
		return Change{ID: spec.ID, Outcome: Unchanged}, nil
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		sched := in.Description.Schedule // keeps State: a paused schedule stays paused
		sched.Spec = want.Spec
		sched.Action = want.Action
		sched.Policy = want.Policy
		return &client.ScheduleUpdate{Schedule: &sched}, nil
	}})
	if err != nil {
		return Change{}, fmt.Errorf("update: %w", err)
	}
	return Change{ID: spec.ID, Outcome: Updated, Differs: differs}, nil
}

// desiredSchedule is the Schedule a spec asks for.
func desiredSchedule(p *plan.Plan, spec Spec, taskQueue string) client.Schedule {
	loc := p.Location()
	ss := client.ScheduleSpec{TimeZoneName: loc.String(), Calendars: spec.Calendars, Intervals: spec.Intervals}
	action := &client.ScheduleWorkflowAction{ID: spec.ID, Workflow: spec.Workflow, Args: spec.Args, TaskQueue: taskQueue}
	if len(spec.Occurrences) > 0 {
		occs := append([]Occurrence(nil), spec.Occurrences...)
		sort.SliceStable(occs, func(i, j int) bool { return occs[i].At.Before(occs[j].At) })
		ss.Calendars = nil
		for _, o := range occs {
			t := o.At.In(loc)
			one := func(v int) []client.ScheduleRange { return []client.ScheduleRange{{Start: v}} }
			ss.Calendars = append(ss.Calendars, client.ScheduleCalendarSpec{
				Year: one(t.Year()), Month: one(int(t.Month())), DayOfMonth: one(t.Day()),
				Hour: one(t.Hour()), Minute: one(t.Minute()), Comment: o.WorkflowID,
			})
		}
		action.Workflow = LaunchWorkflowName
		action.Args = []any{LaunchInput{Schedule: spec.ID, Occurrences: occs}}
	}
	return client.Schedule{
		Spec:   &ss,
		Action: action,
		Policy: &client.SchedulePolicies{Overlap: overlapPolicy, CatchupWindow: catchupWindow},
	}
}

// canonical is a schedule reduced to what helhed sets, in a form where
// equal means equal: calendars with the server's defaults filled in,
// arguments decoded and re-encoded as sorted JSON.
type canonical struct {
	Spec   specCanon
	Action actionCanon
	Policy string
}

type specCanon struct {
	TimeZone  string
	Calendars []string
	Intervals []string
}

type actionCanon struct {
	Workflow, WorkflowID, TaskQueue string
	Args                            []string
}

func (s *Syncer) differences(want client.Schedule, got client.Schedule) ([]string, error) {
	w, err := s.canon(want)
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	g, err := s.canon(got)
	if err != nil {
		// An action we cannot read (e.g. written with another key) is
		// replaced rather than left to fail.
		s.log().Warn("cannot read described schedule; replacing it", "err", err)
		return []string{"action"}, nil
	}
	var d []string
	if !reflect.DeepEqual(w.Spec, g.Spec) {
		d = append(d, "spec")
	}
	if !reflect.DeepEqual(w.Action, g.Action) {
		d = append(d, "action")
	}
	if w.Policy != g.Policy {
		d = append(d, "policy")
	}
	return d, nil
}

func (s *Syncer) canon(sc client.Schedule) (canonical, error) {
	var c canonical
	if sc.Spec != nil {
		c.Spec.TimeZone = sc.Spec.TimeZoneName
		for _, cal := range sc.Spec.Calendars {
			c.Spec.Calendars = append(c.Spec.Calendars, canonCalendar(cal))
		}
		sort.Strings(c.Spec.Calendars)
		for _, iv := range sc.Spec.Intervals {
			c.Spec.Intervals = append(c.Spec.Intervals, fmt.Sprintf("%s+%s", iv.Every, iv.Offset))
		}
		sort.Strings(c.Spec.Intervals)
	}
	if sc.Policy != nil {
		c.Policy = fmt.Sprintf("%s/%s/%t", sc.Policy.Overlap, sc.Policy.CatchupWindow, sc.Policy.PauseOnFailure)
	}
	a, ok := sc.Action.(*client.ScheduleWorkflowAction)
	if !ok {
		return c, fmt.Errorf("action is %T, not a workflow start", sc.Action)
	}
	c.Action.WorkflowID, c.Action.TaskQueue = a.ID, a.TaskQueue
	switch w := a.Workflow.(type) {
	case string:
		c.Action.Workflow = w
	default:
		return c, fmt.Errorf("action workflow given as %T; use the registered name", a.Workflow)
	}
	for i, arg := range a.Args {
		var raw []byte
		if p, ok := arg.(*commonpb.Payload); ok {
			var m json.RawMessage
			if err := s.DataConverter.FromPayload(p, &m); err != nil {
				return c, fmt.Errorf("decode argument %d: %w", i, err)
			}
			raw = m
		} else {
			b, err := json.Marshal(arg)
			if err != nil {
				return c, fmt.Errorf("encode argument %d: %w", i, err)
			}
			raw = b
		}
		norm, err := normJSON(raw)
		if err != nil {
			return c, fmt.Errorf("argument %d: %w", i, err)
		}
		c.Action.Args = append(c.Action.Args, norm)
	}
	return c, nil
}

// normJSON re-encodes JSON with sorted object keys.
func normJSON(raw []byte) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// canonCalendar renders a calendar with the defaults the SDK applies on
// the way in (second, minute, hour 0; every day, month and weekday) and
// single-value ranges written as start-start/1.
func canonCalendar(c client.ScheduleCalendarSpec) string {
	field := func(name string, rs []client.ScheduleRange, def client.ScheduleRange) string {
		if rs == nil {
			rs = []client.ScheduleRange{def}
		}
		parts := make([]string, len(rs))
		for i, r := range rs {
			end, step := r.End, r.Step
			if end < r.Start {
				end = r.Start
			}
			if step == 0 {
				step = 1
			}
			parts[i] = fmt.Sprintf("%d-%d/%d", r.Start, end, step)
		}
		return name + "=" + strings.Join(parts, ",")
	}
	return strings.Join([]string{
		field("y", c.Year, client.ScheduleRange{}),
		field("mo", c.Month, client.ScheduleRange{Start: 1, End: 12}),
		field("d", c.DayOfMonth, client.ScheduleRange{Start: 1, End: 31}),
		field("wd", c.DayOfWeek, client.ScheduleRange{Start: 0, End: 6}),
		field("h", c.Hour, client.ScheduleRange{}),
		field("mi", c.Minute, client.ScheduleRange{}),
		field("s", c.Second, client.ScheduleRange{}),
		"c=" + c.Comment,
	}, " ")
}
