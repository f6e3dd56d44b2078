// Package testplan loads the plans embedded in helhed for tests.
package testplan

import (
	"testing"

	"helhed/plan"
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
