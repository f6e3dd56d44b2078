package statistics

// Statbank area codes: the country, Region Midtjylland (the region of the
// income criterion) and, per plan, the kommune (Randers: 730).
const (
	AreaCountry = "000"
	AreaRegion  = "082"
)

// Baseline keys: the figures the adapter reduces the public tables to.
const (
	BPopulation     = "befolkning"
	BPopulation15   = "befolkning-15-plus"
	BPrimaryOnly    = "andel-kun-grundskole-30-59"
	BOutsideWork    = "andel-uden-for-arbejde-uddannelse"
	BIncome         = "gns-bruttoindkomst"
	BConvictedShare = "andel-domfaeldte"
	BConvicted      = "domfaeldte"
)
