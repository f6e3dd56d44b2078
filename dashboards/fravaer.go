package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// unitPoints is a difference of two percentages.
const unitPoints = "suffix: procentpoint"

func fravaer() board {
	flags := `max by (area, level) (helhed_absence_flags{area=~"$area"})`
	flagsHidden := `max by (area, level) (helhed_absence_flags_suppressed{area=~"$area"})`
	percent := `max by (area, quarter) (helhed_absence_percent{area=~"$area"})`
	courses := `max by (year) (helhed_absence_new_courses{year=~"$year"})`
	coursesHidden := `max by (year) (helhed_absence_new_courses_suppressed{year=~"$year"})`
	coursesTarget := `max by (year) (helhed_milestone_target{metric="nye-elevforloeb", area="alle", year=~"$year"})`
	return board{
		file:  "fravaer.json",
		uid:   "helhed-fravaer",
		title: "Helhedsplan – fravær",
		description: "Fremmøde i skolen: fravær i procent pr. boligområde og kvartal mod baseline og kommuneniveau " +
			"(lavere er bedre), flag for ulovligt fravær (≥ 10 % forældre advares, ≥ 15 % kommunen underrettes) og " +
			"fraværsteamets nye forløb mod de ca. 50 om året." + suppressed,
		vars: []cog.Builder[dashboard.VariableModel]{areaVar(), yearVar()},
		sections: []section{{panels: panels(
			tablePanel(16, 9, "Fravær pr. område og kvartal",
				"Hvor stort er skolefraværet i hvert område? Fravær i procent af skoledagene (rækker: områder, "+
					"kolonner: kvartaler), som kvartalsnotatet skriver det.",
				query(withAreaName(percent))).
				Unit(unitPercent).Decimals(1).
				WithTransformation(columns(nil, nil, "area")).
				WithTransformation(matrix("area_name", "quarter")),
			barsPanel(8, 9, "Baseline og kommuneniveau",
				"Hvad måles fraværet mod? Planens baseline pr. område og kommunens niveau, i procent.",
				legend(withAreaName(`max by (area) (helhed_absence_baseline_percent{area=~"$area"})`), "{{area_name}}"),
				legend(`max(helhed_absence_kommune_percent)`, "Kommunen")).
				Unit(unitPercent).Decimals(1),
			tablePanel(12, 9, "Afvigelse fra baseline",
				"Er fraværet faldet siden baseline? Kvartalets fravær minus områdets baseline i procentpoint "+
					"(rækker: områder, kolonner: kvartaler); lavere er bedre, så grøn under 0 og rød over.",
				query(withAreaName(percent+` - on (area) group_left max by (area) (helhed_absence_baseline_percent{area=~"$area"})`))).
				Unit(unitPoints).Decimals(1).
				// Colour the quarter columns (their names hold the year), not the area names.
				Thresholds(lowerIsBetter()).
				OverrideByRegexp(`.*\d.*`, props(colored())).
				WithTransformation(columns(nil, nil, "area")).
				WithTransformation(matrix("area_name", "quarter")),
			tablePanel(12, 9, "Flag for ulovligt fravær",
				"Hvor mange elever har så meget ulovligt fravær, at der skal handles? Elever med ulovligt fravær "+
					"≥ 10 % (forældre advares) og ≥ 15 % (kommunen underrettes) pr. område i seneste kvartal; en "+
					"skjult celle har en helhed_absence_flags_suppressed-markør."+suppressed,
				query(withAreaName(`(`+flags+`) or (`+flagsHidden+` * 0 - 1)`))).
				Unit(unitCount).Mappings(hidden).
				WithTransformation(columns(nil, nil, "area")).
				WithTransformation(matrix("area_name", "level")),
			barsPanel(12, 8, "Nye individuelle fraværsforløb mod målet",
				"Når fraværsteamet sine ca. 50 nye forløb om året? Nye individuelle forløb i planåret til dato "+
					"mod milepælsplanens mål. Et planårs tal udelades resten af året, når et kvartals antal er "+
					"skjult (helhed_absence_new_courses_suppressed)."+suppressed,
				legend(`(`+courses+`) or (`+coursesHidden+` * 0 - 1)`, "forløb {{year}}"),
				legend(coursesTarget, "mål {{year}}")).
				Unit(unitCount).Mappings(hidden),
			tablePanel(12, 8, "Diskretionerede flag",
				"Hvilke flag-celler er skjult? Område og niveau, som fraværsmetrikkerne har udeladt, fordi antallet "+
					"er over 0 og under diskretionsgrænsen eller ville afsløre et sådant antal (1 = skjult).",
				query(withAreaName(`max by (area, level) (max without (instance) (helhed_absence_flags_suppressed{area=~"$area"}))`))).
				Unit(unitCount).
				WithTransformation(columns(nil, nil, "area")).
				WithTransformation(matrix("area_name", "level")),
		)}},
	}
}
