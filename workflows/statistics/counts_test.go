package statistics_test

import (
	"testing"

	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

const gv, hs, ev, vd = "glarbjergvej-omraadet", "hermann-stillingsvej-omraadet", "energivej-omraadet", "vangdalen"

// TestIndicatorCountsSurviveSubtraction: an indicator that counts persons
// is published per area and for the areas together. A small area count is
// hidden, and so are enough other figures that subtracting the published
// areas from the published total no longer gives it (nor the persons in
// the areas without a figure, nor a count the monitoring unit delivered
// as "..") away. Each case says what subtraction gave before.
func TestIndicatorCountsSurviveSubtraction(t *testing.T) {
	p := statstest.Randers(t)
	prep := statistics.Prepared{PlanID: p.ID, PlanYear: "2024-25", DataYear: 2024, Years: []int{2023, 2024},
		Areas: []string{gj, gv, hs, ev, vd}, Threshold: p.DiscretionThreshold}
	cases := []struct {
		name, indicator string
		figure          string            // the key figure delivered: the indicator's, or one it derives from
		delivered       map[string]string // area → the 2024 value
		// parts are the areas the total adds up; the total is the
		// areas together when it is delivered, else the sum of these.
		parts     []string
		published map[string]float64 // area → value; every other row is hidden or has no figure
		hidden    []string
	}{{
		// The total is the sum of the areas with a baseline: 320 + 300 +
		// 3 = 623, and 623 − 320 − 300 gave Hermann Stillingsvej's 3.
		name: "computed total", indicator: "grundskole-30-59-aar", figure: statistics.KFPrimaryOnly3059,
		delivered: map[string]string{gj: "320", gv: "300", hs: "3"},
		parts:     []string{gj, gv, hs},
		published: map[string]float64{statistics.AllAreas: 623, gj: 320},
		hidden:    []string{gv, hs},
	}, {
		// The monitoring unit's total is every plan area's; Vangdalen and
		// Energivej have no figure, and 700 − 329 − 331 − 38 gave the 2
		// persons in them.
		name: "delivered total, areas without a figure", indicator: "uden-for-arbejdsmarkedet",
		delivered: map[string]string{statistics.AllAreas: "700", gj: "329", gv: "331", hs: "38"},
		parts:     []string{gj, gv, hs, ev, vd},
		published: map[string]float64{statistics.AllAreas: 700, gj: 329, gv: 331},
		hidden:    []string{hs},
	}, {
		// Glarbjergvej delivered as "..": 150 − 49 − 40 − 20 − 30 gave
		// its 11.
		name: "delivered total, a count delivered as ..", indicator: "jobparate",
		delivered: map[string]string{statistics.AllAreas: "150", gj: "49", gv: "..", hs: "40", vd: "20", ev: "30"},
		parts:     []string{gj, gv, hs, ev, vd},
		published: map[string]float64{statistics.AllAreas: 150, gj: 49, hs: 40, ev: 30},
		hidden:    []string{gv, vd},
	}, {
		// A small count with no total to subtract from is hidden alone.
		name: "no total", indicator: "ssp-bekymringer",
		delivered: map[string]string{gj: "2", gv: "9"},
		published: map[string]float64{gv: 9},
		hidden:    []string{gj},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			figure := c.figure
			if figure == "" {
				figure = c.indicator
			}
			var rows []map[string]string
			for area, v := range c.delivered {
				rows = append(rows, map[string]string{statistics.ColArea: area, statistics.ColYear: "2024", statistics.ColFigure: figure, statistics.ColValue: v})
			}
			r := statistics.Evaluate(p, prep, statistics.Baselines{}, &datarequest.Result{Status: datarequest.StatusAnswered, Rows: rows})
			got := map[string]statistics.IndicatorValue{}
			for _, iv := range r.Indicators {
				if iv.Indicator == c.indicator {
					got[iv.Area] = iv
				}
			}
			for area, want := range c.published {
				if iv := got[area]; !iv.HasValue || iv.Value.Suppressed || iv.Value.Value != want {
					t.Errorf("%s: %+v, want %v published", area, iv, want)
				}
			}
			for _, area := range c.hidden {
				if iv := got[area]; !iv.Value.Suppressed || iv.Value.Value != 0 || iv.Status != statistics.StatusSuppressed {
					t.Errorf("%s: %+v, want hidden", area, iv)
				}
			}
			for area, iv := range got {
				if _, ok := c.published[area]; ok == iv.Value.Suppressed && iv.HasValue {
					t.Errorf("%s: %+v, not what the case says", area, iv)
				}
			}
			// What a reader does with the published figures: the total
			// less the published areas is what the rest of the areas
			// hold. It must not be one hidden count, nor the areas
			// without a figure alone.
			total := got[statistics.AllAreas]
			if !total.HasValue || total.Value.Suppressed || len(c.parts) == 0 {
				return
			}
			unknown, noFigure := 0, false
			for _, a := range c.parts {
				iv, listed := got[a]
				switch {
				case iv.Value.Suppressed:
					unknown++
				case !listed || !iv.HasValue:
					noFigure = true
				}
			}
			if noFigure {
				unknown++
			}
			if unknown == 1 {
				t.Errorf("the total less the published areas gives the one unknown term away: %+v", got)
			}
		})
	}
}

// TestSharesHideSmallComplement: 797 of 800 aged 18-64 outside work and
// education in both years says 3 persons are in work. The share is hidden
// both as the § 61 a criterion (a two-year average) and as the plan's
// indicator, and the verdict waits; 790 of 800 (10 in work) is published.
func TestSharesHideSmallComplement(t *testing.T) {
	p := statstest.Randers(t)
	for _, c := range []struct {
		outside string
		hidden  bool
	}{{"797", true}, {"790", false}} {
		r := evaluate(t, p, nil, "beboere-18-64 2023 800", "beboere-18-64 2024 800",
			"uden-beskaeftigelse-uddannelse-18-64 2023 "+c.outside, "uden-beskaeftigelse-uddannelse-18-64 2024 "+c.outside)
		crit := statstest.FindCriterion(t, r, statistics.CritOutsideWork, gj)
		var ind statistics.IndicatorValue
		for _, iv := range r.Indicators {
			if iv.Indicator == "uden-tilknytning-18-64-aar" && iv.Area == gj {
				ind = iv
			}
		}
		if crit.Value.Suppressed != c.hidden || ind.Value.Suppressed != c.hidden || !ind.HasValue {
			t.Errorf("%s of 800: criterion %+v, indicator %+v; want hidden=%v", c.outside, crit, ind, c.hidden)
		}
		if c.hidden && (crit.Met != statistics.VerdictUnknown || crit.Value.Value != 0 || ind.Value.Value != 0) {
			t.Errorf("%s of 800: criterion %+v, indicator %+v", c.outside, crit, ind)
		}
	}
}
