package dashboards

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// evictionStages are the case stages in funnel order with their Danish
// names; the number keeps the order where Grafana sorts by name.
var evictionStages = []struct{ id, name string }{
	{"new", "0. Ny sag"}, {"arrears", "1. Restance"}, {"outreach", "2. Opsøgende kontakt"},
	{"counselling", "3. Økonomisk rådgivning"}, {"payment_plan", "4. Afdragsordning"},
	{"resolved", "5. Afsluttet"}, {"escalated", "6. Sendt til fogedretten"},
}

// openStages are the stages of a case still being worked on.
const openStages = "arrears|outreach|counselling|payment_plan"

// withStageName adds label to q's series with the Danish, numbered name
// of the stage in label from.
func withStageName(q, from, label string) string {
	for _, s := range evictionStages {
		q = fmt.Sprintf(`label_replace(%s, %q, %q, %q, %q)`, q, label, s.name, from, "^"+s.id+"$")
	}
	return q
}

func udsaettelser() board {
	// cases sums the case counts by `by` over the selected areas. With all
	// areas selected it reads the stage totals (area "alle"): a sum of the
	// areas' cells would fall short by every cell suppression left out.
	// $area is then .*, which matches "alle" and also the missing area
	// label of helhed_eviction_read_model_up, so that series is there
	// exactly when all areas are; otherwise the selected areas' cells.
	cases := func(by, stages string) string {
		sum := func(area string) string {
			return `sum by (` + by + `) (max without (instance) (helhed_eviction_cases{area=~"$area", ` + area + `, stage=~"` + stages + `"}))`
		}
		allAreas := `group(helhed_eviction_read_model_up{area=~"$area"})`
		return sum(`area="alle"`) + ` or (` + sum(`area!="alle"`) + ` unless on () ` + allAreas + `)`
	}
	allStages := make([]string, 0, len(evictionStages))
	for _, s := range evictionStages[1:] {
		allStages = append(allStages, s.id)
	}
	evictions := `max by (area, year, kind) (helhed_evictions{area=~"$area", year=~"$year"})`
	target := `max(helhed_milestone_target{metric="udsaettelsestruede-beboere", area="alle", year=~"$year"})`
	kinds := valueTexts(text{"total", "Begæringer i fogedretten", ""}, text{"effective", "Effektive udsættelser", ""})
	return board{
		file:  "udsaettelser.json",
		uid:   "helhed-udsaettelser",
		title: "Helhedsplan – udsættelser",
		description: "Forebyggelse af udsættelser: sagerne gennem trinnene pr. boligområde, sager i arbejde mod planens " +
			"ca. 45 om måneden, udsættelser mod baseline, rådgivningsforløb mod mål og tid fra rykkerliste til første " +
			"kontakt." + suppressed,
		vars: []cog.Builder[dashboard.VariableModel]{areaVar(), yearVar()},
		sections: []section{{panels: panels(
			barsPanel(8, 10, "Sager pr. trin",
				"Hvor mange sager er på hvert trin? Sager pr. trin i tragtens rækkefølge (restance → opsøgende "+
					"kontakt → rådgivning → afdragsordning, og afsluttede og sendt til fogedretten), valgte områder; med "+
					"alle områder valgt trinnets samlede antal."+suppressed,
				query(withStageName(cases("stage", strings.Join(allStages, "|")), "stage", "stage_name")).Format(prometheus.PromQueryFormatTable)).
				Unit(unitCases).
				ReduceOptions(common.NewReduceDataOptionsBuilder().Values(true).Calcs([]string{"lastNotNull"}).Fields("/^Value$/")).
				WithTransformation(columns(map[string]string{"stage_name": "Trin", "Value": "Sager"},
					[]string{"stage_name", "Value"}, "stage")).
				WithTransformation(sortBy("Trin", false)),
			statPanel(8, 10, "Sager i arbejde mod planens mål",
				"Arbejder vi med de ca. 45 udsættelsestruede beboere om måneden, som planen sigter mod? Åbne sager "+
					"(restance, opsøgende kontakt, rådgivning og afdragsordning; ikke afsluttede eller sendt til "+
					"fogedretten) mod milepælsplanens mål for planåret; andelen rød under 50 %, gul under 90 % af målet."+suppressed,
				legend(`sum(`+cases("area", openStages)+`)`, "Sager i arbejde"),
				legend(target, "Planens mål pr. måned"),
				legend(ratio(`sum(`+cases("area", openStages)+`)`, target), "Af målet")).
				Unit(unitCases).TextMode(valueAndName).ColorMode(valueColor).JustifyMode(justifyAuto).
				Thresholds(thresholds("text")).
				OverrideByQuery("C", props(unit(unitPercent), colorBy(shareOfTarget()))),
			tablePanel(8, 10, "Sager pr. trin og område",
				"Hvor ligger sagerne? Sager pr. trin (kolonner, i tragtens rækkefølge) og boligområde (rækker), med "+
					"alle områder valgt også i alt pr. trin (Alle områder); en tom celle er diskretioneret eller ville "+
					"afsløre et diskretioneret antal."+suppressed,
				query(withAreaName(withStageName(`sum by (stage, area) (max without (instance) (helhed_eviction_cases{area=~"$area", stage=~"`+
					strings.Join(allStages, "|")+`"}))`, "stage", "stage_name")))).
				Unit(unitCases).
				WithTransformation(matrix("area_name", "stage_name")),
			tablePanel(12, 10, "Udsættelser mod baseline",
				"Færre udsættelser pr. år end før planen? Begæringer i fogedretten og effektive udsættelser pr. "+
					"område og planår mod planens baseline omregnet til ét år (baselinen dækker 2018 og 2019 "+
					"samlet, så den deles med 2). Baselinen er planens eget tal og diskretioneres ikke."+suppressed,
				query(withAreaName(evictions)),
				query(withAreaName(`max by (area, kind) (helhed_evictions_baseline{area=~"$area"}) / 2`))).
				Unit(unitCount).Decimals(1).
				OverrideByName("Art", props(mappings(kinds))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"area_name": "Område", "year": "Planår", "kind": "Art", "Value #A": "Udsættelser i planåret",
					"Value #B": "Baseline pr. år",
				}, []string{"area_name", "kind", "year", "Value #A", "Value #B"}, "area")),
			graphPanel(12, 10, "Sagsovergange",
				"Bevæger sagerne sig? Overgange mellem trin (fra → til) pr. søjle (Grafanas interval). Overgange, "+
					"der ville afsløre et lille antal sager, udelades af metrikken."+suppressed,
				legend(withStageName(withStageName(`sum by (from, to) (max without (instance) (increase(helhed_eviction_transitions_total[$__interval])))`,
					"from", "from_name"), "to", "to_name"), "{{from_name}} → {{to_name}}")).
				Unit(unitCases).DrawStyle(common.GraphDrawStyleBars).FillOpacity(60),
			barsPanel(12, 8, "Rådgivningsforløb mod mål",
				"Når vi årets mål for økonomisk rådgivning? Rådgivningsforløb i planåret mod milepælsplanens mål."+suppressed,
				legend(`max by (year) (helhed_eviction_counselling_courses{year=~"$year"})`, "forløb {{year}}"),
				legend(`max by (year) (helhed_eviction_counselling_courses_target{year=~"$year"})`, "mål {{year}}")).
				Unit(unitCount),
			statPanel(6, 8, "Tid fra rykkerliste til første kontakt (median)",
				"Hvor hurtigt får en lejer i restance kontakt? Median tid fra lejeren kommer på rykkerlisten til "+
					"første kontakt; gul efter en uge, rød efter to. Histogrammets intervaller med få sager udelades."+suppressed,
				query(`histogram_quantile(0.5, sum by (le) (max without (instance) (helhed_eviction_first_contact_seconds_bucket)))`)).
				Unit(unitSeconds).Decimals(0).Thresholds(thresholds("green", step{604800, "yellow"}, step{1209600, "red"})).
				NoValue("ingen kontakter endnu"),
			statPanel(6, 8, "Diskretionerede celler",
				"Hvor meget skjuler diskretioneringen? Serier, som udsættelsesmetrikkerne har udeladt, fordi antallet "+
					"er over 0 og under diskretionsgrænsen eller ville afsløre et sådant antal "+
					"(helhed_eviction_suppressed_cells).",
				query(`sum(max without (instance) (helhed_eviction_suppressed_cells))`)).
				Unit(unitCount).Thresholds(thresholds("text")),
		)}},
	}
}
