package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/statistics"
)

var months = []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// danishDate formats 2024-11-27 as "27. november 2024".
func danishDate(d plan.Date) string {
	return fmt.Sprintf("%d. %s %d", d.Day, months[d.Month-1], d.Year)
}

// num formats a number the Danish way: "1.234,5".
func num(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && (strings.Trim(intPart, "0") != "" || strings.Trim(frac, "0") != "") {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// signed formats a margin with its sign.
func signed(v float64) string {
	if v > 0 {
		return "+" + num(v, 1)
	}
	return num(v, 1)
}

// auto picks decimals: none for whole numbers, else one.
func auto(v float64) string {
	if v == math.Trunc(v) {
		return num(v, 0)
	}
	return num(v, 1)
}

func optNum(v *float64) string {
	if v == nil {
		return "–"
	}
	return auto(*v)
}

func decimals(unit string) int {
	if unit == "pct" {
		return 1
	}
	return 0
}

// cell shows a published value, "<5" when suppressed.
func (a *assembler) cell(c suppress.Cell, has bool, unit string) string {
	switch {
	case c.Suppressed:
		return a.rule.Label()
	case !has:
		return "mangler"
	case unit == "percent":
		return num(c.Value, 1) + " %"
	}
	return auto(c.Value)
}

// count shows a count, suppressed below the threshold.
func (a *assembler) count(v float64) string {
	if a.rule.Hide(v) {
		return a.rule.Label()
	}
	return auto(v)
}

func (a *assembler) areaName(id string) string {
	if id == statistics.AllAreas {
		return "Alle områder"
	}
	if ar, ok := a.p.Area(id); ok {
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

var units = map[string]string{"percent": "%", "persons": "personer", "count": "antal", "grade": "karakter"}

func unitLabel(u string) string {
	if l, ok := units[u]; ok {
		return l
	}
	return u
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
