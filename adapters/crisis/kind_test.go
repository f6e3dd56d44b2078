package crisis_test

import (
	"testing"

	crisisadapter "helhed/adapters/crisis"
	"helhed/runs"
	"helhed/workflows/crisis"
)

// TestRunKind: the run layer accepts the crisis kind's description.
func TestRunKind(t *testing.T) {
	if _, err := runs.NewRegistry([]runs.Kind{crisisadapter.RunKind()}); err != nil {
		t.Fatal(err)
	}
}

// TestCancelReasonBound: the cancel Update bounds its reason as the run
// layer bounds a cancellation's reason, so both say the same "højst … tegn".
func TestCancelReasonBound(t *testing.T) {
	if crisis.MaxCancelReason != runs.MaxReason {
		t.Errorf("crisis.MaxCancelReason %d, runs.MaxReason %d", crisis.MaxCancelReason, runs.MaxReason)
	}
}
