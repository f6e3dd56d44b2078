// Package statstest holds the statistics pull's test fixture: a Statbank
// stand-in with the public tables the pull reads, and the monitoring unit's
// key-figure CSV, with the figures the tests check written out by hand in
// EXPECTED below (CheckResult asserts them).
//
// EXPECTED (plan year 2024-25, data years 2023 and 2024, threshold 5):
//   - national conviction share 50,000 / 5,000,000 = 1.0 %, so the
//     convictions threshold is 3.0 %; region income 350,000 kr.
//   - Gl. Jennumparken: outside work/education (360/800 = 45 %,
//     340/820 = 41.46 %) → 43.2 %, crossed, margin −3.2; only primary
//     school 320/500 = 64 %, crossed, margin −4.0; convictions (2.0 %,
//     2.2 %) → 2.1 %, margin 0.9; income 200,000/350,000 = 57.1 %, margin 2.1.
//   - Glarbjergvej-området: outside work (30 %, 32 %) → 31.0 %, margin 9.0;
//     convictions missing (2023 delivered as ".."); income "210.000" →
//     60.0 %, margin 5.0; absence "112,5" % rejected.
//   - Hermann Stillingsvej-området: 950 outside work of 700 aged 18-64 is
//     rejected (count over population); only primary school 3 persons is
//     suppressed (< 5); a 2019 row is outside the years.
//   - Energivej-området: absence delivered twice (line 36 unused), 6.1 %
//     against 6.4 % (lower is better): better.
//   - Vangdalen: no rows at all (missing area).
//   - grundskole-30-59-aar for the areas together: 320 + 300 + 3 = 623
//     against 348 + 348 + 243 = 939; target 939 − 14 × 4 = 883: better.
//   - HFUDD16 is not in the stand-in: EXTRACT-NOTFOUND, recorded as missing.
package statstest

import (
	_ "embed"
	"encoding/csv"
	"strings"

	"helhed/dst"
	"helhed/dst/dsttest"
)

// KeyFiguresCSV is the monitoring unit's answer.
//
//go:embed keyfigures.csv
var KeyFiguresCSV string

// KeyFigureRows is KeyFiguresCSV as the data request returns it: one map
// per row, by column key.
func KeyFigureRows() []map[string]string {
	cr := csv.NewReader(strings.NewReader(KeyFiguresCSV))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		panic(err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

func info(id, text string, vars ...dst.VariableInfo) dst.TableInfo {
	return dst.TableInfo{ID: id, Text: text, Unit: "Antal", SuppressedDataValue: "0", Active: true, Variables: vars}
}

// Statbank starts the stand-in with FOLK1A, HFUDD11, INDKP101 and STRAFNA8
// (HFUDD16 is left out on purpose).
func Statbank() *dsttest.Server {
	folk := dsttest.Table{Info: info("FOLK1A", "Befolkningen den 1. i kvartalet",
		dsttest.Var("OMRÅDE", false, "000", "082", "730"), dsttest.Var("KØN", false, "TOT", "1", "2"),
		dsttest.Var("ALDER", false, "IALT", "10", "15", "40", "70"), dsttest.Var("CIVILSTAND", false, "TOT", "U"),
		dsttest.Var("Tid", true, "2023K4", "2024K1", "2024K4", "2025K1"))}
	for _, p := range []string{"2023K4", "2024K4", "2025K1"} {
		for _, r := range [][]string{
			{"000", "6000000", "1000000", "1500000", "2000000", "1500000"},
			{"082", "1350000", "200000", "400000", "450000", "300000"},
			{"730", "100000", "20000", "25000", "35000", "20000"},
		} {
			for i, age := range []string{"IALT", "10", "15", "40", "70"} {
				folk.Rows = append(folk.Rows, []string{r[0], "TOT", age, "TOT", p, r[i+1]})
			}
		}
	}
	edu := dsttest.Table{Info: info("HFUDD11", "Befolkningens højeste fuldførte uddannelse (15-69 år)",
		dsttest.Var("BOPOMR", false, "000", "730"), dsttest.Var("HERKOMST", false, "TOT"), dsttest.Var("HFUDD", false, "TOT", "H10", "H20"),
		dsttest.Var("ALDER", false, "TOT", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"),
		dsttest.Var("KØN", false, "TOT"), dsttest.Var("Tid", true, "2023", "2024"))}
	for _, age := range []string{"30-34", "35-39", "40-44", "45-49", "50-54", "55-59"} {
		edu.Rows = append(edu.Rows,
			[]string{"000", "TOT", "TOT", age, "TOT", "2024", "300000"}, []string{"000", "TOT", "H10", age, "TOT", "2024", "30000"},
			[]string{"730", "TOT", "TOT", age, "TOT", "2024", "5000"}, []string{"730", "TOT", "H10", age, "TOT", "2024", "750"},
			[]string{"730", "TOT", "H10", age, "TOT", "2023", "9999"})
	}
	inc := dsttest.Table{Info: info("INDKP101", "Personer efter område, enhed, køn, indkomsttype og tid",
		dsttest.Var("OMRÅDE", false, "000", "082", "730"), dsttest.Var("ENHED", false, "101", "116"),
		dsttest.Var("KOEN", false, "MOK"), dsttest.Var("INDKOMSTTYPE", false, "100", "105"), dsttest.Var("Tid", true, "2023", "2024")),
		Rows: [][]string{
			{"000", "116", "MOK", "105", "2024", "360000,0"}, {"082", "116", "MOK", "105", "2024", "350000,0"},
			{"730", "116", "MOK", "105", "2024", "340000,5"}, {"730", "116", "MOK", "105", "2023", "330000,0"},
		}}
	crime := dsttest.Table{Info: info("STRAFNA8", "Skyldige personer efter område, afgørelsestype og tid",
		dsttest.Var("OMRÅDE", false, "000", "730"), dsttest.Var("AFGØRELSE", false, "11", "12", "2"), dsttest.Var("Tid", true, "2023", "2024")),
		Rows: [][]string{
			{"000", "11", "2024", "10000"}, {"000", "12", "2024", "15000"}, {"000", "2", "2024", "25000"},
			{"730", "11", "2024", "200"}, {"730", "12", "2024", "300"}, {"730", "2", "2024", "500"},
		}}
	return dsttest.New(folk, edu, inc, crime)
}
