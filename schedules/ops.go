package schedules

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// Listed is one schedule as `starter schedules list` and the schedules
// page show it.
type Listed struct {
	ID string
	// Title is the Danish title of the schedule's spec; "" for a schedule
	// no spec wants (left by an older plan) or when List had no specs.
	Title    string
	Workflow string
	Paused   bool
	Note     string
	Next     []time.Time // the next fire times the server computed
	Recent   []time.Time // recent fire times
}

// List returns every helhed schedule (IDs under Prefix), sorted by ID,
// each with the Title of its spec among specs (Desired's for the plan).
// The titles come from the specs, not from Temporal: a schedule's note,
// which starts as its title, is replaced by a pause note.
func List(ctx context.Context, c client.Client, specs []Spec) ([]Listed, error) {
	titles := make(map[string]string, len(specs))
	for _, s := range specs {
		titles[s.ID] = s.Title
	}
	it, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 100})
	if err != nil {
		return nil, fmt.Errorf("tidsplanerne kunne ikke listes: %w", err)
	}
	var out []Listed
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("tidsplanerne kunne ikke listes: %w", err)
		}
		if !strings.HasPrefix(e.ID, Prefix) {
			continue
		}
		l := Listed{ID: e.ID, Title: titles[e.ID], Workflow: e.WorkflowType.Name, Paused: e.Paused, Note: e.Note, Next: e.NextActionTimes}
		for _, r := range e.RecentActions {
			l.Recent = append(l.Recent, r.ScheduleTime)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Resolve turns a short cycle name ("meeting-round") into the plan's
// schedule ID; a full ID is returned as is.
func Resolve(planID, idOrCycle string) string {
	if strings.HasPrefix(idOrCycle, Prefix) {
		return idOrCycle
	}
	return ID(planID, idOrCycle)
}

// opError names the schedule, and says so plainly when there is none; op
// is the Danish infinitive ("udløses"). The starter shows these messages.
func opError(op, id string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("tidsplanen %s findes ikke (`starter schedules list` viser dem)", id)
	}
	return fmt.Errorf("tidsplanen %s kunne ikke %s: %w", id, op, err)
}

// Trigger fires a schedule now: Launch starts the occurrence due now, if
// any and not already started.
func Trigger(ctx context.Context, c client.Client, id string) error {
	h := c.ScheduleClient().GetHandle(ctx, id)
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: overlapPolicy}); err != nil {
		return opError("udløses", id, err)
	}
	return nil
}

// Pause stops a schedule firing until Unpause; sync leaves it paused.
func Pause(ctx context.Context, c client.Client, id, note string) error {
	if err := c.ScheduleClient().GetHandle(ctx, id).Pause(ctx, client.SchedulePauseOptions{Note: note}); err != nil {
		return opError("sættes på pause", id, err)
	}
	return nil
}

// Unpause lets a paused schedule fire again.
func Unpause(ctx context.Context, c client.Client, id, note string) error {
	if err := c.ScheduleClient().GetHandle(ctx, id).Unpause(ctx, client.ScheduleUnpauseOptions{Note: note}); err != nil {
		return opError("genoptages", id, err)
	}
	return nil
}

// Backfill fires the schedule for every time it would have fired in
// [from, to]; each fire's Launch starts what was due then, unless it ran.
func Backfill(ctx context.Context, c client.Client, id string, from, to time.Time) error {
	if !to.After(from) {
		return fmt.Errorf("tidsplanen %s: TO (%s) ligger ikke efter FROM (%s)", id, to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	err := c.ScheduleClient().GetHandle(ctx, id).Backfill(ctx, client.ScheduleBackfillOptions{
		Backfill: []client.ScheduleBackfill{{Start: from, End: to, Overlap: overlapPolicy}},
	})
	if err != nil {
		return opError("udløses for perioden", id, err)
	}
	return nil
}
