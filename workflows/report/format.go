package report

import (
	"math"

	"helhed/danish"
	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/statistics"
)

// Number writes a figure the report's way: no decimals for a whole number,
// else one ("12", "12,5").
func Number(v float64) string {
	if v == math.Trunc(v) {
		return danish.FormatNumber(v, 0)
	}
	return danish.FormatNumber(v, 1)
}

func optNum(v *float64) string {
	if v == nil {
		return "–"
	}
	return Number(*v)
}

func decimals(unit string) int {
	if unit == "pct" {
		return 1
	}
	return 0
}

// cell shows a published value, "<5" when suppressed.
func (b *builder) cell(c suppress.Cell, has bool, unit string) string {
	switch {
	case c.Suppressed:
		return b.rule.Label()
	case !has:
		return "mangler"
	case unit == "percent":
		return danish.FormatNumber(c.Value, 1) + " %"
	}
	return Number(c.Value)
}

// count shows a count, suppressed below the threshold.
func (b *builder) count(v float64) string {
	if b.rule.Hide(v) {
		return b.rule.Label()
	}
	return Number(v)
}

func (b *builder) areaName(id string) string {
	if id == statistics.AllAreas {
		return "Alle områder"
	}
	if ar, ok := b.p.Area(id); ok {
		return ar.Name
	}
	return id
}

func orAll(area string) string {
	if area == "" {
		return statistics.AllAreas
	}
	return area
}

// dstArea names a Statbank area code.
func dstArea(code string, p *plan.Plan) string {
	switch code {
	case statistics.AreaCountry:
		return "Hele landet"
	case statistics.AreaRegion:
		return "Region Midtjylland"
	case p.KommuneCode:
		return p.Municipality
	}
	return code
}

func betterLabel(b string) string {
	if b == plan.BetterLower {
		return "lavere er bedre"
	}
	return "højere er bedre"
}

// reached reports whether an actual meets a flattened target.
func reached(t plan.FlatTarget, v float64) bool {
	switch t.Bound {
	case plan.BoundBetween:
		return v >= t.Min && v <= t.Max
	case plan.BoundAtMost:
		return v <= t.Max
	case plan.BoundAtLeast:
		return v >= t.Min
	}
	return v >= t.Value
}
