package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// milestone selects a milestone family per activity, area, year and metric.
func milestone(family string) string {
	return `max by (activity, area, year, metric) (` + family + `{area=~"$area", year=~"$year"})`
}

func overblik() board {
	sel := `{area=~"$area", year=~"$year"}`
	actual := milestone("helhed_milestone_actual")
	return board{
		file:  "overblik.json",
		uid:   "helhed-overblik",
		title: "Helhedsplan – overblik",
		description: "Sekretariatets morgenoverblik: milepæle mod årets mål, kommende møder, åbne og forfaldne " +
			"partneropgaver og økonomien. Workerens og Temporals sundhed står i »Helhedsplan – drift«.",
		vars: []cog.Builder[dashboard.VariableModel]{areaVar(), yearVar()},
		sections: []section{{panels: panels(
			statPanel(5, 6, "Åbne partneropgaver",
				"Hvor mange dataanmodninger venter på partnerne? Ikke besvarede anmodninger, forfaldne medregnet.",
				query(`sum(max without (instance) (helhed_data_requests_open))`)).
				Unit(unitTasks).Thresholds(thresholds("blue")),
			statPanel(5, 6, "Forfaldne partneropgaver",
				"Har en partner overskredet en frist? Åbne dataanmodninger, hvis frist er overskredet.",
				query(`sum(max without (instance) (helhed_data_requests_overdue))`)).
				Unit(unitTasks).Thresholds(anyIsBad()),
			statPanel(5, 6, "Eskalerede opgaver",
				"Skal sekretariatet selv følge op? Åbne dataanmodninger, der er eskaleret til sekretariatet "+
					"(forfaldne ud over påmindelserne).",
				query(`sum(max without (instance) (helhed_data_requests_escalated))`)).
				Unit(unitTasks).Thresholds(anyIsBad()),
			statPanel(5, 6, "Milepæle bagud",
				"Hvor mange af planårets mål er bagud? Mål i det valgte planår med status bagud eller over "+
					"målet (helhed_milestone_status, se tabellen nedenfor).",
				query(`count(max by (activity, area, metric) (helhed_milestone_status{area=~"$area", year=~"$year", status=~"bagud|over"} == 1)) or vector(0)`)).
				Unit(unitCount).Thresholds(anyIsBad()),
			statPanel(4, 6, "Tal opdateret for",
				"Er sider og tal friske? Tid siden den seneste fejlfri afstemning af læsemodellen med "+
					"Temporal (kører hvert 15. minut); gul efter 30, rød efter 45 minutter.",
				query(`time() - max(helhed_readmodel_reconcile_last_success_timestamp_seconds)`)).
				Unit(unitSeconds).Decimals(0).Thresholds(thresholds("green", step{1800, "yellow"}, step{2700, "red"})),
			tablePanel(24, 4, "Planen",
				"Hvilken plan kører workeren efter? Planens id, navn og periode (helhed_plan_info).",
				query(`max without (instance, job) (helhed_plan_info)`)).
				Unit(unitText).
				WithTransformation(columns(map[string]string{
					"plan": "Plan", "name": "Navn", "period_start": "Start", "period_end": "Slut",
				}, nil, "Value", "__name__")),
		)}, {row: "Milepæle", panels: panels(
			tablePanel(24, 14, "Milepæle: status i planåret",
				"Når aktiviteterne årets mål? Pr. aktivitet, boligområde og mål i det valgte planår: planens mål "+
					"(med grænse og periode), det, målet kræver til dato, det realiserede (helhed_milestone_actual, "+
					"summen af de ansvarliges seneste indberetninger) og status, afgjort i workeren "+
					"(helhed_milestone_status): et årligt antal holdes op mod den del af året, der er gået "+
					"(på vej fra 90 % af det), et niveau (pr. måned, ad gangen, procent) mod sine grænser; "+
					"»ikke indberettet« er ikke 0."+suppressed,
				query(withAreaName(withActivityName(`max by (activity, area, year, metric, target, status) (helhed_milestone_status`+sel+` == 1)`))),
				query(`max by (activity, area, year, metric) (helhed_milestone_expected_to_date`+sel+`)`),
				query(`(`+actual+`) or (`+milestone("helhed_milestone_actual_suppressed")+` * 0 - 1)`)).
				Unit(unitCount).Decimals(1).
				OverrideByName("Status", props(colored(), mappings(milestoneStatuses))).
				OverrideByName("Realiseret", props(unit(unitCount), mappings(hidden))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"activity_name": "Aktivitet", "area_name": "Boligområde", "metric": "Mål for", "target": "Mål",
					"status": "Status", "Value #B": "Kræves til dato", "Value #C": "Realiseret",
				}, []string{"activity_name", "area_name", "metric", "target", "Value #B", "Value #C", "status"},
					"activity", "area", "year", "Value #A")).
				WithTransformation(sortBy("Aktivitet", false)),
			tablePanel(24, 10, "Milepælsplan – årlige mål",
				"Hvad har planen lovet i planåret? Milepælsplanens mål pr. aktivitet og boligområde i det valgte "+
					"planår (helhed_milestone_target; Alle områder = aktivitetens områder samlet), med enhed og periode.",
				query(withAreaName(withActivityName(`max by (activity, area, year, metric, unit, per) (helhed_milestone_target`+sel+`)`)))).
				Unit(unitCount).
				Mappings(valueTexts(text{"year", "pr. år", ""}, text{"month", "pr. måned", ""}, text{"at-a-time", "ad gangen", ""})).
				WithTransformation(columns(map[string]string{
					"activity_name": "Aktivitet", "area_name": "Boligområde", "year": "Planår", "metric": "Mål for",
					"unit": "Enhed", "per": "Pr.", "Value": "Mål",
				}, []string{"activity_name", "area_name", "year", "metric", "Value", "unit", "per"}, "activity", "area")).
				WithTransformation(sortBy("Aktivitet", false)),
		)}, {row: "Møder og frister", panels: panels(
			tablePanel(16, 9, "Før næste styregruppemøde",
				"Hvad skal være klar før næste styregruppemøde? Planens kalender fra nu til og med næste "+
					"styregruppemøde (flyttede møder medregnet), som kalender-feedet og driftssiden Kalender har den: "+
					"frister for mødets data, dataanmodningers frister, fraværsrunder, statistikudtræk, årsrapport og "+
					"møder (helhed_calendar_milestone_timestamp_seconds med before_next_steering_group=\"ja\"). "+
					"Teammøder og udsættelsessagers frister står kun på driftssiden.",
				query(`min by (uid, kind, summary) (helhed_calendar_milestone_timestamp_seconds{before_next_steering_group="ja", kind!~"teammoede|udsaettelse"}) * 1000`)).
				OverrideByName("Dato", props(unit(unitDate))).
				OverrideByName("Hvad", props(unit(unitText), mappings(calendarKinds))).
				OverrideByName("Beskrivelse", props(unit(unitText))).
				WithTransformation(columns(map[string]string{"Value": "Dato", "kind": "Hvad", "summary": "Beskrivelse"},
					[]string{"Value", "kind", "summary"}, "uid")).
				WithTransformation(sortBy("Dato", false)),
			tablePanel(8, 9, "Næste møde pr. organ",
				"Hvornår mødes bestyrelse og styregruppe næste gang? Som mødeforløbet har det (flyttede møder medregnet).",
				query(`max by (body) (max without (instance) (helhed_meeting_next_timestamp_seconds)) * 1000`)).
				Mappings(bodies).
				OverrideByName("Næste møde", props(unit(unitDate))).
				WithTransformation(columns(map[string]string{"body": "Organ", "Value": "Næste møde"}, nil)).
				WithTransformation(sortBy("Næste møde", false)),
			tablePanel(8, 9, "Fremdriftsrapporter: indkomne data",
				"Har styregruppens medlemmer leveret data til fremdriftsrapporten? Andel af de anmodede data, "+
					"der er kommet ind pr. møde; rød under 50 %, gul under 90 %.",
				query(`max by (year, meeting) (helhed_progress_report_completeness_ratio{year=~"$year"})`)).
				OverrideByName("Indkommet", props(colored(),
					colorBy(thresholds("red", step{0.5, "yellow"}, step{0.9, "green"})), unit(unitRatio))).
				WithTransformation(columns(map[string]string{"year": "Planår", "meeting": "Møde", "Value": "Indkommet"}, nil)).
				WithTransformation(sortBy("Møde", false)),
			tablePanel(8, 9, "Kommende møder (planens kalender)",
				"Hvilke møder står i planens kalender? De næste møder i bestyrelse, styregruppe og årskonference "+
					"(flyttede møder: se »Næste møde pr. organ«).",
				query(`bottomk(8, min by (body, kind, date) (helhed_plan_meeting_start_timestamp_seconds) > time()) * 1000`)).
				Mappings(bodies).
				OverrideByName("Starter", props(unit(unitDate))).
				WithTransformation(columns(map[string]string{
					"body": "Organ", "kind": "Møde", "date": "Dato", "Value": "Starter",
				}, nil)).
				WithTransformation(sortBy("Starter", false)),
			tablePanel(8, 9, "Næste kørsler og frister",
				"Hvornår kører planens cyklusser næste gang? Hver Temporal-schedule fra læsemodellens seneste "+
					"øjebliksbillede.",
				query(`(max by (schedule, kind) (max without (instance) (helhed_schedule_next_action_timestamp_seconds)) > 0) * 1000`)).
				OverrideByName("Næste kørsel", props(unit(unitDate))).
				WithTransformation(columns(map[string]string{
					"schedule": "Cyklus", "kind": "Type", "Value": "Næste kørsel",
				}, nil)).
				WithTransformation(sortBy("Næste kørsel", false)),
		)}, {row: "Økonomi: budget og Landsbyggefondens tilsagn", panels: panels(
			statPanel(6, 8, "Forbrug i alt",
				"Hvor meget er brugt af årets budget? Forbruget i planåret indtil nu (helhed_budget_actual_kroner), "+
					"som sekretariatet senest har indberettet i en mødeforløbsrunde, mod planens budget "+
					"(helhed_budget_planned_kroner) og Landsbyggefondens tilsagn (helhed_budget_tilsagn_kroner). "+
					"Beløb i kr.; økonomi er ikke personoplysninger og diskretioneres ikke.",
				legend(`sum(helhed_budget_actual_kroner{year=~"$year"})`, "Forbrug"),
				legend(`sum(helhed_budget_planned_kroner{year=~"$year"})`, "Budget"),
				legend(`sum(helhed_budget_tilsagn_kroner{year=~"$year"})`, "Heraf tilsagn")).
				Unit(unitKroner).
				ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdFixed).FixedColor("blue")).
				ColorMode(valueColor).TextMode(valueAndName).JustifyMode(justifyAuto),
			tablePanel(18, 8, "Økonomi pr. aktivitet: budget, tilsagn og forbrug",
				"Holder hver aktivitet sit budget? Pr. aktivitet og planår: planens budget og den del, "+
					"Landsbyggefondens tilsagn dækker, mod forbruget til dato, som sekretariatet indberetter i hver "+
					"mødeforløbsrunde (en CSV-tabel med forbrug pr. aktivitet). Forbrugt i procent af budgettet: "+
					"grøn under 90 %, gul fra 90 %, rød fra 100 %. Tom forbrugscelle: ikke indberettet endnu.",
				query(`max by (activity, year) (helhed_budget_planned_kroner{year=~"$year"}) * on (activity) group_left (name) max by (activity, name) (helhed_activity_info)`),
				query(`max by (activity, year) (helhed_budget_tilsagn_kroner{year=~"$year"})`),
				query(`max by (activity, year) (helhed_budget_actual_kroner{year=~"$year"})`),
				query(`100 * max by (activity, year) (helhed_budget_actual_kroner{year=~"$year"}) / max by (activity, year) (helhed_budget_planned_kroner{year=~"$year"})`)).
				Unit(unitKroner).
				OverrideByName("Forbrugt af budget", props(unit(unitPercent), colored(),
					colorBy(thresholds("green", step{90, "yellow"}, step{100, "red"})))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"activity": "Aktivitet (id)", "name": "Aktivitet", "year": "Planår", "Value #A": "Budget",
					"Value #B": "Heraf tilsagn (LBF)", "Value #C": "Forbrug til dato", "Value #D": "Forbrugt af budget",
				}, []string{"activity", "name", "year", "Value #A", "Value #B", "Value #C", "Value #D"})).
				WithTransformation(sortBy("Aktivitet", false)),
		)}},
	}
}
