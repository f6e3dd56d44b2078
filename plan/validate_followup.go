package plan

import (
	"fmt"
	"slices"
	"strings"
)

// checkFollowUp checks the sections of followup.go.
func (v *validator) checkFollowUp() {
	v.checkEconomy()
	v.checkStaffLineKeys()
	collectIDs(v, "team", "$.team_meetings", v.p.TeamMeetings, func(t TeamMeeting) string { return t.ID })
	v.checkTeamMeetings()
	collectIDs(v, "monitored area", "$.monitored_areas", v.p.MonitoredAreas, func(m MonitoredArea) string { return m.ID })
	v.checkMonitoredAreas()
}

func (v *validator) checkEconomy() {
	e := v.p.Economy
	const base = "$.economy"
	if len(e.Budget) > 0 {
		v.required(base+".source", "economy source (the tilsagn letter or the approved budget)", e.Source)
	}
	if e.Tilsagn < 0 {
		v.addf(base+".tilsagn", "tilsagn %d kr: must not be negative", e.Tilsagn)
	}
	first := map[string]int{}
	var tilsagn int64
	for i, b := range e.Budget {
		line := fmt.Sprintf("%s.budget[%d]", base, i)
		if v.ref(line+".activity", "activity", b.Activity, v.activities) {
			if j, dup := first[b.Activity]; dup {
				prev := fmt.Sprintf("%s.budget[%d]", base, j)
				v.addf(line+".activity", "second budget line for activity %q (first at %s, line %d)", b.Activity, prev, v.idx.line(prev))
			} else {
				first[b.Activity] = i
			}
		}
		v.checkAmounts(line+".planned", "planned", b.Planned)
		v.checkAmounts(line+".tilsagn", "tilsagn", b.Tilsagn)
		for j, t := range b.Tilsagn {
			if j < len(b.Planned) && t > b.Planned[j] && t >= 0 && b.Planned[j] >= 0 {
				v.addf(fmt.Sprintf("%s.tilsagn[%d]", line, j), "tilsagn %d kr exceeds the planned %d kr%s", t, b.Planned[j], v.yearSuffix(j))
			}
			tilsagn += t
		}
	}
	if e.Tilsagn > 0 && tilsagn != e.Tilsagn {
		v.addf(base+".tilsagn", "the budget lines' tilsagn add up to %d kr, the economy states %d kr", tilsagn, e.Tilsagn)
	}
}

// checkAmounts checks one amount per plan year, none negative.
func (v *validator) checkAmounts(path, what string, amounts []int64) {
	if len(amounts) == 0 {
		v.addf(path, "budget line without %s amounts: give one per plan year (%s), in kr", what, strings.Join(v.labels, ", "))
		return
	}
	if v.periodOK && len(amounts) != len(v.labels) {
		v.addf(path, "%d %s amounts for %d plan years (%s): give one per plan year, in order", len(amounts), what, len(v.labels), strings.Join(v.labels, ", "))
	}
	for j, a := range amounts {
		if a < 0 {
			v.addf(fmt.Sprintf("%s[%d]", path, j), "%s amount %d kr%s: must not be negative", what, a, v.yearSuffix(j))
		}
	}
}

// yearSuffix names the plan year of the i-th amount, " (2025-26)".
func (v *validator) yearSuffix(i int) string {
	if i < len(v.labels) {
		return " (" + v.labels[i] + ")"
	}
	return ""
}

// checkStaffLineKeys: staff-hour lines are keyed "<owner>/<n>", so a focus
// area with hours of its own may not share its id with an activity that
// has hours.
func (v *validator) checkStaffLineKeys() {
	for i, f := range v.p.FocusAreas {
		if j, ok := v.activities[f.ID]; ok && len(f.Resources) > 0 && len(v.p.Activities[j].Resources) > 0 {
			v.addf(fmt.Sprintf("$.focus_areas[%d].id", i), "focus area id %q is also an activity id; both have staff hours, which are keyed by it", f.ID)
		}
	}
}

func (v *validator) checkTeamMeetings() {
	for i, t := range v.p.TeamMeetings {
		base := fmt.Sprintf("$.team_meetings[%d]", i)
		v.required(base+".name", "team name", t.Name)
		v.ref(base+".activity", "activity", t.Activity, v.activities)
		if len(t.Members) == 0 {
			v.addf(base+".members", "team without members")
		}
		v.refs(base+".members", "partner", t.Members, v.partners)
		if v.ref(base+".convenor", "partner", t.Convenor, v.partners) && !slices.Contains(t.Members, t.Convenor) {
			v.addf(base+".convenor", "convenor %q is not among the team's members", t.Convenor)
		}
		if t.EveryDays < 1 || t.EveryDays > 366 {
			v.addf(base+".every_days", "every_days %d: the team meets every 1 to 366 days", t.EveryDays)
		}
		if _, ok := t.Day(); !ok {
			v.addf(base+".weekday", "weekday %q: want one of %s", t.Weekday, strings.Join(teamWeekdays, ", "))
		}
		if _, _, ok := parseClock(t.StartTime); !ok {
			v.addf(base+".start_time", "start time %q: want hh:mm", t.StartTime)
		}
		if t.DurationMinutes <= 0 {
			v.addf(base+".duration_minutes", "duration %d minutes: must be positive", t.DurationMinutes)
		}
		v.checkPlace(base+".place", t.Place)
	}
}

func (v *validator) checkMonitoredAreas() {
	for i, m := range v.p.MonitoredAreas {
		base := fmt.Sprintf("$.monitored_areas[%d]", i)
		v.required(base+".name", "monitored area name", m.Name)
		if m.Area != "" {
			v.ref(base+".area", "area", m.Area, v.areas)
		}
		v.required(base+".monitored_by", "monitored_by (who watches the area)", m.MonitoredBy)
		if len(m.Indicators) == 0 {
			v.addf(base+".indicators", "monitored area %q without indicators: list what is watched (e.g. the § 61 a criteria)", m.ID)
		}
		collectIDs(v, "indicator", base+".indicators", m.Indicators, func(x MonitoredIndicator) string { return x.ID })
		for j, ind := range m.Indicators {
			p := fmt.Sprintf("%s.indicators[%d]", base, j)
			v.required(p+".name", "indicator name", ind.Name)
			v.checkUnit(p+".unit", "indicator", ind.Unit)
		}
	}
}
