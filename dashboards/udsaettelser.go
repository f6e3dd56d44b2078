package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func udsaettelser() board {
	cases := func(by string) string {
		return `sum by (` + by + `) (max without (instance) (helhed_eviction_cases{area=~"$area"}))`
	}
	evictions := `max by (area, year, kind) (helhed_evictions{area=~"$area", year=~"$year"})`
	return board{
		file:  "udsaettelser.json",
		uid:   "helhed-udsaettelser",
		title: "Helhedsplan – udsættelser",
		description: "Forebyggelse af udsættelser: sagerne gennem trinnene pr. boligområde, udsættelser mod baseline, " +
			"rådgivningsforløb mod mål og tid fra rykkerliste til første kontakt." + suppressed,
		vars: []cog.Builder[dashboard.VariableModel]{areaVar("helhed_area_info"), yearVar()},
		sections: []section{{panels: panels(
			barsPanel(8, 10, "Sager pr. trin",
				"Hvor mange sager er på hvert trin? Åbne sager pr. trin (tragt), alle valgte områder."+suppressed,
				legend(shown(cases("stage")), "{{stage}}")).
				Unit(unitCases).Mappings(hidden),
			tablePanel(16, 10, "Sager pr. trin og område",
				"Hvor ligger sagerne? Åbne sager pr. trin (kolonner) og boligområde (rækker)."+suppressed,
				query(shown(cases("stage, area")))).
				Unit(unitCases).Mappings(hidden).
				WithTransformation(matrix("area", "stage")),
			tablePanel(12, 10, "Udsættelser mod baseline",
				"Færre udsættelser end før planen? Udsættelser (art: alle eller effektive) pr. område og planår mod "+
					"planens baseline (2018-19)."+suppressed,
				query(shown(evictions)),
				query(shown(evictions+` * 0 + on (area, kind) group_left max by (area, kind) (helhed_evictions_baseline{area=~"$area"})`))).
				Unit(unitCount).Mappings(hidden).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"area": "Område", "year": "Planår", "kind": "Art", "Value #A": "Udsættelser", "Value #B": "Baseline",
				}, nil)),
			graphPanel(12, 10, "Sagsovergange",
				"Bevæger sagerne sig? Overgange mellem trin (fra → til) i det valgte tidsrum. Overgange, der ville "+
					"afsløre et lille antal sager, udelades af metrikken."+suppressed,
				legend(`sum by (from, to) (max without (instance) (increase(helhed_eviction_transitions_total[$__range])))`, "{{from}} → {{to}}")).
				Unit(unitCases).DrawStyle(common.GraphDrawStyleBars).FillOpacity(60),
			barsPanel(12, 8, "Rådgivningsforløb mod mål",
				"Når vi årets mål for økonomisk rådgivning? Rådgivningsforløb i planåret mod milepælsplanens mål."+suppressed,
				legend(shown(`max by (year) (helhed_eviction_counselling_courses{year=~"$year"})`), "forløb {{year}}"),
				legend(`max by (year) (helhed_eviction_counselling_courses_target{year=~"$year"})`, "mål {{year}}")).
				Unit(unitCount).Mappings(hidden),
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
