package cycletest

import "encoding/base64"

// PayloadKey is the fixed payload key of the schedules integration tests,
// whose recorded histories (workflows/meeting and workflows/absence
// testdata) the replay tests decode with it (internal/replaytest). It
// protects nothing.
var PayloadKey = base64.StdEncoding.EncodeToString([]byte("helhed-tests-only-not-a-secret!!"))
