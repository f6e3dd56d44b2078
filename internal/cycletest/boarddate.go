package cycletest

import (
	"testing"
	"time"

	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/meeting"
)

// UnplannedBoardDate is a board date no plan meeting uses (so no schedule
// starts its round) whose round opens at once (its opening day has come)
// and whose meetings lie ahead, past the report's day: for tests that
// start, move or relaunch a round on the real stack (with a
// DeviationReason, as the date is not the plan's).
func UnplannedBoardDate(t testing.TB, p *plan.Plan) plan.Date {
	t.Helper()
	today := p.DateOf(time.Now())
	used := map[plan.Date]bool{}
	for _, m := range p.BoardMeetings() {
		used[m.Date] = true
	}
	earliest := workdays.Add(today, meeting.ReportWeekdays+3)
	for b := today; b.Before(today.AddDays(120)); b = b.AddDays(1) {
		tl := meeting.Derive(b, p.Governance.SteeringGroup.OffsetDays)
		if used[b] || !workdays.IsWeekday(b) || tl.Steering.Before(earliest) || !p.Period.Contains(b) {
			continue
		}
		if in := (meeting.Input{Plan: p.ID, BoardDate: b.String(), DeviationReason: "test"}); in.Check(p, today, true) == nil && !today.Before(tl.Open) {
			return b
		}
	}
	t.Fatalf("no board date for a round within 120 days of %s", today)
	return plan.Date{}
}
