package calendar

import (
	"strings"
	"testing"
	"time"

	"helhed/internal/testplan"
	"helhed/plan"
)

// TestDeriveMovesAndCounts: UIDs are unique; a round's moved board
// meeting keeps its UID and takes the read model's date; eviction counts
// under the threshold are suppressed.
func TestDeriveMovesAndCounts(t *testing.T) {
	p, _ := testplan.AroundToday(t)
	var autumn plan.Meeting
	for _, m := range p.BoardMeetings() {
		if m.Kind == plan.MeetingAutumn {
			autumn = m
			break
		}
	}
	planned, _ := p.MeetingTimes(autumn)
	moved := planned.AddDate(0, 0, 14)
	day := p.DateOf(time.Now())
	ms, err := Derive(p, Live{
		Rounds: []Round{{Key: autumn.Date.String(), Steering: planned.AddDate(0, 0, -21), Board: moved}},
		Cases:  []CaseDeadline{{Due: day, Stage: "outreach", Cases: 3}, {Due: day.AddDays(1), Stage: "escalated", Cases: 7}},
	})
	if err != nil {
		t.Fatal(err)
	}
	uids := map[string]Milestone{}
	for _, m := range ms {
		if _, dup := uids[m.UID]; dup {
			t.Fatalf("UID %s twice", m.UID)
		}
		uids[m.UID] = m
	}
	board := uids[p.ID+"/bestyrelse/"+autumn.Date.String()+"@helhed"]
	if !board.Start.Equal(moved) || !strings.Contains(board.Description, "flyttet") {
		t.Fatalf("moved board meeting: %+v", board)
	}
	small, big := uids[p.ID+"/udsaettelse/"+day.String()+"@helhed"], uids[p.ID+"/udsaettelse/"+day.AddDays(1).String()+"@helhed"]
	if small.Summary != ".. udsættelsessager med frist" || strings.Contains(small.Description, "3") {
		t.Fatalf("small count shown: %+v", small)
	}
	if big.Summary != "7 udsættelsessager med frist" {
		t.Fatalf("count: %+v", big)
	}
}
