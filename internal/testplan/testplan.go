// Package testplan gives tests their plans: the embedded ones by id, and
// one derived from the embedded example plan around a given day, so that a
// test needs no embedded plan covering today.
package testplan

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"helhed/plan"
	"helhed/workdays"
)

// Load is the embedded plan id; an error fails t.
func Load(t testing.TB, id string) *plan.Plan {
	t.Helper()
	p, err := plan.LoadEmbedded(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	// BaseID is the embedded plan Around derives its plans from.
	BaseID = "eksempel-2025-29"
	// ID is the id of every plan Around derives, so that a test plan is
	// never mistaken for the embedded one.
	ID = "eksempel-test"
)

// AroundToday is Around for today in the plan's time zone, written to a
// file in a directory of t's (Write): the plan and the file's path, for
// PLAN_FILE. An error fails t.
func AroundToday(t testing.TB) (*plan.Plan, string) {
	t.Helper()
	return AroundDate(t, Today())
}

// AroundDate is Around(d) written to a file in a directory of t's.
func AroundDate(t testing.TB, d plan.Date) (*plan.Plan, string) {
	t.Helper()
	p, err := Around(d)
	if err != nil {
		t.Fatal(err)
	}
	path, err := Write(t.TempDir(), p)
	if err != nil {
		t.Fatal(err)
	}
	return p, path
}

// Today is today's date in the base plan's time zone.
func Today() plan.Date {
	return plan.DateOf(time.Now().In(mustBase().Location()))
}

// Around derives a valid plan from the embedded BaseID whose second plan
// year contains d, so that a plan year has passed and two lie ahead: every
// date moves by the same whole number of years, every meeting and
// conference then to the nearest valid day (a Danish weekday, on its old
// weekday where possible, inside its plan year, never on another meeting's
// day; a spring or autumn board meeting also needs a valid steering-group
// day offset_days before it). The result has passed the real loader.
func Around(d plan.Date) (*plan.Plan, error) {
	p, err := plan.LoadEmbedded(BaseID)
	if err != nil {
		return nil, err
	}
	start := p.Period.Start
	first := d.Year - 1 // the year the plan's first plan year starts in
	if d.Before(plan.NewDate(d.Year, start.Month, start.Day)) {
		first--
	}
	years := first - start.Year
	p.ID = ID
	p.Name = fmt.Sprintf("Testplan (afledt af %s, flyttet %+d år)", BaseID, years)
	p.Note = "Genereret til test; ikke en vedtaget plan."
	p.Period = plan.Period{Start: shiftYears(p.Period.Start, years), End: shiftYears(p.Period.End, years)}
	if err := moveDates(p, years); err != nil {
		return nil, err
	}
	data, err := yaml.Marshal(p)
	if err != nil {
		return nil, err
	}
	out, err := plan.Parse(data, fmt.Sprintf("test plan around %s", d))
	if err != nil {
		return nil, err
	}
	if y, ok := out.YearOf(d); !ok || y.Index != 1 {
		return nil, fmt.Errorf("test plan %s: %s is not in its second plan year", out.Period, d)
	}
	return out, nil
}

// Write writes p as YAML to dir/plan.yaml and reads it back with the real
// loader; it returns the file's path.
func Write(dir string, p *plan.Plan) (string, error) {
	data, err := yaml.Marshal(p)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", err
	}
	if _, err := plan.LoadFile(path); err != nil {
		return "", err
	}
	return path, nil
}

func mustBase() *plan.Plan {
	p, err := plan.LoadEmbedded(BaseID)
	if err != nil {
		panic(err) // the embedded plans are checked by plan's own tests
	}
	return p
}

// moveDates moves the year labels and governance dates by years and then
// each meeting to a valid day.
func moveDates(p *plan.Plan, years int) error {
	label := func(l string) string {
		var y int
		if _, err := fmt.Sscanf(l, "%d-", &y); err != nil {
			return l // the loader reports it
		}
		return fmt.Sprintf("%d-%02d", y+years, (y+years+1)%100)
	}
	for i := range p.Activities {
		for j := range p.Activities[i].Targets {
			t := &p.Activities[i].Targets[j]
			t.Year = label(t.Year)
		}
	}
	for i := range p.Indicators {
		for j := range p.Indicators[i].Targets {
			t := &p.Indicators[i].Targets[j]
			t.Year = label(t.Year)
		}
	}

	used := map[plan.Date]bool{}
	offset := p.Governance.SteeringGroup.OffsetDays
	move := func(d *plan.Date, year string, board bool) error {
		y, ok := p.PlanYear(year)
		if !ok {
			return fmt.Errorf("no plan year %s in %s", year, p.Period)
		}
		accept := func(c plan.Date) bool {
			if used[c] || !workdays.IsWeekday(c) || !y.Period.Contains(c) {
				return false
			}
			if !board {
				return true
			}
			sg := c.AddDays(-offset)
			return !used[sg] && workdays.IsWeekday(sg) && p.Period.Contains(sg)
		}
		moved, found := nearest(shiftYears(*d, years), d.Weekday(), accept)
		if !found {
			return fmt.Errorf("no valid day in plan year %s near %s", year, shiftYears(*d, years))
		}
		*d, used[moved] = moved, true
		if board {
			used[moved.AddDays(-offset)] = true
		}
		return nil
	}
	g := &p.Governance
	for i := range g.Board.Meetings {
		m := &g.Board.Meetings[i]
		m.Year = label(m.Year)
		for _, d := range []*plan.Date{&m.Autumn, &m.Spring} {
			if err := move(d, m.Year, true); err != nil {
				return err
			}
		}
	}
	for i := range g.Board.Meetings {
		m := &g.Board.Meetings[i]
		for j := range m.Strategic {
			if err := move(&m.Strategic[j], m.Year, false); err != nil {
				return err
			}
		}
	}
	for _, ds := range [][]plan.YearlyDate{g.SteeringGroup.Summer, g.Conference.Dates} {
		for i := range ds {
			ds[i].Year = label(ds[i].Year)
			if err := move(&ds[i].Date, ds[i].Year, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// shiftYears moves d by whole years; 29 February becomes 28 February in a
// year without it.
func shiftYears(d plan.Date, years int) plan.Date {
	y := d.Year + years
	if last := plan.NewDate(y, d.Month+1, 1).AddDays(-1); d.Day > last.Day {
		return last
	}
	return plan.NewDate(y, d.Month, d.Day)
}

// nearest is the day closest to d that ok accepts, on weekday wd if any
// such day lies within eight weeks, else on any day.
func nearest(d plan.Date, wd time.Weekday, ok func(plan.Date) bool) (plan.Date, bool) {
	for _, sameWeekday := range []bool{true, false} {
		for dist := 0; dist <= 56; dist++ {
			for _, c := range []plan.Date{d.AddDays(dist), d.AddDays(-dist)} {
				if (!sameWeekday || c.Weekday() == wd) && ok(c) {
					return c, true
				}
			}
		}
	}
	return plan.Date{}, false
}
