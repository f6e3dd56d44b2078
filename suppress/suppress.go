// Package suppress is diskretionering: counts below the plan's discretion
// threshold are withheld wherever a figure is published (report, metrics,
// API), so that no person can be recognised in a small cell. It is generic
// and pure on purpose: every capability that publishes a count uses it.
//
// A zero is published: an empty cell identifies no one. Counts from 1 up to
// the threshold minus one are suppressed (primary suppression); so is a
// share computed from such a count, a share whose complement is such a
// count (97 % of 100 says 3 persons are not), and an average over fewer
// persons than the threshold. Where counts are published together with
// their totals, Table adds secondary suppression so that no hidden count
// can be worked out by subtraction (table.go).
package suppress

import (
	"fmt"
	"strconv"
)

// Rule holds a plan's discretion threshold (plan.DiscretionThreshold).
type Rule struct {
	Threshold int
}

// Hide reports whether a count of n persons must not be published.
func (r Rule) Hide(n float64) bool {
	return n > 0 && n < float64(r.Threshold)
}

// Cell is a published figure: a value, or the fact that it is suppressed.
type Cell struct {
	Value      float64 `json:"value"`
	Suppressed bool    `json:"suppressed,omitempty"`
}

// Count returns the publishable cell for a count standing alone; a count
// published with its total or its parts goes through a Table instead.
func (r Rule) Count(n float64) Cell {
	if r.Hide(n) {
		return Cell{Suppressed: true}
	}
	return Cell{Value: n}
}

// Share returns num/den in percent, suppressed when num, den or the
// complement den-num is a suppressed count; ok is false when den is zero
// (no share exists).
func (r Rule) Share(num, den float64) (c Cell, ok bool) {
	if den == 0 {
		return Cell{}, false
	}
	if r.Hide(num) || r.Hide(den) || r.Hide(den-num) {
		return Cell{Suppressed: true}, true
	}
	return Cell{Value: 100 * num / den}, true
}

// Average returns a figure v averaged over n persons (a mean, a rate, a
// percentage of school days), suppressed when n is below the threshold;
// ok is false when n is zero (no average exists).
func (r Rule) Average(v, n float64) (c Cell, ok bool) {
	if n == 0 {
		return Cell{}, false
	}
	if n < float64(r.Threshold) {
		return Cell{Suppressed: true}, true
	}
	return Cell{Value: v}, true
}

// Label is how every suppressed figure is shown: "..", as Danmarks
// Statistik writes it. One mark for all of them, and not "<5": a count
// hidden only so that another cannot be worked out is often 5 or more,
// and telling the two kinds apart would narrow the hidden ones down.
func (r Rule) Label() string { return ".." }

// Show writes a published count as every table and sentence shows it: the
// number, or Label when it is suppressed. A sentence that states a count
// takes it from the same Cell as the table beside it, so that it never
// says what the table hides ("4 af dem" under a ".." cell).
func (r Rule) Show(c Cell) string {
	if c.Suppressed {
		return r.Label()
	}
	return strconv.FormatFloat(c.Value, 'f', -1, 64)
}

// Note is the Danish text that says suppression applies.
func (r Rule) Note() string {
	return fmt.Sprintf("Tal under %d personer er diskretioneret (vist som %s), så ingen enkeltperson kan genkendes. "+
		"Hvor en total og dens dele vises sammen, er også så mange andre tal vist som %[2]s, at et diskretioneret tal ikke kan regnes ud; "+
		"en andel vises ikke, når under %[1]d personer står uden for den, og et gennemsnit ikke, når det er over under %[1]d personer.",
		r.Threshold, r.Label())
}
