package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func indikatorer() board {
	return board{
		file:  "indikatorer.json",
		uid:   "helhed-indikatorer",
		title: "Helhedsplan – indikatorer",
		description: "Planens indikatorer pr. boligområde: seneste trukne værdi mod baseline, mål og kommuneniveau, " +
			"og almenboliglovens § 61 a-kriterier med deres grænser (tidlig varsling før listen 1. december).",
		vars: []cog.Builder[dashboard.VariableModel]{areaVar("helhed_indicator_baseline"), yearVar()},
		sections: []section{{panels: panels(
			statPanel(12, 5, "Seneste statistiktræk",
				"Er indikatorerne fra i år? Tid siden det seneste gennemførte statistiktræk (Danmarks Statistik "+
					"og bestilte områdetal); gul efter et år, rød efter 400 dage.",
				query(`time() - max(helhed_statistics_last_success_timestamp_seconds)`)).
				Unit(unitSeconds).Decimals(0).Thresholds(thresholds("green", step{31536000, "yellow"}, step{34560000, "red"})),
			statPanel(12, 5, "Opfyldte § 61 a-kriterier",
				"Hvor mange af almenboliglovens § 61 a-kriterier opfylder områderne? Kriterier × områder ifølge "+
					"seneste statistikudtræk (afgjort i udtrækket, ikke i Grafana).",
				query(`sum(helhed_area_criterion_met{area=~"$area",verdict="ja"})`)).
				Unit(unitCriteria).Thresholds(anyIsBad()),
			tablePanel(24, 12, "Indikatorer: værdi, baseline, mål og kommune",
				"Hvor står hvert område på planens indikatorer? Seneste værdi (værdier, Danmarks Statistik "+
					"diskretionerer (»..«), udelades), planens baseline og mål pr. område, og planens "+
					"sammenligningsniveau (kommunen), i indikatorens enhed; »Bedre er« siger, hvilken retning "+
					"planen ønsker.",
				query(`max by (indicator, area) (helhed_indicator_value{area=~"$area"})`),
				query(`max by (indicator, area) (helhed_indicator_baseline{area=~"$area"})`),
				query(`max by (indicator, area) (helhed_indicator_target{area=~"$area"})`),
				query(`max by (indicator, area) (helhed_indicator_baseline{area=~"$area"}) * 0 + on (indicator) group_left max by (indicator) (helhed_indicator_kommune_baseline)`),
				query(`max by (indicator, name, unit, better) (helhed_indicator_info) * 0 + on (indicator) group_left max by (indicator) (helhed_indicator_baseline)*0`)).
				Unit(unitCount).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"indicator": "Indikator", "area": "Område", "name": "Navn", "unit": "Enhed", "better": "Bedre er",
					"Value #A": "Seneste værdi", "Value #B": "Baseline", "Value #C": "Mål", "Value #D": "Kommune",
				}, []string{"indicator", "name", "area", "Value #A", "Value #B", "Value #C", "Value #D", "unit", "better"},
					"Value #E")).
				WithTransformation(sortBy("Indikator", false)),
			graphPanel(12, 10, "Afvigelse fra baseline",
				"Har områderne flyttet sig siden baseline? Seneste værdi minus baseline pr. indikator og område, "+
					"i indikatorens enhed (procentpoint for andele).",
				legend(`max by (indicator, area) (helhed_indicator_value{area=~"$area"}) - on (indicator, area) max by (indicator, area) (helhed_indicator_baseline{area=~"$area"})`, "{{indicator}} · {{area}}")).
				Unit(unitCount).ShowPoints(common.VisibilityModeAuto),
			graphPanel(12, 10, "Seneste værdi mod kommunen",
				"Ligger områderne over eller under kommunen? Seneste værdi pr. indikator og område sammen med "+
					"planens sammenligningsniveau (kommunen, stiplet), i indikatorens enhed.",
				legend(`max by (indicator, area) (helhed_indicator_value{area=~"$area"})`, "{{indicator}} · {{area}}"),
				legend(`max by (indicator) (helhed_indicator_kommune_baseline) and on (indicator) max by (indicator) (helhed_indicator_value)`, "kommune · {{indicator}}")).
				Unit(unitCount).ShowPoints(common.VisibilityModeAuto).
				OverrideByQuery("B", props(dashboard.DynamicConfigValue{Id: "custom.lineStyle", Value: common.LineStyle{
					Fill: cog.ToPtr(common.LineStyleFillDash), Dash: []float64{10, 10},
				}})),
		)}, {row: "§ 61 a-kriterier", panels: panels(
			tablePanel(24, 8, "På listen 1. december, hvis den blev offentliggjort i dag",
				"Kommer et område på listen 1. december? Almenboligloven § 61 a: udsat boligområde (mindst 1.000 "+
					"beboere og mindst to kriterier) og parallelsamfund (desuden over 50 % indvandrere og "+
					"efterkommere fra ikke-vestlige lande, ifølge planen). Afgjort i statistikudtrækket; ukendt, når "+
					"et tal mangler eller er diskretioneret (årsrapporten siger hvilket).",
				query(`max by (area, designation, verdict) (helhed_area_designation{area=~"$area"} == 1)`)).
				Unit(unitText).
				OverrideByName("Dom", props(colored(), mappings(verdicts))).
				WithTransformation(columns(map[string]string{
					"area": "Område", "designation": "Liste", "verdict": "Dom",
				}, nil, "Value")).
				WithTransformation(sortBy("Område", false)),
			tablePanel(24, 10, "§ 61 a-kriterier pr. område",
				"Hvor tæt er hvert område på lovens grænser? Kriteriets værdi pr. område, afstanden til grænsen "+
					"i procentpoint (positiv: luft tilbage) og om kriteriet er opfyldt (ja, nej eller ukendt, "+
					"afgjort i statistikudtrækket).",
				query(`max by (criterion, area) (helhed_area_criterion_value{area=~"$area"})`),
				query(`max by (criterion, area) (helhed_area_criterion_margin{area=~"$area"})`),
				query(`max by (criterion, area, verdict) (helhed_area_criterion_met{area=~"$area"} == 1)`)).
				Unit(unitCount).
				OverrideByName("Opfyldt", props(colored(), colorBy(thresholds("text")), mappings(verdicts))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"criterion": "Kriterium", "area": "Område", "verdict": "Opfyldt", "Value #A": "Værdi",
					"Value #B": "Afstand til grænsen (procentpoint)",
				}, nil, "Value #C")).
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
