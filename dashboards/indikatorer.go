package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// betterSign is 1 for an indicator where higher is better and -1 where
// lower is, by indicator: a change times it is positive when it is better.
const betterSign = `(max by (indicator) (helhed_indicator_info{better="higher"}) or -max by (indicator) (helhed_indicator_info{better="lower"}))`

// indicatorsByArea adds the indicator's name, unit and direction
// (helhed_indicator_info) and the area's name to q's series.
func indicatorsByArea(q string) string {
	return withAreaName(`(` + q + `) * on (indicator) group_left (name, unit, better) max by (indicator, name, unit, better) (helhed_indicator_info)`)
}

func indikatorer() board {
	return board{
		file:  "indikatorer.json",
		uid:   "helhed-indikatorer",
		title: "Helhedsplan – indikatorer",
		description: "Planens indikatorer pr. boligområde: seneste trukne værdi mod baseline, mål og kommuneniveau, " +
			"og almenboliglovens § 61 a-kriterier med deres grænser (tidlig varsling før listen 1. december).",
		vars: []cog.Builder[dashboard.VariableModel]{areaVar()},
		sections: []section{{panels: panels(
			statPanel(12, 5, "Seneste statistiktræk",
				"Er indikatorerne fra i år? Tid siden det seneste gennemførte statistiktræk (Danmarks Statistik "+
					"og bestilte områdetal); gul efter et år, rød efter 400 dage.",
				query(`time() - max(helhed_statistics_last_success_timestamp_seconds)`)).
				Unit(unitSeconds).Decimals(0).Thresholds(thresholds("green", step{31536000, "yellow"}, step{34560000, "red"})).
				NoValue("intet træk endnu"),
			statPanel(12, 5, "Områder med mindst to § 61 a-kriterier",
				"Hvor mange områder opfylder mindst to af almenboliglovens fire § 61 a-kriterier? Antal områder med "+
					"dommen ja (helhed_area_two_criteria), afgjort i workeren ud fra statistiktrækkets kriterier; "+
					"se tabellen nedenfor for ukendte.",
				query(`sum(max by (area) (helhed_area_two_criteria{area=~"$area", verdict="ja"}))`)).
				Unit(unitAreas).Thresholds(anyIsBad()).NoValue("intet træk endnu"),
			tablePanel(24, 12, "Indikatorer: værdi, baseline, mål og kommune",
				"Hvor står hvert område på planens indikatorer? Seneste værdi (værdier, Danmarks Statistik "+
					"diskretionerer (»..«), udelades), planens baseline og mål pr. område, planens "+
					"sammenligningsniveau (kommunen) og udviklingen siden baseline, alt i indikatorens enhed (hver "+
					"række sin enhed). Udviklingen er vendt efter »Bedre er«, så positiv altid er bedre: grøn over "+
					"0, rød under.",
				query(indicatorsByArea(`max by (indicator, area) (helhed_indicator_value{area=~"$area"})`)),
				query(indicatorsByArea(`max by (indicator, area) (helhed_indicator_baseline{area=~"$area"})`)),
				query(indicatorsByArea(`max by (indicator, area) (helhed_indicator_target{area=~"$area"})`)),
				query(indicatorsByArea(`max by (indicator, area) (helhed_indicator_baseline{area=~"$area"}) * 0 + on (indicator) group_left max by (indicator) (helhed_indicator_kommune_baseline)`)),
				query(indicatorsByArea(`(max by (indicator, area) (helhed_indicator_value{area=~"$area"}) - on (indicator, area) max by (indicator, area) (helhed_indicator_baseline{area=~"$area"})) * on (indicator) group_left () `+betterSign))).
				Unit(unitCount).Decimals(1).
				OverrideByName("Udvikling (+ er bedre)", props(colored(), colorBy(higherIsBetter()))).
				OverrideByName("Bedre er", props(mappings(valueTexts(text{"lower", "lavere", ""}, text{"higher", "højere", ""})))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"name": "Indikator", "area_name": "Område", "unit": "Enhed", "better": "Bedre er",
					"Value #A": "Seneste værdi", "Value #B": "Baseline", "Value #C": "Mål", "Value #D": "Kommune",
					"Value #E": "Udvikling (+ er bedre)",
				}, []string{"name", "area_name", "Value #A", "Value #B", "Value #C", "Value #D", "Value #E", "unit", "better"},
					"indicator", "area")).
				WithTransformation(sortBy("Indikator", false)),
		)}, {row: "§ 61 a-kriterier", panels: panels(
			tablePanel(24, 8, "§ 61 a pr. område: kriterier og lister",
				"Kommer et område på listen 1. december? Pr. område: hvor mange af de fire kriterier der er "+
					"opfyldt og ukendt, om området opfylder mindst to (helhed_area_two_criteria), og om det ville "+
					"være udsat boligområde (desuden mindst 1.000 beboere) og parallelsamfund (desuden over 50 % "+
					"ikke-vestlige) på listen, hvis den blev offentliggjort i dag. Alt afgjort i workeren "+
					"(workflows/statistics/law.go); ukendt, når et tal mangler eller er diskretioneret.",
				query(withAreaName(`max by (area) (helhed_area_criteria_met_count{area=~"$area"})`)),
				query(withAreaName(`max by (area) (helhed_area_criteria_unknown_count{area=~"$area"})`)),
				query(withAreaName(`label_replace(max by (area, verdict) (helhed_area_two_criteria{area=~"$area"} == 1), "two", "$1", "verdict", "(.*)")`)),
				query(withAreaName(`label_replace(max by (area, verdict) (helhed_area_designation{area=~"$area", designation="udsat"} == 1), "udsat", "$1", "verdict", "(.*)")`)),
				query(withAreaName(`label_replace(max by (area, verdict) (helhed_area_designation{area=~"$area", designation="parallelsamfund"} == 1), "parallel", "$1", "verdict", "(.*)")`))).
				Unit(unitCriteria).
				OverrideByName("Mindst to kriterier", props(colored(), mappings(verdicts))).
				OverrideByName("Udsat boligområde", props(colored(), mappings(verdicts))).
				OverrideByName("Parallelsamfund", props(colored(), mappings(verdicts))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"area_name": "Område", "Value #A": "Opfyldte kriterier", "Value #B": "Ukendte kriterier",
					"two": "Mindst to kriterier", "udsat": "Udsat boligområde", "parallel": "Parallelsamfund",
				}, []string{"area_name", "Value #A", "Value #B", "two", "udsat", "parallel"},
					"area", "verdict", "Value #C", "Value #D", "Value #E")).
				WithTransformation(sortBy("Område", false)),
			tablePanel(24, 10, "§ 61 a-kriterier pr. område",
				"Hvor tæt er hvert område på lovens grænser? Kriteriets værdi pr. område, grænsen, afstanden til "+
					"grænsen i procentpoint (positiv: luft tilbage, uanset om kriteriet er »over« eller »under«) og "+
					"om kriteriet er opfyldt (ja, nej eller ukendt, afgjort i workeren).",
				query(withAreaName(`max by (criterion, area) (helhed_area_criterion_value{area=~"$area"})`)),
				query(withAreaName(`max by (criterion, area) (helhed_area_criterion_value{area=~"$area"}) * 0 + on (criterion) group_left max by (criterion) (helhed_area_criterion_threshold)`)),
				query(withAreaName(`max by (criterion, area) (helhed_area_criterion_margin{area=~"$area"})`)),
				query(withAreaName(`max by (criterion, area, verdict) (helhed_area_criterion_met{area=~"$area"} == 1)`))).
				Unit(unitPercent).Decimals(1).
				OverrideByName("Afstand til grænsen", props(unit(unitPoints), colored(), colorBy(thresholds("red", step{0, "yellow"}, step{5, "green"})))).
				OverrideByName("Opfyldt", props(colored(), mappings(verdicts))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"criterion": "Kriterium", "area_name": "Område", "verdict": "Opfyldt", "Value #A": "Værdi",
					"Value #B": "Grænse", "Value #C": "Afstand til grænsen",
				}, []string{"area_name", "criterion", "Value #A", "Value #B", "Value #C", "verdict"}, "area", "Value #D")).
				WithTransformation(sortBy("Område", false)),
		)}, {row: "Overvågede områder", panels: panels(
			tablePanel(24, 10, "Overvågede områder og det, der følges",
				"Hvad følges ved siden af planens egne områder? Sjællandsgadekvarteret og statens "+
					"risikoovervågning af Vangdalen og Energivej-området (helhed_monitored_area_info), med de "+
					"indikatorer, planen nævner (helhed_monitored_area_indicator_info), og grænsen, der gælder for "+
					"dem, hvor der er én (helhed_monitored_area_indicator_threshold; fx 750 beboere for "+
					"risikoovervågningen). Tom grænse: sammenlignes med landsgennemsnittet eller har ingen fast grænse.",
				query(`max by (monitored_area, indicator, name, unit) (helhed_monitored_area_indicator_info) * on (monitored_area) group_left (monitored_by) max by (monitored_area, monitored_by) (helhed_monitored_area_info)`),
				query(`max by (monitored_area, indicator) (helhed_monitored_area_indicator_threshold)`)).
				OverrideByName("Grænse", props(unit(unitCount))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"monitored_area": "Område", "monitored_by": "Følges af", "indicator": "Indikator (id)",
					"name": "Indikator", "unit": "Enhed", "Value #B": "Grænse",
				}, []string{"monitored_area", "monitored_by", "indicator", "name", "unit", "Value #B", "Value #A"},
					"Value #A")).
				WithTransformation(sortBy("Område", false)),
		)}},
	}
}
