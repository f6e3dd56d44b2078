// Package suppress is diskretionering: counts below the plan's discretion
// threshold are withheld wherever a figure is published (report, metrics,
// API), so that no person can be recognised in a small cell. It is generic
// and tiny on purpose: every capability that publishes a count uses it.
//
// A zero is published: an empty cell identifies no one. Counts from 1 up to
// the threshold minus one are suppressed, and so is any share computed from
// such a count.
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

// Count returns the publishable cell for a count.
func (r Rule) Count(n float64) Cell {
	if r.Hide(n) {
		return Cell{Suppressed: true}
	}
	return Cell{Value: n}
}

// Share returns num/den in percent, suppressed when either count is
// suppressed; ok is false when den is zero (no share exists).
func (r Rule) Share(num, den float64) (c Cell, ok bool) {
	if den == 0 {
		return Cell{}, false
	}
	if r.Hide(num) || r.Hide(den) {
		return Cell{Suppressed: true}, true
	}
	return Cell{Value: 100 * num / den}, true
}

// Label is how a suppressed count is shown: "<5" for threshold 5.
func (r Rule) Label() string { return "<" + strconv.Itoa(r.Threshold) }

// Note is the Danish sentence that says suppression applies.
func (r Rule) Note() string {
	return fmt.Sprintf("Tal under %d personer er diskretioneret (vist som %s), så ingen enkeltperson kan genkendes.", r.Threshold, r.Label())
}
