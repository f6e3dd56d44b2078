package plan

import (
	"strings"
)

// Area returns the area with the given id.
func (p *Plan) Area(id string) (Area, bool) {
	for _, a := range p.Areas {
		if a.ID == id {
			return a, true
		}
	}
	return Area{}, false
}

// FocusArea returns the focus area with the given id.
func (p *Plan) FocusArea(id string) (FocusArea, bool) {
	for _, f := range p.FocusAreas {
		if f.ID == id {
			return f, true
		}
	}
	return FocusArea{}, false
}

// Activity returns the activity with the given id.
func (p *Plan) Activity(id string) (Activity, bool) {
	for _, a := range p.Activities {
		if a.ID == id {
			return a, true
		}
	}
	return Activity{}, false
}

// SubActivities returns the activities whose parent is id, in file order.
func (p *Plan) SubActivities(id string) []Activity {
	var subs []Activity
	for _, a := range p.Activities {
		if a.Parent == id {
			subs = append(subs, a)
		}
	}
	return subs
}

// Partner returns the partner with the given id.
func (p *Plan) Partner(id string) (Partner, bool) {
	for _, x := range p.Partners {
		if x.ID == id {
			return x, true
		}
	}
	return Partner{}, false
}

// UnitName is unit as users read it: its Danish name from the plan's
// units ("courses" is "forløb"), or unit itself when the plan writes it
// as text. Validation makes sure every unit code has a name.
func (p *Plan) UnitName(unit string) string {
	if name, ok := p.Units[unit]; ok {
		return name
	}
	return unit
}

// Indicator returns the indicator with the given id.
func (p *Plan) Indicator(id string) (Indicator, bool) {
	for _, i := range p.Indicators {
		if i.ID == id {
			return i, true
		}
	}
	return Indicator{}, false
}

// HousingOrganisation returns the organisation whose id, name or one of
// whose aliases equals s, ignoring case and surrounding or repeated spaces,
// as exports spell organisation names in many ways.
func (p *Plan) HousingOrganisation(s string) (HousingOrganisation, bool) {
	key := normName(s)
	if key == "" {
		return HousingOrganisation{}, false
	}
	for _, o := range p.HousingOrganisations {
		for _, n := range o.names() {
			if normName(n) == key {
				return o, true
			}
		}
	}
	return HousingOrganisation{}, false
}

// names returns the id, name and aliases of o.
func (o HousingOrganisation) names() []string {
	return append([]string{o.ID, o.Name}, o.Aliases...)
}

// AreaForDepartment returns the area a department belongs to. org is a
// housing organisation's id, name or alias (case-insensitive); dept is the
// department number, where leading zeros do not matter ("024" is "24").
func (p *Plan) AreaForDepartment(org, dept string) (Area, bool) {
	o, ok := p.HousingOrganisation(org)
	if !ok {
		return Area{}, false
	}
	num := normDept(dept)
	if num == "" {
		return Area{}, false
	}
	for _, d := range p.Departments {
		if d.Organisation == o.ID && normDept(d.Number) == num {
			return p.Area(d.Area)
		}
	}
	return Area{}, false
}

// DepartmentsOf returns the departments making up the area with the given
// id, in file order.
func (p *Plan) DepartmentsOf(area string) []Department {
	var ds []Department
	for _, d := range p.Departments {
		if d.Area == area {
			ds = append(ds, d)
		}
	}
	return ds
}

// normName folds case and collapses white space.
func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// normDept trims spaces and leading zeros from a department number, keeping
// a lone "0".
func normDept(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return strings.ToLower(t)
}

// Target bounds, as returned by Target.Bound.
const (
	BoundExactly = "exactly"  // value
	BoundAbout   = "about"    // value with approx: the plan's "ca."
	BoundAtLeast = "at-least" // min only: "mindst", "minimum"
	BoundAtMost  = "at-most"  // max only
	BoundBetween = "between"  // min and max: "15-20"
)

// Bound says which kind of target t is.
func (t Target) Bound() string {
	switch {
	case t.Value != nil && t.Approx:
		return BoundAbout
	case t.Value != nil:
		return BoundExactly
	case t.Min != nil && t.Max != nil:
		return BoundBetween
	case t.Min != nil:
		return BoundAtLeast
	case t.Max != nil:
		return BoundAtMost
	}
	return ""
}

// Headline is the single number to show or export for t: the value, else
// the lower bound, else the upper bound.
func (t Target) Headline() float64 {
	switch {
	case t.Value != nil:
		return *t.Value
	case t.Min != nil:
		return *t.Min
	case t.Max != nil:
		return *t.Max
	}
	return 0
}

// Reached reports whether an actual figure meets t. Targets in a milestone
// plan are levels to reach, so an exact or approximate value counts as
// reached when the actual is at least that value.
func (t Target) Reached(actual float64) bool {
	switch {
	case t.Value != nil:
		return actual >= *t.Value
	case t.Min != nil && t.Max != nil:
		return actual >= *t.Min && actual <= *t.Max
	case t.Min != nil:
		return actual >= *t.Min
	case t.Max != nil:
		return actual <= *t.Max
	}
	return false
}

// PerOrDefault returns t.Per, or PerYear when unset.
func (t Target) PerOrDefault() string {
	if t.Per == "" {
		return PerYear
	}
	return t.Per
}

// FlatTarget is one target with its owner, flattened for metrics and reports.
type FlatTarget struct {
	Activity    string // activity id; "" for an indicator's target
	Indicator   string // indicator id; "" for an activity's target
	Area        string // area id; "" = the owner's areas together
	Year        string // plan year label, e.g. "2021-22"
	Metric      string
	Description string
	Bound       string  // BoundExactly, BoundAbout, BoundAtLeast, BoundAtMost or BoundBetween
	Value       float64 // the headline number (see Target.Headline)
	Min, Max    float64 // the bounds; meaningful when Bound says so
	Unit        string
	Per         string // PerYear, PerMonth or PerAtATime
}

// Targets returns every activity target and then every indicator target,
// each in file order.
func (p *Plan) Targets() []FlatTarget {
	var out []FlatTarget
	for _, a := range p.Activities {
		for _, t := range a.Targets {
			out = append(out, flatten(t, a.ID, ""))
		}
	}
	for _, i := range p.Indicators {
		for _, t := range i.Targets {
			out = append(out, flatten(t, "", i.ID))
		}
	}
	return out
}

func flatten(t Target, activity, indicator string) FlatTarget {
	f := FlatTarget{
		Activity: activity, Indicator: indicator, Area: t.Area, Year: t.Year,
		Metric: t.Metric, Description: t.Description, Bound: t.Bound(),
		Value: t.Headline(), Unit: t.Unit, Per: t.PerOrDefault(),
	}
	if t.Min != nil {
		f.Min = *t.Min
	}
	if t.Max != nil {
		f.Max = *t.Max
	}
	if t.Value != nil {
		f.Min, f.Max = *t.Value, *t.Value
	}
	return f
}
