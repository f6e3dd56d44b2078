package datarequest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"helhed/danish"
	"helhed/plan"
)

// ShownRows is how many of a table's first rows the answered task and the
// receipt show.
const ShownRows = 3

// Shown is one line of what a partner sent, as the answered task and the
// receipt show it: a form field's value, or one of a table's first rows
// (Label "Række n", the cells in column order). Area is a per-area field's
// area id; whoever has the plan shows its name (AreaName).
type Shown struct {
	Label string `json:"label"`
	Area  string `json:"area,omitempty"`
	Value string `json:"value"`
}

// ShownAnswer is what the answered task and the receipt show of an
// accepted answer: every form value in Danish form, or a table's first
// ShownRows rows. Nothing in it looks like a CPR number: such values are
// refused before an answer is accepted.
func ShownAnswer(in *Input, a Answer) []Shown {
	var out []Shown
	if in.Table != nil {
		for i, row := range a.Rows {
			if i == ShownRows {
				break
			}
			cells := make([]string, len(in.Table.Columns))
			for j, c := range in.Table.Columns {
				cells[j] = shownValue(c.Type, row[c.Key])
			}
			out = append(out, Shown{Label: fmt.Sprintf("Række %d", i+1), Value: strings.Join(cells, "; ")})
		}
		return out
	}
	for _, s := range Slots(in.Fields, in.Areas) {
		v, ok := a.Values[s.Key]
		if !ok {
			continue
		}
		v = shownValue(s.Field.Type, v)
		if s.Field.Unit != "" && v != "" {
			v += " " + s.Field.Unit
		}
		out = append(out, Shown{Label: s.Field.Label, Area: s.Area, Value: v})
	}
	return out
}

// AreaName names the area of a per-area line, once the plan has given
// the id a name.
func (s Shown) AreaName(name string) Shown {
	if s.Area != "" && name != "" {
		s.Area = name
	}
	return s
}

// Text is the line as a sentence part: "Fravær – Vangdalen: 5,7 %".
func (s Shown) Text() string {
	label := s.Label
	if s.Area != "" {
		label += " – " + s.Area
	}
	return label + ": " + s.Value
}

// shownValue writes a canonical value as a Dane reads it: numbers with a
// decimal comma, amounts in kroner, dates as dd-mm-yyyy.
func shownValue(typ FieldType, v string) string {
	switch typ {
	case Integer, Decimal, Percentage:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			s := danish.FormatNumber(f, -1)
			if typ == Percentage {
				s += " %"
			}
			return s
		}
	case Amount:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return danish.FormatAmount(int64(math.Round(f*100))) + " kr."
		}
	case DateField:
		if d, err := plan.ParseDate(v); err == nil {
			return danish.ShortDate(d)
		}
	}
	return v
}
