package eviction

import "testing"

// For the external tests (package eviction_test, which registers the
// adapter's activities and so cannot be this package).
var (
	// Zone is the legal clock's time zone, Europe/Copenhagen.
	Zone = zone
	// ContinueAsNewAfter is the history length at which a case continues
	// as new.
	ContinueAsNewAfter = continueAsNewAfter
	// The weekday clock of cases escalated before the hverdag clock.
	WeekdayDemandEarliest = weekdayDemandEarliest
	WeekdayDeadline       = weekdayDeadline
)

// The workflow.GetVersion change ids of the hverdag clock.
const (
	ChangeLegalClock      = changeLegalClock
	ChangeInstalmentCheck = changeInstalmentCheck
)

// SetKept lowers the lists and steps a case keeps (changeCompactState)
// until the test ends.
func SetKept(t testing.TB, lists, steps int) {
	oldLists, oldSteps := keptLists, keptSteps
	keptLists, keptSteps = lists, steps
	t.Cleanup(func() { keptLists, keptSteps = oldLists, oldSteps })
}
