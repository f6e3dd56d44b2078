package plan

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// idPattern is the form of every id in a plan: lowercase ASCII words joined
// by single hyphens. Ids end up in workflow ids, metric labels and URLs,
// where anything else needs escaping.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var (
	partnerKinds = []string{KindSchool, KindDaycare, KindJobcenter, KindHousing, KindMunicipal,
		KindHealth, KindLibrary, KindPolice, KindSecretariat, KindExternal}
	designations = []string{"", "udsat", "risiko"}
	resourcePers = []string{"week", "year", "total"}
	targetPers   = []string{"", PerYear, PerMonth, PerAtATime}
)

// validator collects the semantic problems of a decoded plan.
type validator struct {
	p        *Plan
	idx      lineIndex
	problems []Problem

	// periodOK is false when the period itself is broken; checks that
	// compare dates or year labels with it are then skipped, as they would
	// only repeat that one fault many times.
	periodOK bool
	years    map[string]PlanYear
	labels   []string

	orgs, areas, focus, partners, activities map[string]int
}

// validate checks everything that the YAML shape cannot: ids, references,
// dates against the period and consistency. It also resolves the time zone.
func validate(p *Plan, idx lineIndex) []Problem {
	v := &validator{p: p, idx: idx, years: map[string]PlanYear{}}
	v.checkPlan()
	v.orgs = collectIDs(v, "housing organisation", "$.housing_organisations", p.HousingOrganisations, func(o HousingOrganisation) string { return o.ID })
	v.areas = collectIDs(v, "area", "$.areas", p.Areas, func(a Area) string { return a.ID })
	v.focus = collectIDs(v, "focus area", "$.focus_areas", p.FocusAreas, func(f FocusArea) string { return f.ID })
	v.partners = collectIDs(v, "partner", "$.partners", p.Partners, func(x Partner) string { return x.ID })
	v.activities = collectIDs(v, "activity", "$.activities", p.Activities, func(a Activity) string { return a.ID })
	collectIDs(v, "indicator", "$.indicators", p.Indicators, func(i Indicator) string { return i.ID })
	collectIDs(v, "crisis role", "$.governance.crisis.roles", p.Governance.Crisis.Roles, func(r CrisisRole) string { return r.ID })

	v.checkHousingOrganisations()
	v.checkAreas()
	v.checkNonWestern()
	v.checkDepartments()
	v.checkFocusAreas()
	v.checkPartners()
	v.checkUnits()
	v.checkActivities()
	v.checkIndicators()
	v.checkGovernance()
	v.checkTotals()
	v.checkEviction()
	// The follow-up sections: economy, staff hours, team meetings,
	// monitored areas (validate_followup.go).
	v.checkFollowUp()
	return v.problems
}

func (v *validator) addf(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Line: v.idx.line(path), Message: fmt.Sprintf(format, args...)})
}

