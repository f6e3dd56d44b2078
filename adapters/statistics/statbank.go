package statistics

import (
	"context"
	"errors"
	"fmt"
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
// checked at run time against TABLEINFO (a value the table lacks is
// recorded as missing, never guessed) and by the DST_LIVE test.
type tableSpec struct {
	Table   string
	AreaVar string
	// Fixed are the other variables' values; with SumOthers every variable
	// that is not the area or time is requested with "*" and summed (for
	// tables without a total value).
	Fixed     []dst.Variable
	SumOthers bool
	// Reduce turns one area's observations into figures.
	Reduce func(rows []obs) []statistics.BaselineFigure
}

// specs are the public tables of the kommune baselines.
func specs() []tableSpec {
	return []tableSpec{
		// FOLK1A (verified): population on the first day of the quarter.
		{Table: "FOLK1A", AreaVar: "OMRÅDE",
			Fixed: []dst.Variable{{Code: "KØN", Values: []string{"TOT"}}, {Code: "ALDER", Values: []string{"*"}}, {Code: "CIVILSTAND", Values: []string{"TOT"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				var total, over15 float64
				var haveTotal bool
				for _, r := range rows {
					age := r.keys["ALDER"]
					if age == "IALT" {
						total, haveTotal = r.value, !r.suppressed
						continue
					}
					if n, err := strconv.Atoi(age); err == nil && n >= 15 {
						over15 += r.value
					}
				}
				if !haveTotal {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BPopulation, Value: total, Unit: "personer"}, {Key: statistics.BPopulation15, Value: over15, Unit: "personer"}}
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
		// (INDKOMSTTYPE 105) for all persons (ENHED 116).
		{Table: "INDKP101", AreaVar: "OMRÅDE",
			Fixed: []dst.Variable{{Code: "ENHED", Values: []string{"116"}}, {Code: "KOEN", Values: []string{"MOK"}}, {Code: "INDKOMSTTYPE", Values: []string{"105"}}},
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				if len(rows) != 1 || rows[0].suppressed {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BIncome, Value: rows[0].value, Unit: "kr"}}
			}},
		// STRAFNA8 (documented; variable codes read from TABLEINFO): guilty
		// persons by area and type of decision, which has no total: summed.
		{Table: "STRAFNA8", AreaVar: "OMRÅDE", SumOthers: true,
			Reduce: func(rows []obs) []statistics.BaselineFigure {
				var n float64
				for _, r := range rows {
					if r.suppressed {
						return nil
					}
					n += r.value
				}
				if len(rows) == 0 {
					return nil
				}
				return []statistics.BaselineFigure{{Key: statistics.BConvicted, Value: n, Unit: "personer"}}
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
	areaVar, ok := info.Variable(s.AreaVar)
	if !ok {
		return nil, fail("VARIABLE", fmt.Sprintf("tabellen %s har ikke variablen %s", s.Table, s.AreaVar))
	}
	var have []string
	for _, a := range areas {
		if areaVar.Has(a) {
			have = append(have, a)
		} else {
			missing = append(missing, statistics.Missing{What: s.Table, Area: a, Code: "VALUE", Reason: fmt.Sprintf("tabellen %s har ikke område %s", s.Table, a)})
		}
	}
	timeVar, period, ok := pickPeriod(info, dataYear)
	if !ok {
		return nil, append(missing, fail("PERIOD", fmt.Sprintf("tabellen %s har ingen periode til og med %d", s.Table, dataYear))...)
	}
	vars := []dst.Variable{{Code: areaVar.ID, Values: have}}
	if s.SumOthers {
		for _, v := range info.Variables {
			if v.ID != areaVar.ID && !v.Time {
				vars = append(vars, dst.Variable{Code: v.ID, Values: []string{"*"}})
			}
		}
	} else {
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
	}
	vars = append(vars, dst.Variable{Code: timeVar, Values: []string{period}})
	if len(have) == 0 {
		return nil, missing
	}
	byArea := map[string][]obs{}
	var header []string
	err = c.Data(ctx, dst.DataRequest{Table: info.ID, Format: dst.FormatBulk, Lang: "da", ValuePresentation: "Code", Variables: vars},
		func(h []string) { header, byArea = h, map[string][]obs{} },
		func(r *dst.Row) error {
			o := obs{keys: make(map[string]string, len(r.Keys)), value: r.Value, suppressed: r.Suppressed}
			for i, k := range r.Keys {
				o.keys[header[i]] = k
			}
			a := o.keys[strings.ToUpper(areaVar.ID)]
			byArea[a] = append(byArea[a], o)
			return nil
		})
	if err != nil {
		return nil, append(missing, fail(dst.Kind(err), "data fra "+s.Table+" kunne ikke hentes: "+describe(err))...)
	}
	var figs []statistics.BaselineFigure
	for _, a := range have {
		got := s.Reduce(byArea[a])
		if len(got) == 0 {
			missing = append(missing, statistics.Missing{What: s.Table, Area: a, Code: "SUPPRESSED",
				Reason: fmt.Sprintf("tabellen %s har ingen brugbare tal for område %s i %s (manglende eller diskretionerede celler)", s.Table, a, period)})
		}
		for _, f := range got {
			f.Area, f.Period, f.Table = a, period, s.Table
			figs = append(figs, f)
		}
	}
	return figs, missing
}

// pickPeriod returns the time variable and its newest period in dataYear,
// or else the newest before it.
func pickPeriod(info *dst.TableInfo, dataYear int) (string, string, bool) {
	for _, v := range info.Variables {
		if !v.Time {
			continue
		}
		best, bestYear := "", 0
		for _, p := range v.Values {
			y, err := strconv.Atoi(p.ID[:min(4, len(p.ID))])
			if err != nil || y > dataYear {
				continue
			}
			if y > bestYear || (y == bestYear && p.ID > best) {
				best, bestYear = p.ID, y
			}
		}
		return v.ID, best, best != ""
	}
	return "", "", false
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

// derive adds the national conviction share once both counts are there.
func derive(b *statistics.Baselines) {
	for _, area := range []string{statistics.AreaCountry} {
		conv, ok1 := b.Find(statistics.BConvicted, area)
		pop, ok2 := b.Find(statistics.BPopulation15, area)
		if ok1 && ok2 && pop.Value > 0 {
			b.Figures = append(b.Figures, statistics.BaselineFigure{Key: statistics.BConvictedShare, Area: area, Value: 100 * conv.Value / pop.Value,
				Unit: "pct", Period: conv.Period, Table: conv.Table + "/" + pop.Table})
		}
	}
	sort.SliceStable(b.Figures, func(i, j int) bool {
		if b.Figures[i].Key != b.Figures[j].Key {
			return b.Figures[i].Key < b.Figures[j].Key
		}
		return b.Figures[i].Area < b.Figures[j].Area
	})
}
