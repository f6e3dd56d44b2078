package eviction

import (
	"testing"

	"helhed/internal/replaytest"
)

// TestReplayPaths replays the other paths a case can take, and the inbox
// scan, recorded on the real stack by
// `HELHED_RECORD_HISTORY=1 go test -run TestNoDriftAfterEveryStep ./adapters/eviction`:
//
//   - eviction-case-payment-plan-resolved-history.json: two lists; contact
//     made, a payment plan, a payment, resolved.
//   - eviction-case-court-evicted-history.json: not reached, escalated,
//     påkrav by Digital Post, a payment after the deadline, ophævelse with
//     the § 92 notice, the bailiff court, evicted.
//   - eviction-case-cancelled-history.json: cancelled by an operator (the
//     reason signal, then a Temporal cancel), before forget-cancelled-case;
//     eviction-case-cancelled-forget-history.json the same after it (the
//     case removes itself from the read model; rename the recording).
//   - inbox-scan-history.json: the EvictionInboxScan workflow taking a good
//     list and a bad file.
//
// Two more, recorded by other tests:
//
//   - inbox-watch-history.json: the EvictionInboxWatch workflow waiting,
//     running one scan child and waiting again (recorded while it waits), by
//     `HELHED_RECORD_HISTORY=1 go test -run TestInboxPickup ./adapters/eviction`.
//   - eviction-case-history-notice-retry-2.json: TestReplay's
//     eviction-case-history-notice-retry.json recorded again under
//     changeDecisionsBy (the API's Updates name the operator), by
//     `HELHED_RECORD_HISTORY=1 go test -run TestKommuneNoticeRetriedOverTheAPI ./adapters/eviction`
//     and renamed.
func TestReplayPaths(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{"testdata/eviction-case-payment-plan-resolved-history.json",
		"testdata/eviction-case-court-evicted-history.json", "testdata/eviction-case-cancelled-history.json",
		"testdata/eviction-case-cancelled-forget-history.json",
		"testdata/inbox-scan-history.json", "testdata/inbox-watch-history.json",
		"testdata/eviction-case-history-notice-retry-2.json"},
		replaytest.Workflow{Fn: EvictionCase, Name: WorkflowName},
		replaytest.Workflow{Fn: InboxScan, Name: InboxWorkflowName},
		replaytest.Workflow{Fn: InboxWatch, Name: InboxWatchWorkflowName})
}