func (v *validator) checkPlan() {
	p := v.p
	switch {
	case p.ID == "":
		v.addf("$.id", "plan id is empty")
	case !idPattern.MatchString(p.ID):
		v.addf("$.id", "plan id %q: use lowercase letters, digits and single hyphens", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		v.addf("$.name", "plan name is empty")
	}
	v.periodOK = true
	if p.Period.Start.IsZero() {
		v.addf("$.period.start", "plan period has no start date")
		v.periodOK = false
	}
	if p.Period.End.IsZero() {
		v.addf("$.period.end", "plan period has no end date")
		v.periodOK = false
	}
	if v.periodOK && p.Period.End.Before(p.Period.Start) {
		v.addf("$.period.end", "plan period ends (%s) before it starts (%s)", p.Period.End, p.Period.Start)
		v.periodOK = false
	}
	if v.periodOK {
		for _, y := range p.PlanYears() {
			v.years[y.Label] = y
			v.labels = append(v.labels, y.Label)
		}
	}

	// time.LoadLocation accepts "" and "Local" as the host's zone; a plan
	// must name its zone so that every host agrees on dates.
	if tz := strings.TrimSpace(p.TimeZone); tz == "" || tz == "Local" {
		v.addf("$.time_zone", "time zone %q: name an IANA zone such as %q", p.TimeZone, DefaultTimeZone)
	} else if loc, err := time.LoadLocation(tz); err != nil {
		v.addf("$.time_zone", "unknown time zone %q", p.TimeZone)
	} else {
		p.loc = loc
	}
	if p.DiscretionThreshold < 1 {
		v.addf("$.discretion_threshold", "discretion threshold %d: must be at least 1", p.DiscretionThreshold)
	}
}

// collectIDs checks the ids of a list (present, well-formed, unique) and
// returns id → index of first occurrence.
func collectIDs[T any](v *validator, kind, listPath string, items []T, id func(T) string) map[string]int {
	seen := map[string]int{}
	for i, it := range items {
		path := fmt.Sprintf("%s[%d].id", listPath, i)
		s := id(it)
		switch {
		case s == "":
			v.addf(path, "%s without id", kind)
			continue
		case !idPattern.MatchString(s):
			v.addf(path, "%s id %q: use lowercase letters, digits and single hyphens", kind, s)
		}
		if j, dup := seen[s]; dup {
			first := fmt.Sprintf("%s[%d]", listPath, j)
			v.addf(path, "duplicate %s id %q (first defined at %s, line %d)", kind, s, first, v.idx.line(first))
			continue
		}
		seen[s] = i
	}
	return seen
}

// ref checks a reference to an id of the given kind; it returns whether the
// reference resolves.
func (v *validator) ref(path, kind, id string, known map[string]int) bool {
	if id == "" {
		v.addf(path, "empty %s reference", kind)
		return false
	}
	if _, ok := known[id]; !ok {
		v.addf(path, "unknown %s %q%s", kind, id, knownList(known))
		return false
	}
	return true
}

// refs checks a list of references, also reporting repeats.
func (v *validator) refs(path, kind string, ids []string, known map[string]int) {
	seen := map[string]bool{}
	for i, id := range ids {
		p := fmt.Sprintf("%s[%d]", path, i)
		if seen[id] {
			v.addf(p, "%s %q listed twice", kind, id)
			continue
		}
		seen[id] = true
		v.ref(p, kind, id, known)
	}
}

// knownList names the valid ids when there are few enough to read.
func knownList(known map[string]int) string {
	if len(known) == 0 || len(known) > 12 {
		return ""
	}
	ids := make([]string, 0, len(known))
	for id := range known {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return " (known: " + strings.Join(ids, ", ") + ")"
}

func (v *validator) required(path, what, value string) {
	if strings.TrimSpace(value) == "" {
		v.addf(path, "%s is empty", what)
	}
}

func (v *validator) checkHousingOrganisations() {
	type owner struct {
		org  int
		what string
	}
	names := map[string]owner{}
	// Ids and names first, so that a colliding alias is reported at the
	// alias rather than at the name it collides with.
	for i, o := range v.p.HousingOrganisations {
		base := fmt.Sprintf("$.housing_organisations[%d]", i)
		v.required(base+".name", "housing organisation name", o.Name)
		for _, n := range []struct{ s, what, path string }{{o.ID, "id", base + ".id"}, {o.Name, "name", base + ".name"}} {
			k := normName(n.s)
			if k == "" {
				continue
			}
			if prev, ok := names[k]; ok && prev.org != i {
				v.addf(n.path, "%s %q collides with the %s of housing organisation %q", n.what, n.s, prev.what, v.p.HousingOrganisations[prev.org].ID)
				continue
			}
			names[k] = owner{i, n.what}
		}
		if o.Administrator != "" {
			v.ref(base+".administrator", "partner", o.Administrator, v.partners)
		}
	}
	for i, o := range v.p.HousingOrganisations {
		for j, a := range o.Aliases {
			path := fmt.Sprintf("$.housing_organisations[%d].aliases[%d]", i, j)
			k := normName(a)
			if k == "" {
				v.addf(path, "empty alias")
				continue
			}
			if prev, ok := names[k]; ok && prev.org != i {
				v.addf(path, "alias %q collides with the %s of housing organisation %q", a, prev.what, v.p.HousingOrganisations[prev.org].ID)
				continue
			}
			names[k] = owner{i, "alias"}
		}
	}
}

func (v *validator) checkAreas() {
	for i, a := range v.p.Areas {
		base := fmt.Sprintf("$.areas[%d]", i)
		v.required(base+".name", "area name", a.Name)
		if a.Residents < 0 {
			v.addf(base+".residents", "residents %d: must not be negative", a.Residents)
		}
		if a.Tenancies < 0 {
			v.addf(base+".tenancies", "tenancies %d: must not be negative", a.Tenancies)
		}
		if !slices.Contains(designations, a.Designation) {
			v.addf(base+".designation", "designation %q: want udsat, risiko or nothing", a.Designation)
		}
		for j, s := range a.Schools {
			path := fmt.Sprintf("%s.schools[%d]", base, j)
			if v.ref(path, "partner", s, v.partners) {
				if x := v.p.Partners[v.partners[s]]; x.Kind != KindSchool {
					v.addf(path, "partner %q is a %s, not a school", s, x.Kind)
				}
			}
		}
	}
}

// checkDepartments checks the department table: known organisation and
// area, and each (organisation, number) in one area only, since that pair is
// how an arrears list line finds its area.
func (v *validator) checkDepartments() {
	type deptKey struct{ org, num string }
	first := map[deptKey]int{}
	for i, d := range v.p.Departments {
		path := fmt.Sprintf("$.departments[%d]", i)
		orgOK := v.ref(path+".organisation", "housing organisation", d.Organisation, v.orgs)
		v.ref(path+".area", "area", d.Area, v.areas)
		if normDept(d.Number) == "" {
			v.addf(path+".number", "department without number")
			continue
		}
		if !orgOK {
			continue
		}
		k := deptKey{d.Organisation, normDept(d.Number)}
		j, dup := first[k]
		if !dup {
			first[k] = i
			continue
		}
		prev := v.p.Departments[j]
		prevPath := fmt.Sprintf("$.departments[%d]", j)
		if prev.Area == d.Area {
			v.addf(path, "department %s %s is listed twice (first at %s, line %d)", d.Organisation, d.Number, prevPath, v.idx.line(prevPath))
		} else {
			v.addf(path, "department %s %s is mapped to two areas: %q here and %q at %s (line %d)", d.Organisation, d.Number, d.Area, prev.Area, prevPath, v.idx.line(prevPath))
		}
	}
	for i, a := range v.p.Areas {
		if a.ID != "" && len(v.p.DepartmentsOf(a.ID)) == 0 {
			v.addf(fmt.Sprintf("$.areas[%d]", i), "area %q has no departments", a.ID)
		}
	}
}

func (v *validator) checkFocusAreas() {
	for i, f := range v.p.FocusAreas {
		base := fmt.Sprintf("$.focus_areas[%d]", i)
		v.required(base+".name", "focus area name", f.Name)
		v.refs(base+".parties", "partner", f.Parties, v.partners)
		v.checkResources(base+".resources", f.Resources)
	}
}

func (v *validator) checkPartners() {
	for i, x := range v.p.Partners {
		base := fmt.Sprintf("$.partners[%d]", i)
		v.required(base+".name", "partner name", x.Name)
		v.required(base+".role", "partner contact role", x.Role)
		if !slices.Contains(partnerKinds, x.Kind) {
			v.addf(base+".kind", "partner kind %q: want one of %s", x.Kind, strings.Join(partnerKinds, ", "))
		}
		if x.Email == "" {
			v.addf(base+".email", "partner without contact e-mail")
		} else if a, err := mail.ParseAddress(x.Email); err != nil || a.Address != x.Email {
			v.addf(base+".email", "contact e-mail %q is not a plain address", x.Email)
		}
	}
}

func (v *validator) checkResources(path string, rs []Resource) {
	for i, r := range rs {
		base := fmt.Sprintf("%s[%d]", path, i)
		if len(r.Partners) == 0 {
			v.addf(base+".partners", "resource without partners")
		}
		v.refs(base+".partners", "partner", r.Partners, v.partners)
		if r.Hours <= 0 {
			v.addf(base+".hours", "hours %g: must be positive", r.Hours)
		}
		if !slices.Contains(resourcePers, r.Per) {
			v.addf(base+".per", "per %q: want week, year or total", r.Per)
		}
	}
}

func (v *validator) checkActivities() {
	for i, a := range v.p.Activities {
		base := fmt.Sprintf("$.activities[%d]", i)
		v.required(base+".name", "activity name", a.Name)
		v.ref(base+".focus_area", "focus area", a.FocusArea, v.focus)
		if len(a.Areas) == 0 {
			v.addf(base+".areas", "activity runs in no area")
		}
		v.refs(base+".areas", "area", a.Areas, v.areas)
		if a.Parent != "" {
			v.checkParent(base, a)
		}
		if len(a.Responsible) == 0 {
			v.addf(base+".responsible", "activity without responsible partner")
		}
		v.refs(base+".responsible", "partner", a.Responsible, v.partners)
		v.refs(base+".contributors", "partner", a.Contributors, v.partners)
		v.checkResources(base+".resources", a.Resources)
		v.checkTargets(base+".targets", a.Targets, a.Areas, "activity")
	}
}

func (v *validator) checkParent(base string, a Activity) {
	path := base + ".parent"
	if a.Parent == a.ID {
		v.addf(path, "activity %q is its own parent", a.ID)
		return
	}
	if !v.ref(path, "activity", a.Parent, v.activities) {
		return
	}
	parent := v.p.Activities[v.activities[a.Parent]]
	if parent.Parent != "" {
		v.addf(path, "parent %q is itself a sub-activity; only one level is allowed", a.Parent)
	}
	if parent.FocusArea != a.FocusArea {
		v.addf(base+".focus_area", "focus area %q differs from parent %q's %q", a.FocusArea, parent.ID, parent.FocusArea)
	}
	for j, ar := range a.Areas {
		if _, known := v.areas[ar]; known && !slices.Contains(parent.Areas, ar) {
			v.addf(fmt.Sprintf("%s.areas[%d]", base, j), "area %q is not among parent %q's areas", ar, parent.ID)
		}
	}
}

// checkTargets checks a milestone list; areas are the owner's areas (nil for
// an indicator, whose targets may name any area).
func (v *validator) checkTargets(path string, ts []Target, areas []string, owner string) {
	type key struct{ metric, area, year string }
	seen := map[key]bool{}
	for i, t := range ts {
		base := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case t.Metric == "":
			v.addf(base+".metric", "target without metric")
		case !idPattern.MatchString(t.Metric):
			v.addf(base+".metric", "metric %q: use lowercase letters, digits and single hyphens", t.Metric)
		}
		v.checkUnit(base+".unit", "target", t.Unit)
		if t.Year == "" {
			v.addf(base+".year", "target without plan year (e.g. %q)", firstOr(v.labels, "2021-22"))
		} else {
			v.checkYear(base+".year", t.Year)
		}
		if t.Area != "" && v.ref(base+".area", "area", t.Area, v.areas) && areas != nil && !slices.Contains(areas, t.Area) {
			v.addf(base+".area", "target area %q is not among the %s's areas", t.Area, owner)
		}
		switch {
		case t.Value != nil && (t.Min != nil || t.Max != nil):
			v.addf(base, "target gives both value and min/max; give one")
		case t.Value == nil && t.Min == nil && t.Max == nil:
			v.addf(base, "target without value, min or max")
		case t.Min != nil && t.Max != nil && *t.Min > *t.Max:
			v.addf(base+".min", "min %g is greater than max %g", *t.Min, *t.Max)
		}
		if t.Approx && t.Value == nil {
			v.addf(base+".approx", "approx applies to a value; this target has none")
		}
		if !slices.Contains(targetPers, t.Per) {
			v.addf(base+".per", "per %q: want year, month or at-a-time", t.Per)
		}
		k := key{t.Metric, t.Area, t.Year}
		if seen[k] {
			v.addf(base, "second target for metric %q, area %q, year %s", t.Metric, t.Area, t.Year)
		}
		seen[k] = true
	}
}

// checkUnit checks a target's or indicator's unit: given, and, when it is
// written as a code ("courses"), named in Danish under units.
func (v *validator) checkUnit(path, owner, unit string) {
	switch {
	case strings.TrimSpace(unit) == "":
		v.addf(path, "%s without unit", owner)
	case !idPattern.MatchString(unit):
		// Written as text ("pr. 1.000 indbyggere"): shown as it is.
	case strings.TrimSpace(v.p.Units[unit]) == "":
		v.addf(path, "unit %q has no Danish name: add it under units (e.g. units: {courses: forløb})", unit)
	}
}

// checkUnits checks the Danish unit names: each names a code.
func (v *validator) checkUnits() {
	codes := make([]string, 0, len(v.p.Units))
	for code := range v.p.Units {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		path := "$.units." + code
		switch {
		case !idPattern.MatchString(code):
			v.addf(path, "unit code %q: use lowercase letters, digits and single hyphens", code)
		case strings.TrimSpace(v.p.Units[code]) == "":
			v.addf(path, "unit %q without a Danish name", code)
		}
	}
}

// checkYear checks that a plan year label is one of the plan's years.
func (v *validator) checkYear(path, label string) {
	if !v.periodOK {
		return
	}
	if _, ok := v.years[label]; !ok {
		v.addf(path, "plan year %q is not one of the plan's years (%s)", label, strings.Join(v.labels, ", "))
	}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

func (v *validator) checkIndicators() {
	for i, ind := range v.p.Indicators {
		base := fmt.Sprintf("$.indicators[%d]", i)
		v.required(base+".name", "indicator name", ind.Name)
		if ind.FocusArea != OverallFocusArea {
			v.ref(base+".focus_area", "focus area", ind.FocusArea, v.focus)
		}
		v.checkUnit(base+".unit", "indicator", ind.Unit)
		switch ind.Better {
		case BetterLower, BetterHigher:
		case "":
			v.addf(base+".better", "indicator without direction: set better to lower or higher")
		default:
			v.addf(base+".better", "direction %q: want lower or higher", ind.Better)
		}
		if len(ind.Baselines) == 0 {
			v.addf(base+".baselines", "indicator without baselines")
		}
		v.checkBaselines(base+".baselines", ind, ind.Baselines, false)
		v.checkBaselines(base+".kommune", ind, ind.Kommune, true)
		v.checkTargets(base+".targets", ind.Targets, nil, "indicator")
	}
}

func (v *validator) checkBaselines(path string, ind Indicator, bs []Baseline, kommune bool) {
	type key struct{ area, period, scope string }
	seen := map[key]bool{}
	for i, b := range bs {
		base := fmt.Sprintf("%s[%d]", path, i)
		if kommune && b.Area != "" {
			v.addf(base+".area", "a kommune baseline has no area")
		} else if b.Area != "" {
			v.ref(base+".area", "area", b.Area, v.areas)
		}
		if !v.idx.has(base + ".value") {
			v.addf(base+".value", "baseline without value")
		}
		if strings.TrimSpace(b.Source) == "" && strings.TrimSpace(ind.Source) == "" {
			v.addf(base+".source", "baseline without source: set source here or on the indicator")
		}
		period := b.Period
		if period == "" {
			period = ind.BaselinePeriod
		}
		if strings.TrimSpace(period) == "" {
			v.addf(base+".period", "baseline without period: set period here or baseline_period on the indicator")
		}
		if b.Persons < 0 {
			v.addf(base+".persons", "persons %d: must not be negative", b.Persons)
		}
		k := key{b.Area, period, b.Scope}
		if seen[k] {
			v.addf(base, "second baseline for area %q, period %q", b.Area, period)
		}
		seen[k] = true
	}
}

func (v *validator) checkGovernance() {
	g := v.p.Governance
	v.checkBody("$.governance.board", "board", g.Board.Body)
	v.checkBoardMeetings()
	v.checkBody("$.governance.steering_group", "steering group", g.SteeringGroup.Body)
	v.checkSteeringGroup()
	if g.MonitoringUnit != "" {
		v.ref("$.governance.monitoring_unit", "partner", g.MonitoringUnit, v.partners)
	}

	c := g.Conference
	v.required("$.governance.conference.name", "conference name", c.Name)
	v.refs("$.governance.conference.organisers", "partner", c.Organisers, v.partners)
	v.checkYearlyDates("$.governance.conference.dates", "annual conference", c.Dates)

	switch g.AnnualReport.ApprovedAt {
	case MeetingAutumn, MeetingSpring:
	default:
		v.addf("$.governance.annual_report.approved_at", "approved_at %q: want autumn or spring (the board meeting that approves the annual report)", g.AnnualReport.ApprovedAt)
	}
	v.checkCrisis()
}

func (v *validator) checkBody(base, what string, b Body) {
	v.required(base+".name", what+" name", b.Name)
	if len(b.Members) == 0 {
		v.addf(base+".members", "%s without members", what)
	}
	v.refs(base+".members", "partner", b.Members, v.partners)
	if v.ref(base+".chair", "partner", b.Chair, v.partners) && !slices.Contains(b.Members, b.Chair) {
		v.addf(base+".chair", "chair %q is not among the %s members", b.Chair, what)
	}
	v.ref(base+".secretariat", "partner", b.Secretariat, v.partners)
	if len(b.FixedAgenda) == 0 {
		v.addf(base+".fixed_agenda", "%s without fixed agenda items", what)
	}
	if _, _, ok := parseClock(b.StartTime); !ok {
		v.addf(base+".start_time", "start time %q: want hh:mm", b.StartTime)
	}
	if b.DurationMinutes <= 0 {
		v.addf(base+".duration_minutes", "duration %d minutes: must be positive", b.DurationMinutes)
	}
	v.checkPlace(base+".place", b.Place)
}

// MaxPlaceLength bounds a meeting place: it is one line of an invitation.
const MaxPlaceLength = 200

// checkPlace checks an optional meeting place: when given, one line of
// text that says something, of at most MaxPlaceLength characters.
func (v *validator) checkPlace(path, place string) {
	switch {
	case place == "":
	case strings.TrimSpace(place) == "":
		v.addf(path, "place is blank: leave it out or name the place")
	case strings.ContainsAny(place, "\r\n\t"):
		v.addf(path, "place %q: one line, without tabs", place)
	case utf8.RuneCountInString(place) > MaxPlaceLength:
		v.addf(path, "place is %d characters long: at most %d", utf8.RuneCountInString(place), MaxPlaceLength)
	}
}

// checkDate checks a meeting date: set, inside the plan period, inside its
// plan year (when year is given) and on a weekday.
func (v *validator) checkDate(path, what string, d Date, year string) {
	if d.IsZero() {
		v.addf(path, "%s without date", what)
		return
	}
	if !v.periodOK {
		return
	}
	if !v.p.Period.Contains(d) {
		v.addf(path, "%s %s is outside the plan period %s", what, d, v.p.Period)
		return
	}
	if y, ok := v.years[year]; ok && !y.Period.Contains(d) {
		v.addf(path, "%s %s is not in plan year %s (%s)", what, d, year, y.Period)
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		v.addf(path, "%s %s falls on a %s", what, d, wd)
	}
}

// checkYearLabels checks the year labels of a per-year list: each valid, none
// repeated, and every plan year covered.
func (v *validator) checkYearLabels(path, what string, labels []string) {
	seen := map[string]bool{}
	for i, l := range labels {
		p := fmt.Sprintf("%s[%d].year", path, i)
		switch {
		case l == "":
			v.addf(p, "%s without plan year", what)
		case seen[l]:
			v.addf(p, "plan year %s listed twice for %s", l, what)
		default:
			v.checkYear(p, l)
		}
		seen[l] = true
	}
	if !v.periodOK {
		return
	}
	for _, l := range v.labels {
		if !seen[l] {
			v.addf(path, "no %s in plan year %s", what, l)
		}
	}
}

func (v *validator) checkBoardMeetings() {
	const path = "$.governance.board.meetings"
	ms := v.p.Governance.Board.Meetings
	labels := make([]string, len(ms))
	for i, y := range ms {
		labels[i] = y.Year
		base := fmt.Sprintf("%s[%d]", path, i)
		v.checkDate(base+".autumn", "autumn board meeting", y.Autumn, y.Year)
		v.checkDate(base+".spring", "spring board meeting", y.Spring, y.Year)
		for j, d := range y.Strategic {
			v.checkDate(fmt.Sprintf("%s.strategic[%d]", base, j), "strategic board meeting", d, y.Year)
		}
	}
	v.checkYearLabels(path, "board meetings", labels)
}

func (v *validator) checkSteeringGroup() {
	sg := v.p.Governance.SteeringGroup
	if sg.OffsetDays < 1 {
		v.addf("$.governance.steering_group.offset_days", "offset_days %d: the steering group meets at least 1 day before the board", sg.OffsetDays)
	} else if v.periodOK {
		// The spring and autumn meetings are derived from the board's, so a
		// derived date out of period is reported at the board date it
		// comes from.
		for i, y := range v.p.Governance.Board.Meetings {
			for _, m := range []struct {
				kind string
				d    Date
			}{{MeetingAutumn, y.Autumn}, {MeetingSpring, y.Spring}} {
				if m.d.IsZero() || !v.p.Period.Contains(m.d) {
					continue
				}
				if sgDate := m.d.AddDays(-sg.OffsetDays); !v.p.Period.Contains(sgDate) {
					v.addf(fmt.Sprintf("$.governance.board.meetings[%d].%s", i, m.kind),
						"the steering group meeting %d days before this board meeting, on %s, is outside the plan period %s",
						sg.OffsetDays, sgDate, v.p.Period)
				}
			}
		}
	}
	v.checkYearlyDates("$.governance.steering_group.summer_meetings", "summer steering group meeting", sg.Summer)
}

func (v *validator) checkYearlyDates(path, what string, ds []YearlyDate) {
	labels := make([]string, len(ds))
	for i, d := range ds {
		labels[i] = d.Year
		v.checkDate(fmt.Sprintf("%s[%d].date", path, i), what, d.Date, d.Year)
	}
	v.checkYearLabels(path, what, labels)
}

func (v *validator) checkCrisis() {
	c := v.p.Governance.Crisis
	const base = "$.governance.crisis"
	if len(c.Roles) == 0 {
		v.addf(base+".roles", "crisis group without roles")
	}
	roles := map[string]bool{}
	for i, r := range c.Roles {
		p := fmt.Sprintf("%s.roles[%d]", base, i)
		v.required(p+".title", "crisis role title", r.Title)
		v.ref(p+".partner", "partner", r.Partner, v.partners)
		roles[r.ID] = true
	}
	if !roles[c.Convenor] {
		v.addf(base+".convenor", "convenor %q is not a crisis role id", c.Convenor)
	}
	for i, r := range c.Press {
		p := fmt.Sprintf("%s.press[%d]", base, i)
		v.required(p+".title", "press role title", r.Title)
		v.ref(p+".partner", "partner", r.Partner, v.partners)
	}
}

func (v *validator) checkTotals() {
	t := v.p.Totals
	var residents, tenancies int
	for _, a := range v.p.Areas {
		residents += a.Residents
		tenancies += a.Tenancies
	}
	if t.Residents != 0 && t.Residents != residents {
		v.addf("$.totals.residents", "the areas add up to %d residents, the plan states %d", residents, t.Residents)
	}
	if t.Tenancies != 0 && t.Tenancies != tenancies {
		v.addf("$.totals.tenancies", "the areas add up to %d tenancies, the plan states %d", tenancies, t.Tenancies)
	}
}
