package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// schedule selects a schedule family per schedule and kind.
func schedule(family string) string {
	return `max by (schedule, kind) (max without (instance) (` + family + `))`
}

func drift() board {
	return board{
		file:      "drift.json",
		uid:       "helhed-drift",
		title:     "Helhedsplan – drift",
		operators: true,
		description: "Teknisk drift for operatørerne: Temporal SDK (workflow- og aktivitetsvarighed, fejl, task slots, " +
			"køforsinkelse), planernes schedules, Redis-læsemodellen og workerprocessen.",

		sections: []section{{panels: panels(
			statPanel(6, 5, "Worker",
				"Kører workeren? 1 = workeren svarer på /metrics.",
				legend(`up{job="helhed-worker"}`, "{{instance}}")).
				Unit(unitCount).Mappings(upDown).Thresholds(thresholds("red", step{1, "green"})).TextMode(valueAndName),
			statPanel(6, 5, "Læsemodel (Redis)",
				"Kan workeren læse læsemodellen? 1 = Redis svarede ved seneste scrape.",
				query(`min(helhed_readmodel_up)`)).
				Unit(unitCount).Mappings(upDown).Thresholds(thresholds("red", step{1, "green"})),
			statPanel(6, 5, "Afvigelser ved sidste afstemning",
				"Skriver workflowsne det, Temporal ved? Nøgler i læsemodellen, som den seneste afstemning fandt "+
					"forkerte og rettede (alle typer).",
				query(`sum(max without (instance) (helhed_readmodel_drift))`)).
				Unit(unitKeys).Thresholds(anyIsBad()),
			statPanel(6, 5, "Afstemningens varighed",
				"Kan afstemningen følge med? Hvor lang tid den seneste afstemning tog; gul fra 5, rød fra 15 minutter.",
				query(`max(helhed_readmodel_reconcile_duration_seconds)`)).
				Unit(unitSeconds).Thresholds(thresholds("green", step{300, "yellow"}, step{900, "red"})),
		)}, {row: "Temporal SDK", panels: panels(
			graphPanel(12, 8, "Workflow-varighed (p95) pr. type",
				"Hvor lang tid tager workflowsne? 95 %-fraktilen af tiden fra start til afslutning for "+
					"gennemførte workflows.",
				legend(`histogram_quantile(0.95, sum by (le, workflow_type) (rate(temporal_workflow_endtoend_latency_seconds_bucket[$__rate_interval])))`, "{{workflow_type}}")).
				Unit(unitSeconds),
			graphPanel(12, 8, "Aktivitetsvarighed (p95) pr. type",
				"Er en aktivitet blevet langsom? 95 %-fraktilen af aktiviteternes udførelsestid.",
				legend(`histogram_quantile(0.95, sum by (le, activity_type) (rate(temporal_activity_execution_latency_seconds_bucket[$__rate_interval])))`, "{{activity_type}}")).
				Unit(unitSeconds),
			graphPanel(12, 8, "Fejlede workflows og aktiviteter",
				"Fejler noget? Fejl pr. time: workflows, der fejlede, og aktivitetsforsøg, der fejlede (Temporal "+
					"prøver igen).",
				legend(`sum by (workflow_type) (increase(temporal_workflow_failed_total[1h]))`, "workflow {{workflow_type}}"),
				legend(`sum by (activity_type) (increase(temporal_activity_execution_failed_total[1h]))`, "aktivitet {{activity_type}}")).
				Unit("suffix: fejl/time").NoValue("0").DrawStyle(common.GraphDrawStyleBars).FillOpacity(60),
			graphPanel(12, 8, "Task slots",
				"Har workeren kapacitet? Ledige og brugte task slots pr. worker-type (workflow, activity, local "+
					"activity, nexus). Ingen ledige slots betyder, at opgaver venter.",
				legend(`sum by (worker_type) (temporal_worker_task_slots_available)`, "ledige {{worker_type}}"),
				legend(`sum by (worker_type) (temporal_worker_task_slots_used)`, "brugte {{worker_type}}")).
				Unit("suffix: slots"),
			graphPanel(12, 8, "Køforsinkelse (schedule-to-start, p95)",
				"Er der workers nok? Tid fra en opgave er lagt i køen, til workeren tager den. Stiger den, er der "+
					"for få workers.",
				legend(`histogram_quantile(0.95, sum by (le) (rate(temporal_workflow_task_schedule_to_start_latency_seconds_bucket[$__rate_interval])))`, "workflow-opgaver"),
				legend(`histogram_quantile(0.95, sum by (le) (rate(temporal_activity_schedule_to_start_latency_seconds_bucket[$__rate_interval])))`, "aktiviteter")).
				Unit(unitSeconds),
			graphPanel(12, 8, "Kald til Temporal",
				"Når workeren Temporal? Kald pr. sekund fra klient og worker til Temporal-serveren, og fejlede kald.",
				legend(`sum by (operation) (rate(temporal_request_total[$__rate_interval]))`, "{{operation}}"),
				legend(`sum(rate(temporal_request_failure_total[$__rate_interval]))`, "fejlede")).
				Unit(unitPerSec),
		)}, {row: "Schedules (planens cyklusser)", panels: panels(
			tablePanel(24, 10, "Planens schedules",
				"Kører planens cyklusser, som de skal? Hver schedule: næste og seneste kørsel, forsinkelse ved "+
					"seneste kørsel, om den er sat på pause, sprungne kørsler det seneste døgn, og om seneste kørsel "+
					"fejlede.",
				query(schedule("helhed_schedule_next_action_timestamp_seconds")+` * 1000`),
				query(schedule("helhed_schedule_last_action_timestamp_seconds")+` * 1000`),
				query(schedule("helhed_schedule_last_action_delay_seconds")),
				query(schedule("helhed_schedule_paused")),
				query(`sum by (schedule, kind) (max without (instance) (increase(helhed_schedule_actions_skipped_total[1d])))`),
				query(schedule("helhed_schedule_last_run_failed"))).
				Unit(unitCount).
				OverrideByName("Næste kørsel", props(unit(unitDate))).
				OverrideByName("Seneste kørsel", props(unit(unitDate))).
				OverrideByName("Forsinkelse", props(unit(unitSeconds))).
				OverrideByName("Pause", props(colored(), colorBy(anyIsBad()), mappings(noPaused))).
				OverrideByName("Sprunget over (døgn)", props(colored(), colorBy(anyIsBad()))).
				OverrideByName("Seneste fejlet", props(colored(), colorBy(anyIsBad()), mappings(noFailed))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"schedule": "Schedule", "kind": "Type", "Value #A": "Næste kørsel", "Value #B": "Seneste kørsel",
					"Value #C": "Forsinkelse", "Value #D": "Pause", "Value #E": "Sprunget over (døgn)",
					"Value #F": "Seneste fejlet",
				}, nil)),
			tablePanel(24, 8, "Seneste gennemførte kørsel pr. cyklus",
				"Er cyklusserne kørt, og fejlede den seneste? Hvornår den seneste kørsel af hver workflow-type "+
					"blev gennemført uden fejl, og om den seneste kørsel, en cyklus startede, er fejlet.",
				query(`(max by (kind) (max without (instance) (helhed_workflow_last_completed_timestamp_seconds)) > 0) * 1000`),
				query(`max by (kind) (max without (instance) (helhed_schedule_last_run_failed))`)).
				OverrideByName("Seneste gennemført", props(unit(unitDate))).
				OverrideByName("Seneste kørsel fejlet", props(colored(), colorBy(anyIsBad()), mappings(noFailed))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"kind": "Type", "Value #A": "Seneste gennemført", "Value #B": "Seneste kørsel fejlet",
				}, nil)).
				WithTransformation(sortBy("Type", false)),
		)}, {row: "Læsemodel og proces", panels: panels(
			graphPanel(12, 8, "Læsemodel: afvigelser pr. type",
				"Hvilken type skriver forkert til læsemodellen? Nøgler, som hver afstemning fandt forkerte "+
					"(manglende, overskydende eller ændrede) pr. workflow-type. Vedvarende afvigelser betyder, at de "+
					"løbende skrivninger ikke svarer til Temporal.",
				legend(perKind("helhed_readmodel_drift"), "{{kind}}")).
				Unit(unitKeys),
			graphPanel(12, 8, "Workflow-kørsler pr. type og status",
				"Hænger eller fejler kørsler? Kørsler som Temporal viser dem ved seneste afstemning (lukkede inden "+
					"for navnerummets opbevaringstid).",
				legend(`max by (kind, status) (max without (instance) (helhed_workflow_runs{status=~"running|failed|timed_out|terminated"}))`, "{{kind}} {{status}}")).
				Unit("suffix: kørsler"),
			graphPanel(12, 8, "Hukommelse og goroutines",
				"Lækker workeren? Workerprocessens residente hukommelse (bytes) og antal goroutines.",
				legend(`process_resident_memory_bytes{job="helhed-worker"}`, "hukommelse {{instance}}"),
				legend(`go_goroutines{job="helhed-worker"}`, "goroutines {{instance}}")).
				Unit(unitCount).
				OverrideByQuery("A", props(unit(unitBytes))),
			graphPanel(12, 8, "Scrape-tid",
				"Er /metrics hurtig nok? Hvor lang tid Prometheus bruger på at hente workerens metrics (læses fra "+
					"Redis ved hver scrape).",
				legend(`scrape_duration_seconds{job="helhed-worker"}`, "{{instance}}")).
				Unit(unitSeconds),
		)}},
	}
}

// perKind selects a read-model family per workflow kind.
func perKind(family string) string {
	return `max by (kind) (max without (instance) (` + family + `))`
}
