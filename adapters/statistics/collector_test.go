package statistics

import (
	"testing"

	"helhed/workflows/statistics"
)

// TestTwoCriteria: the area-level "at least two of the four criteria"
// verdict counts the criteria the pull decided, undecided ones making it
// ukendt only where they could tip it.
func TestTwoCriteria(t *testing.T) {
	for _, tc := range []struct {
		met, unknown int
		want         string
	}{
		{2, 0, statistics.VerdictYes},
		{3, 1, statistics.VerdictYes},
		{1, 0, statistics.VerdictNo},
		{0, 1, statistics.VerdictNo},
		{1, 1, statistics.VerdictUnknown},
		{0, 2, statistics.VerdictUnknown},
	} {
		if got := twoCriteria(statistics.AreaDesignation{CriteriaMet: tc.met, CriteriaUnknown: tc.unknown}); got != tc.want {
			t.Errorf("%d met, %d unknown: %s, want %s", tc.met, tc.unknown, got, tc.want)
		}
	}
}
