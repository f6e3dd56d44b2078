package eviction

import (
	"testing"

	"helhed/internal/replaytest"
)

// TestReplay replays recorded histories of a case through a missed
// instalment, påkrav, deadline, termination with the kommune notice, court
// request and eviction against the current workflow code: a change that
// would break running cases fails here and needs workflow.GetVersion.
//
//   - eviction-case-history.json runs on the hverdag clock (package legal;
//     the påkrav's receipt read from the plan by an activity). It is
//     recorded on the real stack by
//     `HELHED_RECORD_HISTORY=1 go test -run TestLegalClockOnTheRealStack ./adapters/eviction`,
//     whose payloads are sealed with the test key in testdata.
//   - eviction-case-history-weekday-clock.json was recorded the same way
//     before the hverdag clock: a case opened, escalated and sent its
//     påkrav on the weekday clock, which must keep replaying (no
//     GetVersion markers: the weekday clock, and no receipt activity).
//     Keep it; it is not re-recorded.
//   - eviction-case-history-notice-in-handler.json is
//     eviction-case-history.json as recorded before ChangeNoticeAfterAck:
//     the terminate Update sent the § 92 notice before it returned. Keep
//     it; it is not re-recorded.
//   - eviction-case-history-notice-after-ack.json is a termination under
//     ChangeNoticeAfterAck with the mail server down while the notice
//     retries, recorded by
//     `HELHED_RECORD_HISTORY=1 go test -run TestKommuneNoticeWaitsForTheMailServer ./adapters/eviction`.
//
// The four above were recorded before changeCaseEpisodes,
// changeHandlerRecheck and ChangeNoticeRetry (a notice retried without
// end); keep them, they are not re-recorded. The three below take those
// branches:
//
//   - eviction-case-history-notice-retry.json: a § 92 notice whose send
//     failed for NoticeRetryWindow, recorded as failed, and sent again by
//     the retry-kommune-notice Update; recorded by
//     `HELHED_RECORD_HISTORY=1 go test -run TestKommuneNoticeRetriedOverTheAPI ./adapters/eviction`.
//   - eviction-case-history-episode.json: a case opened by a list line
//     after the tenancy's first case closed, as its second episode, and
//     eviction-case-history-operator-episode.json: a case an operator
//     opened after the second closed, as the third (its Resolve activity
//     finds the second); both recorded by
//     `HELHED_RECORD_HISTORY=1 go test -run TestClosedCaseOpensNextEpisode ./adapters/eviction`.
//   - eviction-case-history-compact.json: a case on 52 lists that keeps
//     its newest 24 lists and 50 steps (changeCompactState) and ignores a
//     dropped list delivered again; recorded by
//     `HELHED_RECORD_HISTORY=1 go test -run TestCaseKeepsNewestLists ./adapters/eviction`.
//
// No history covers changeQuietContinueAsNew: on the real stack a run
// continues as new only after 2,000 events, and replaytest.Record keeps
// the newest run only (TestUpdateDuringContinueAsNewFinishes covers it in
// the test environment).
func TestReplay(t *testing.T) {
	replaytest.ReplayKeyFile(t, replaytest.KeyFile, []string{
		"testdata/eviction-case-history.json", "testdata/eviction-case-history-weekday-clock.json",
		"testdata/eviction-case-history-notice-in-handler.json", "testdata/eviction-case-history-notice-after-ack.json",
		"testdata/eviction-case-history-notice-retry.json", "testdata/eviction-case-history-episode.json",
		"testdata/eviction-case-history-operator-episode.json", "testdata/eviction-case-history-compact.json",
	}, replaytest.Workflow{Fn: EvictionCase, Name: WorkflowName})
}
