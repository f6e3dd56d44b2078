package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func fravaer() board {
	flags := `max by (area, level) (helhed_absence_flags{area=~"$area"})`
	return board{
		file:  "fravaer.json",
		uid:   "helhed-fravaer",
		title: "Helhedsplan – fravær",
		description: "Fremmøde i skolen: fravær i procent pr. boligområde og kvartal mod baseline og kommuneniveau, " +
			"og flag for ulovligt fravær (≥ 10 % forældre advares, ≥ 15 % kommunen underrettes)." + suppressed,
		vars: []cog.Builder[dashboard.VariableModel]{areaVar("helhed_area_info"), yearVar()},
		sections: []section{{panels: panels(
			tablePanel(16, 9, "Fravær pr. område og kvartal",
				"Hvor stort er skolefraværet i hvert område? Fravær i procent (rækker: områder, kolonner: kvartaler).",
				query(`max by (area, quarter) (helhed_absence_percent{area=~"$area"})`)).
				Unit(unitPercent).Decimals(1).
				WithTransformation(matrix("area", "quarter")),
			barsPanel(8, 9, "Baseline og kommuneniveau",
				"Hvad måles fraværet mod? Planens baseline pr. område og kommunens niveau, i procent.",
				legend(`max by (area) (helhed_absence_baseline_percent{area=~"$area"})`, "{{area}}"),
				legend(`max(helhed_absence_kommune_percent)`, "kommunen")).
				Unit(unitPercent).Decimals(1),
			graphPanel(12, 9, "Afvigelse fra baseline",
				"Er fraværet faldet siden baseline? Kvartalets fravær minus områdets baseline i procentpoint; "+
					"under 0 er bedre end baseline.",
				legend(`max by (area, quarter) (helhed_absence_percent{area=~"$area"}) - on (area) group_left max by (area) (helhed_absence_baseline_percent{area=~"$area"})`, "{{area}} {{quarter}}")).
				Unit(unitPercent).ShowPoints(common.VisibilityModeAuto),
			tablePanel(12, 9, "Flag for ulovligt fravær",
				"Hvor mange elever har så meget ulovligt fravær, at der skal handles? Elever med ulovligt fravær "+
					"≥ 10 % (forældre advares) og ≥ 15 % (kommunen underrettes) pr. område; en skjult celle har en "+
					"helhed_absence_flags_suppressed-markør."+suppressed,
				query(`((`+flags+`) >= scalar(max(helhed_plan_discretion_threshold))) or ((`+flags+`) == 0) or ((max by (area, level) (helhed_absence_flags_suppressed{area=~"$area"})) * 0 - 1)`)).
				Unit(unitCount).Mappings(hidden).
				WithTransformation(matrix("area", "level")),
			barsPanel(12, 8, "Nye individuelle fraværsforløb",
				"Når fraværsteamet sine ca. 50 nye forløb om året? Nye individuelle forløb pr. planår "+
					"(milepælsplanen). Et planårs tal udelades resten af året, når et kvartals antal er skjult."+suppressed,
				legend(shown(`max by (year) (helhed_absence_new_courses{year=~"$year"})`), "{{year}}")).
				Unit(unitCount).Mappings(hidden),
			tablePanel(12, 8, "Diskretionerede flag",
				"Hvilke flag-celler er skjult? Område og niveau, som fraværsmetrikkerne har udeladt, fordi antallet "+
					"er over 0 og under diskretionsgrænsen eller ville afsløre et sådant antal (1 = skjult).",
				query(`max by (area, level) (max without (instance) (helhed_absence_flags_suppressed))`)).
				Unit(unitCount).
				WithTransformation(matrix("area", "level")),
		)}},
	}
}
