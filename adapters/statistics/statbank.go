package statistics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"helhed/dst"
	"helhed/workflows/statistics"
)

// obs is one observation of a table, keyed by upper-case variable code.
type obs struct {
	keys       map[string]string
	value      float64
	suppressed bool
}

// tableSpec says how to fetch and reduce one public table. Codes marked
// "verified" are as other clients of the live API use them; the others are
// as Danmarks Statistik's table documentation describes them and are
// checked at run time against TABLEINFO (a table, variable or value the
// API lacks is recorded as missing, never guessed) and by the DST_LIVE
// test.
type tableSpec struct {
	Table string
	// AreaVar is the area variable; "" for a table of the whole country
	// only, whose figures are statistics.AreaCountry's.
	AreaVar string
	// Only limits the pull's areas (country, region, kommune) to these
	// codes; nil asks for all of them.
	Only []string
	// Fixed are the other variables' values ("*" for all).
	Fixed []dst.Variable
	// Years is how many years to fetch: the newest period of each of the
	// newest Years years up to the data year (0 means 1). The § 61 a
	// comparators are two-year averages.
	Years int
	// Reduce turns one area's observations in one period into figures.
	Reduce func(rows []obs) []statistics.BaselineFigure
}

// specs are the public tables: the kommune's context figures, and the
// national and regional comparators of the § 61 a criteria.
func specs() []tableSpec {
	return []tableSpec{
		// FOLK1A (verified): population on the first day of the quarter.
		// Three years, so that the population 18+ is there for every year
		// the crime tables have, which lag behind.
		{Table: "FOLK1A", AreaVar: "OMRÅDE", Years: 3,
			Fixed: []dst.Variable{{Code: "KØN", Values: []string{"TOT"}}, {Code: "ALDER", Values: []string{"*"}}, {Code: "CIVILSTAND", Values: []string{"TOT"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				var total, over18 float64
				var haveTotal bool
				for _, r := range rows {
					age := r.keys["ALDER"]
					if age == "IALT" {
						total, haveTotal = r.value, !r.suppressed
						continue
					}
					if n, err := strconv.Atoi(age); err == nil && n >= 18 {
						if r.suppressed {
							return nil
						}
						over18 += r.value
					}
				}
				if !haveTotal {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BPopulation, Value: total, Unit: "personer"}, {Key: statistics.BPopulation18, Value: over18, Unit: "personer"}}
			}},
		// HFUDD11 (verified variable codes): highest completed education,
		// 15-69 years. Share of 30-59-year-olds with only primary school.
		{Table: "HFUDD11", AreaVar: "BOPOMR",
			Fixed: []dst.Variable{{Code: "HERKOMST", Values: []string{"TOT"}}, {Code: "HFUDD", Values: []string{"TOT", "H10"}},
				{Code: "ALDER", Values: []string{"30-34", "35-39", "40-44", "45-49", "50-54", "55-59"}}, {Code: "KØN", Values: []string{"TOT"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				return share(rows, statistics.BPrimaryOnly, func(r obs) bool { return r.keys["HFUDD"] == "H10" }, func(r obs) bool { return r.keys["HFUDD"] == "TOT" })
			}},
		// HFUDD16 (codes per DST's documentation, unverified): population by
		// socio-economic status (0 under education, 1 employed, 2
		// unemployed, 3 outside the labour force). Share of 20-64-year-olds
		// outside work and education; 20-64 because the table's age groups
		// are five-year bands (the criterion's 18-64 is not available).
		{Table: "HFUDD16", AreaVar: "BOPOMR",
			Fixed: []dst.Variable{{Code: "UDDANNELSEF", Values: []string{"TOT"}}, {Code: "SOCIO", Values: []string{"0", "1", "2", "3"}},
				{Code: "ERHVERV", Values: []string{"TOT"}}, {Code: "ALDER", Values: []string{"20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"}},
				{Code: "KØN", Values: []string{"TOT"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				return share(rows, statistics.BOutsideWork, func(r obs) bool { s := r.keys["SOCIO"]; return s == "2" || s == "3" }, func(obs) bool { return true })
			}},
		// INDKP101 (verified variable codes): average income before tax
		// (INDKOMSTTYPE 105) for all persons (ENHED 116), the kommune's
		// context.
		{Table: "INDKP101", AreaVar: "OMRÅDE",
			Fixed: []dst.Variable{{Code: "ENHED", Values: []string{"116"}}, {Code: "KOEN", Values: []string{"MOK"}}, {Code: "INDKOMSTTYPE", Values: []string{"105"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				if len(rows) != 1 || rows[0].suppressed {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BIncome, Value: rows[0].value, Unit: "kr"}}
			}},
		// INDKP111 (codes per DST's documentation, unverified): income by
		// region, age and unit. The income criterion's regional average:
		// income before tax (105) over persons with it (ENHED 110 amount in
		// 1,000 kr., 101 persons), ages 25-64 (law.go says why).
		{Table: "INDKP111", AreaVar: "REGLAND", Only: []string{statistics.AreaRegion}, Years: 2,
			Fixed: []dst.Variable{{Code: "ENHED", Values: []string{"101", "110"}}, {Code: "KOEN", Values: []string{"MOK"}},
				{Code: "ALDER1", Values: []string{"25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"}},
				{Code: "INDKOMSTTYPE", Values: []string{"105"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				var persons, amount float64
				for _, r := range rows {
					if r.suppressed {
						return nil
					}
					switch r.keys["ENHED"] {
					case "101":
						persons += r.value
					case "110":
						amount += r.value
					}
				}
				if persons <= 0 || amount <= 0 {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BIncomeRegion, Value: 1000 * amount / persons, Unit: "kr"}}
			}},
		// STRAFNA8 (documented; codes checked against TABLEINFO): persons
		// found guilty under the penal code by area and the kind of
		// decision. The judgments only: unconditional (11) and suspended
		// (12) prison, fines (2) and measures (511); not the withdrawn or
		// waived charges (3, 4) nor other decisions (5).
		{Table: "STRAFNA8", AreaVar: "OMRÅDE", Only: []string{statistics.AreaCountry}, Years: 2,
			Fixed: []dst.Variable{{Code: "AFGØRELSE", Values: []string{"11", "12", "2", "511"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				return sum(rows, statistics.BConvictedPenal)
			}},
		// STRAF40 (documented; codes checked against TABLEINFO): penal
		// decisions by offence, decision, age and sex for the country.
		// Every penal-code decision (OVERTRÆD 1, AFGØRELSE 000) for ages
		// 15, 16 and 17.
		{Table: "STRAF40", Years: 2,
			Fixed: []dst.Variable{{Code: "OVERTRÆD", Values: []string{"1"}}, {Code: "AFGØRELSE", Values: []string{"000"}},
				{Code: "ALDER", Values: []string{"15", "16", "17"}}, {Code: "KØN", Values: []string{"TOT"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				return sum(rows, statistics.BDecisions1517)
			}},
	}
}

// share returns num/den in percent over the rows.
func share(rows []obs, key string, num, den func(obs) bool) []statistics.BaselineFigure {
	var n, d float64
	for _, r := range rows {
		if r.suppressed {
			return nil
		}
		if num(r) {
			n += r.value
		}
		if den(r) {
			d += r.value
		}
	}
	if d == 0 {
		return nil
	}
	return []statistics.BaselineFigure{{Key: key, Value: 100 * n / d, Unit: "pct"}}
}

// sum adds the rows up; nothing when one is suppressed or none came (a
// streaming answer leaves zero rows out, but not all of them).
func sum(rows []obs, key string) []statistics.BaselineFigure {
	if len(rows) == 0 {
		return nil
	}
	var n float64
	for _, r := range rows {
		if r.suppressed {
			return nil
		}
		n += r.value
	}
	return []statistics.BaselineFigure{{Key: key, Value: n, Unit: "personer"}}
}

// fetchTable fetches one spec for the given areas and data year. Every
// failure is recorded as Missing, in Danish, with the error kind.
func fetchTable(ctx context.Context, c *dst.Client, s tableSpec, areas []string, dataYear int) ([]statistics.BaselineFigure, []statistics.Missing) {
	fail := func(code, reason string) []statistics.Missing {
		return []statistics.Missing{{What: s.Table, Code: code, Reason: reason}}
	}
	info, err := c.TableInfo(ctx, s.Table, "da")
	if err != nil {
		return nil, fail(dst.Kind(err), "Statbank-tabellen "+s.Table+" kunne ikke hentes: "+describe(err))
	}
	var missing []statistics.Missing
	var vars []dst.Variable
	have := []string{statistics.AreaCountry}
	areaVar := ""
	if s.AreaVar != "" {
		v, ok := info.Variable(s.AreaVar)
		if !ok {
			return nil, fail("VARIABLE", fmt.Sprintf("tabellen %s har ikke variablen %s", s.Table, s.AreaVar))
		}
		have, areaVar = nil, strings.ToUpper(v.ID)
		for _, a := range areas {
			switch {
			case s.Only != nil && !slices.Contains(s.Only, a):
			case v.Has(a):
				have = append(have, a)
			default:
				missing = append(missing, statistics.Missing{What: s.Table, Area: a, Code: "VALUE", Reason: fmt.Sprintf("tabellen %s har ikke område %s", s.Table, a)})
			}
		}
		vars = append(vars, dst.Variable{Code: v.ID, Values: have})
	}
	timeVar, periods := pickPeriods(info, dataYear, max(s.Years, 1))
	if len(periods) == 0 {
		return nil, append(missing, fail("PERIOD", fmt.Sprintf("tabellen %s har ingen periode til og med %d", s.Table, dataYear))...)
	}
	for _, f := range s.Fixed {
		v, ok := info.Variable(f.Code)
		if !ok {
			return nil, append(missing, fail("VARIABLE", fmt.Sprintf("tabellen %s har ikke variablen %s", s.Table, f.Code))...)
		}
		for _, val := range f.Values {
			if val != "*" && !v.Has(val) {
				return nil, append(missing, fail("VALUE", fmt.Sprintf("tabellen %s har ikke værdien %s for %s", s.Table, val, f.Code))...)
			}
		}
		vars = append(vars, dst.Variable{Code: v.ID, Values: f.Values})
	}
	vars = append(vars, dst.Variable{Code: timeVar, Values: periods})
	if len(have) == 0 {
		return nil, missing
	}
	type cellKey struct{ area, period string }
	byCell := map[cellKey][]obs{}
	var header []string
	err = c.Data(ctx, dst.DataRequest{Table: info.ID, Format: dst.FormatBulk, Lang: "da", ValuePresentation: "Code", Variables: vars},
		func(h []string) { header, byCell = h, map[cellKey][]obs{} },
		func(r *dst.Row) error {
			o := obs{keys: make(map[string]string, len(r.Keys)), value: r.Value, suppressed: r.Suppressed}
			for i, k := range r.Keys {
				o.keys[header[i]] = k
			}
			k := cellKey{statistics.AreaCountry, o.keys[strings.ToUpper(timeVar)]}
			if areaVar != "" {
				k.area = o.keys[areaVar]
			}
			byCell[k] = append(byCell[k], o)
			return nil
		})
	if err != nil {
		return nil, append(missing, fail(dst.Kind(err), "data fra "+s.Table+" kunne ikke hentes: "+describe(err))...)
	}
	var figs []statistics.BaselineFigure
	for _, a := range have {
		for _, period := range periods {
			got := s.Reduce(byCell[cellKey{a, period}])
			if len(got) == 0 {
				missing = append(missing, statistics.Missing{What: s.Table, Area: a, Code: "SUPPRESSED",
					Reason: fmt.Sprintf("tabellen %s har ingen brugbare tal for område %s i %s (manglende eller diskretionerede celler)", s.Table, a, period)})
			}
			for _, f := range got {
				f.Area, f.Period, f.Year, f.Table = a, period, periodYear(period), s.Table
				figs = append(figs, f)
			}
		}
	}
	return figs, missing
}

// pickPeriods returns the time variable and, for each of the newest n
// years up to dataYear, that year's newest period, oldest first.
func pickPeriods(info *dst.TableInfo, dataYear, n int) (string, []string) {
	for _, v := range info.Variables {
		if !v.Time {
			continue
		}
		newest := map[int]string{}
		for _, p := range v.Values {
			y := periodYear(p.ID)
			if y == 0 || y > dataYear {
				continue
			}
			if p.ID > newest[y] {
				newest[y] = p.ID
			}
		}
		var ys []int
		for y := range newest {
			ys = append(ys, y)
		}
		sort.Ints(ys)
		if len(ys) > n {
			ys = ys[len(ys)-n:]
		}
		var out []string
		for _, y := range ys {
			out = append(out, newest[y])
		}
		return v.ID, out
	}
	return "", nil
}

// periodYear is the calendar year of a period ("2024", "2024K4",
// "2024M11"); 0 when it has none.
func periodYear(p string) int {
	y, err := strconv.Atoi(p[:min(4, len(p))])
	if err != nil {
		return 0
	}
	return y
}

// describe says in Danish what went wrong with a Statbank call.
func describe(err error) string {
	var api *dst.APIError
	switch {
	case errors.As(err, &api) && api.Code == dst.CodeNotFound:
		return "tabellen eller en værdi findes ikke (EXTRACT-NOTFOUND: " + api.Message + ")"
	case errors.As(err, &api) && api.Code == dst.CodeRequestLimit:
		return "forespørgslen er for stor (REQUEST-LIMIT: " + api.Message + ")"
	case errors.As(err, &api) && api.Status >= 500:
		return fmt.Sprintf("Statbank svarede med fejl %d, også efter gentagne forsøg", api.Status)
	case errors.As(err, &api):
		return api.Code + ": " + api.Message
	case errors.Is(err, dst.ErrTimeout):
		return "Statbank svarede ikke i tide, også efter gentagne forsøg"
	case errors.Is(err, dst.ErrTruncated):
		return "svaret fra Statbank blev afbrudt undervejs (ufuldstændigt svar)"
	}
	return "Statbank kunne ikke nås: " + err.Error()
}

// derive adds the national conviction share per year the three counts
// are there for: persons with a penal-code judgment minus the decisions
// for 15-17-year-olds, in percent of the population 18 and over.
func derive(b *statistics.Baselines) {
	for _, conv := range b.Figures {
		if conv.Key != statistics.BConvictedPenal || conv.Area != statistics.AreaCountry {
			continue
		}
		young, ok1 := b.FindYear(statistics.BDecisions1517, statistics.AreaCountry, conv.Year)
		pop, ok2 := b.FindYear(statistics.BPopulation18, statistics.AreaCountry, conv.Year)
		if ok1 && ok2 && pop.Value > 0 {
			b.Figures = append(b.Figures, statistics.BaselineFigure{Key: statistics.BConvictedShare, Area: statistics.AreaCountry,
				Value: 100 * max(conv.Value-young.Value, 0) / pop.Value, Unit: "pct", Period: conv.Period, Year: conv.Year,
				Table: conv.Table + "−" + young.Table + "/" + pop.Table})
		}
	}
	sort.SliceStable(b.Figures, func(i, j int) bool {
		x, y := b.Figures[i], b.Figures[j]
		if x.Key != y.Key {
			return x.Key < y.Key
		}
		if x.Area != y.Area {
			return x.Area < y.Area
		}
		return x.Year < y.Year
	})
}
