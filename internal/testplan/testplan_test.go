package testplan_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workdays"
	"helhed/workflows/absence"
	"helhed/workflows/meeting"
)

// TestAroundEveryMonth derives the plans for 2021 to 2060 and checks
// what tests rely on: each loads, every meeting is on a Danish weekday and
// on a day of its own, the meeting and absence schedules derive, and on
// the first and last day of every month of its second plan year the day
// lies in that year and an absence quarter is due. The plan of a day is
// the one of its plan year, so one plan per plan year covers every month;
// Around is also asked for the year's last day, 30 June, to check it
// picks that plan.
func TestAroundEveryMonth(t *testing.T) {
	for y := 2020; y <= 2060; y++ {
		p, err := testplan.Around(plan.NewDate(y, time.July, 1))
		if err != nil {
			t.Fatalf("Around(%d-07-01): %v", y, err)
		}
		last, err := testplan.Around(plan.NewDate(y+1, time.June, 30))
		if err != nil {
			t.Fatalf("Around(%d-06-30): %v", y+1, err)
		}
		if last.Period != p.Period {
			t.Errorf("%d-06-30 gets plan %s, %d-07-01 gets %s", y+1, last.Period, y, p.Period)
		}
		checkMeetings(t, p)
		for m := time.July; m < time.July+12; m++ {
			for _, d := range []plan.Date{plan.NewDate(y, m, 1), plan.NewDate(y, m+1, 1).AddDays(-1)} {
				checkDay(t, p, d)
			}
		}
	}
}

// checkMeetings checks p's meetings and schedules.
func checkMeetings(t *testing.T, p *plan.Plan) {
	t.Helper()
	if p.ID != testplan.ID || len(p.PlanYears()) != 4 {
		t.Errorf("plan %s %s: %d plan years", p.ID, p.Period, len(p.PlanYears()))
	}
	seen := map[plan.Date]string{}
	for _, ms := range [][]plan.Meeting{p.BoardMeetings(), p.SteeringGroupMeetings(), p.Conferences()} {
		for _, m := range ms {
			if !workdays.IsWeekday(m.Date) {
				t.Errorf("plan %s: %s is not a weekday", p.Period, m)
			}
			if other, dup := seen[m.Date]; dup {
				t.Errorf("plan %s: %s on the day of %s", p.Period, m, other)
			}
			seen[m.Date] = m.String()
		}
	}
	if _, err := meeting.ScheduleSpecs(p); err != nil {
		t.Errorf("plan %s: meeting schedule: %v", p.Period, err)
	}
	if _, err := absence.ScheduleSpecs(p); err != nil {
		t.Errorf("plan %s: absence schedule: %v", p.Period, err)
	}
}

// checkDay checks that d is in p's second plan year with an absence
// quarter due.
func checkDay(t *testing.T, p *plan.Plan, d plan.Date) {
	t.Helper()
	if y, ok := p.YearOf(d); !ok || y.Index != 1 {
		t.Errorf("%s: plan %s, year %+v", d, p.Period, y)
	}
	specs, err := absence.ScheduleSpecs(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := schedules.Pick(specs[0].Occurrences, time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, p.Location())); !ok {
		t.Errorf("%s: no absence quarter due", d)
	}
}

// TestAroundTodayWritesTheFile: the file holds the plan, for PLAN_FILE.
func TestAroundTodayWritesTheFile(t *testing.T) {
	p, path := testplan.AroundToday(t)
	checkMeetings(t, p)
	checkDay(t, p, testplan.Today())
	q, err := plan.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Error("the file's plan differs from the one returned")
	}
}

// TestAroundKeepsTheBasePlan: only dates, year labels and the plan's
// names change; areas, partners, activities and targets are the base's.
// Around a day in the base's own second plan year the plan is the base
// itself but for its id, name and note, so nothing is lost on the way
// through YAML.
func TestAroundKeepsTheBasePlan(t *testing.T) {
	base := testplan.Load(t, testplan.BaseID)
	same, err := testplan.Around(base.PlanYears()[1].Period.Start)
	if err != nil {
		t.Fatal(err)
	}
	same.ID, same.Name, same.Note = base.ID, base.Name, base.Note
	if !reflect.DeepEqual(same, base) {
		t.Error("the plan around the base's own second year differs from the base")
	}
	p, err := testplan.Around(plan.NewDate(2041, 2, 14))
	if err != nil {
		t.Fatal(err)
	}
	if p.Period.Start != plan.NewDate(2039, 7, 1) || p.Period.End != plan.NewDate(2043, 6, 30) {
		t.Errorf("period %s", p.Period)
	}
	if !reflect.DeepEqual(p.Areas, base.Areas) || !reflect.DeepEqual(p.Partners, base.Partners) ||
		len(p.Activities) != len(base.Activities) || len(p.Indicators) != len(base.Indicators) {
		t.Error("the plan's content changed")
	}
	for i, a := range p.Activities {
		for j, x := range a.Targets {
			var by int
			b := base.Activities[i].Targets[j]
			fmt.Sscanf(b.Year, "%d-", &by)
			if want := fmt.Sprintf("%d-%02d", by+14, (by+15)%100); x.Metric != b.Metric || x.Year != want {
				t.Errorf("activity %s target %d: %s %s, base %s %s", a.ID, j, x.Metric, x.Year, b.Metric, b.Year)
			}
		}
	}
}
