package statistics

import (
	"context"
	"os"
	"testing"
	"time"

	"helhed/dst"
	"helhed/workflows/statistics"
)

// TestLiveTableSpecs fetches every baseline table from the real Statbank
// (DST_LIVE=1 only): it fails for each table, variable or value code the
// specs name that the API does not know, so the unverified codes in
// statbank.go are checked where the API can be reached.
func TestLiveTableSpecs(t *testing.T) {
	if os.Getenv("DST_LIVE") != "1" {
		t.Skip("set DST_LIVE=1 to call api.statbank.dk")
	}
	c := dst.New(os.Getenv("STATBANK_URL"), nil)
	c.Timeout = 60 * time.Second
	year := time.Now().Year() - 1
	for _, s := range specs() {
		figs, missing := fetchTable(context.Background(), c, s, []string{statistics.AreaCountry, statistics.AreaRegion, "730"}, year)
		for _, m := range missing {
			if m.Code == "VALUE" && m.Area == statistics.AreaRegion && s.Only == nil {
				t.Logf("%s: %s (the region is optional)", s.Table, m.Reason)
				continue
			}
			t.Errorf("%s: %s [%s]", s.Table, m.Reason, m.Code)
		}
		for _, f := range figs {
			t.Logf("%s %s %s = %v (%s)", f.Table, f.Key, f.Area, f.Value, f.Period)
		}
	}
}
