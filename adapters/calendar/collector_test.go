package calendar

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"helhed/calendar"
)

// TestUpcomingMilestonesUpToTheNextSteeringGroupMeeting: the entries from
// now up to and including the next steering-group meeting are marked, an
// entry already over is left out, today's all-day deadline is in, and the
// window reaches past a near meeting to 30 days ahead, or to a far one.
func TestUpcomingMilestonesUpToTheNextSteeringGroupMeeting(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	allDay := func(kind string, d int) calendar.Milestone {
		return calendar.Milestone{UID: fmt.Sprintf("%s/%d", kind, d), Kind: kind, Start: day(d), End: day(d + 1), AllDay: true}
	}
	timed := func(kind string, d int) calendar.Milestone {
		start := day(d).Add(14 * time.Hour)
		return calendar.Milestone{UID: fmt.Sprintf("%s/%d", kind, d), Kind: kind, Start: start, End: start.Add(2 * time.Hour)}
	}
	read := func(us []upcoming) (before, after []string) {
		for _, u := range us {
			if u.beforeSteering {
				before = append(before, u.UID)
			} else {
				after = append(after, u.UID)
			}
		}
		return before, after
	}
	for _, tc := range []struct {
		name          string
		ms            []calendar.Milestone
		before, after []string
	}{{
		name: "near meeting",
		ms: []calendar.Milestone{
			timed(calendar.KindSteeringGroup, -20), allDay(calendar.KindRequests, -1), allDay(calendar.KindDataDeadline, 0),
			allDay(calendar.KindAbsence, 3), timed(calendar.KindSteeringGroup, 14), timed(calendar.KindBoard, 28),
			allDay(calendar.KindAnnualReport, 29), allDay(calendar.KindStatistics, 31), timed(calendar.KindSteeringGroup, 90),
		},
		before: []string{"datafrist/0", "fravaer/3", "styregruppe/14"},
		after:  []string{"bestyrelse/28", "aarsrapport/29"},
	}, {
		name: "far meeting",
		ms: []calendar.Milestone{
			allDay(calendar.KindAbsence, 1), allDay(calendar.KindDataDeadline, 50), allDay(calendar.KindStatistics, 50),
			timed(calendar.KindSteeringGroup, 64), timed(calendar.KindBoard, 70),
		},
		before: []string{"fravaer/1", "datafrist/50", "statistik/50", "styregruppe/64"},
	}, {
		name: "meeting under way",
		ms: []calendar.Milestone{
			{UID: "styregruppe/now", Kind: calendar.KindSteeringGroup, Start: now.Add(-time.Hour), End: now.Add(time.Hour)},
			allDay(calendar.KindAbsence, 2), timed(calendar.KindSteeringGroup, 40),
		},
		before: []string{"styregruppe/now", "fravaer/2", "styregruppe/40"},
	}, {
		name:  "no meeting left in the plan",
		ms:    []calendar.Milestone{allDay(calendar.KindAbsence, 2), allDay(calendar.KindAnnualReport, 40)},
		after: []string{"fravaer/2"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := read(upcomingMilestones(tc.ms, now, DueDays))
			if !slices.Equal(before, tc.before) || !slices.Equal(after, tc.after) {
				t.Errorf("before the meeting %v, after %v; want %v and %v", before, after, tc.before, tc.after)
			}
		})
	}
}
