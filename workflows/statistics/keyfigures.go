package statistics

import (
	"fmt"
	"strings"

	"helhed/plan"
	"helhed/workflows/datarequest"
)

// Key figures the monitoring unit delivers per area and year, besides the
// plan's own indicators (whose ids are key figures too).
const (
	KFResidents       = "beboere"
	KFResidents1864   = "beboere-18-64"
	KFOutside1864     = "uden-beskaeftigelse-uddannelse-18-64"
	KFResidents3059   = "beboere-30-59"
	KFPrimaryOnly3059 = "kun-grundskole-30-59"
	KFResidents18     = "beboere-18-plus"
	KFConvicted18     = "domfaeldte-18-plus"
	KFIncome1564      = "bruttoindkomst-15-64"
)

// CSV columns of the key-figure table.
const (
	ColArea   = "omraade"
	ColYear   = "aar"
	ColFigure = "noegletal"
	ColValue  = "vaerdi"
)

// figureKind is how a key figure is validated and published.
type figureKind int

const (
	kindCount   figureKind = iota // persons: ≤ its population, suppressed below the threshold
	kindPercent                   // 0-100
	kindAmount                    // kr. or a grade: ≥ 0 for amounts
	kindOther
)

// keyFigure is one deliverable figure.
type keyFigure struct {
	ID    string
	Label string
	Kind  figureKind
	// Population is the key figure a count may not exceed ("" means the
	// area's residents).
	Population string
}

// criteriaFigures are the § 61 a inputs.
var criteriaFigures = []keyFigure{
	{KFResidents, "Beboere i alt", kindCount, "-"},
	{KFResidents1864, "Beboere 18-64 år", kindCount, KFResidents},
	{KFOutside1864, "Beboere 18-64 år uden for arbejde og uddannelse", kindCount, KFResidents1864},
	{KFResidents3059, "Beboere 30-59 år", kindCount, KFResidents},
	{KFPrimaryOnly3059, "Beboere 30-59 år med alene grundskole", kindCount, KFResidents3059},
	{KFResidents18, "Beboere på 18 år og derover", kindCount, KFResidents},
	{KFConvicted18, "Beboere på 18 år og derover dømt for overtrædelse af straffeloven, våbenloven eller lov om euforiserende stoffer", kindCount, KFResidents18},
	{KFIncome1564, "Gennemsnitlig bruttoindkomst for skattepligtige 15-64 år ekskl. uddannelsessøgende (kr.)", kindAmount, ""},
}

// keyFigures lists every key figure for p: the criteria inputs, then the
// plan's indicators.
func keyFigures(p *plan.Plan) []keyFigure {
	out := append([]keyFigure(nil), criteriaFigures...)
	for _, ind := range p.Indicators {
		k := keyFigure{ID: ind.ID, Label: ind.Name, Kind: kindOther}
		switch ind.Unit {
		case "percent":
			k.Kind = kindPercent
		case "persons", "count":
			k.Kind = kindCount
		}
		out = append(out, k)
	}
	return out
}

// KeyFigureRequest is the child data request to the monitoring unit.
func KeyFigureRequest(p *plan.Plan, prep Prepared) datarequest.Input {
	areas := append([]string{AllAreas}, prep.Areas...)
	var ids []string
	var list strings.Builder
	for _, k := range keyFigures(p) {
		ids = append(ids, k.ID)
		fmt.Fprintf(&list, "- %s: %s\n", k.ID, k.Label)
	}
	years := fmt.Sprintf("%d og %d", prep.Years[0], prep.Years[1])
	return datarequest.Input{
		RequestID: prep.RequestID,
		Partner:   p.Governance.MonitoringUnit,
		Title:     "Boligsociale nøgletal " + years + " for helhedsplanens boligområder",
		Instructions: "Upload en CSV-fil (semikolon-separeret) med én række pr. boligområde, år og nøgletal og kolonnerne " +
			"omraade, aar, noegletal og vaerdi. Områder: " + strings.Join(areas, ", ") + " (\"alle\" er områderne samlet). " +
			"År: " + years + ". Tal skrives med decimalkomma; et diskretioneret tal skrives som \"..\". Nøgletal:\n" + list.String(),
		Period: prep.PlanYear,
		Areas:  prep.Areas,
		Due:    prep.Due,
		Table: &datarequest.Table{Columns: []datarequest.Column{
			{Key: ColArea, Label: "Boligområde", Type: datarequest.Choice, Required: true, Choices: areas},
			{Key: ColYear, Label: "År", Type: datarequest.Integer, Required: true},
			{Key: ColFigure, Label: "Nøgletal", Type: datarequest.Choice, Required: true, Choices: ids},
			// Text, not a number type: ".." (discretioned) must pass, and
			// the pull itself records values it cannot use.
			{Key: ColValue, Label: "Værdi (tal, eller .. hvis diskretioneret)", Type: datarequest.Text, Required: true},
		}},
		Origin: Kind + "/" + prep.PlanYear,
	}
}
