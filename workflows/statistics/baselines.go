package statistics

// Statbank area codes: the country, Region Midtjylland (the region of the
// income criterion) and, per plan, the kommune (Randers: 730).
const (
	AreaCountry = "000"
	AreaRegion  = "082"
)

// Baseline keys: the figures the adapter reduces the public tables to.
// The first are the kommune's context; the last are the national and
// regional comparators of the § 61 a criteria (see law.go for how they
// stand in for the statute's populations).
const (
	BPopulation   = "befolkning"
	BPopulation18 = "befolkning-18-plus"
	BPrimaryOnly  = "andel-kun-grundskole-30-59"
	BOutsideWork  = "andel-uden-for-arbejde-uddannelse"
	BIncome       = "gns-bruttoindkomst"

	// BIncomeRegion is the region's average income before tax of persons
	// 25-64 years with income (INDKP111).
	BIncomeRegion = "gns-bruttoindkomst-25-64"
	// BConvictedPenal are persons with a judgment under the penal code:
	// prison, suspended, fine or measures (STRAFNA8).
	BConvictedPenal = "domfaeldte-straffeloven"
	// BDecisions1517 are all penal-code decisions for 15-17-year-olds
	// (STRAF40): at least as many as the persons, so subtracting them
	// leaves a lower bound for the persons 18 and over.
	BDecisions1517 = "afgoerelser-15-17"
	// BConvictedShare is (BConvictedPenal − BDecisions1517) in percent of
	// BPopulation18, per year.
	BConvictedShare = "andel-domfaeldte-18-plus"
)

// tablesOf names the tables a baseline key comes from.
func tablesOf(key string) []string {
	switch key {
	case BPopulation, BPopulation18:
		return []string{"FOLK1A"}
	case BPrimaryOnly:
		return []string{"HFUDD11"}
	case BOutsideWork:
		return []string{"HFUDD16"}
	case BIncome:
		return []string{"INDKP101"}
	case BIncomeRegion:
		return []string{"INDKP111"}
	case BConvictedPenal:
		return []string{"STRAFNA8"}
	case BDecisions1517:
		return []string{"STRAF40"}
	case BConvictedShare:
		return []string{"STRAFNA8", "STRAF40", "FOLK1A"}
	}
	return nil
}
