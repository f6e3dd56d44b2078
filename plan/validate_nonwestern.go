package plan

import "fmt"

// checkNonWestern checks the areas' optional non-western shares: a percent
// with the year it describes.
func (v *validator) checkNonWestern() {
	for i, a := range v.p.Areas {
		base := fmt.Sprintf("$.areas[%d]", i)
		if a.NonWesternShare == nil {
			if a.NonWesternYear != 0 {
				v.addf(base+".non_western_year", "non_western_year %d without non_western_share", a.NonWesternYear)
			}
			continue
		}
		if s := *a.NonWesternShare; s < 0 || s > 100 {
			v.addf(base+".non_western_share", "non-western share %v %%: must be between 0 and 100", s)
		}
		switch y := a.NonWesternYear; {
		case y == 0:
			v.addf(base+".non_western_share", "non-western share without non_western_year: say which year the share describes")
		case y < 1980 || (v.periodOK && y > v.p.Period.End.Year):
			v.addf(base+".non_western_year", "non_western_year %d: must be a year between 1980 and the plan's end (%d)", y, v.p.Period.End.Year)
		}
	}
}
