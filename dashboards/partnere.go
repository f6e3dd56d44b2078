package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// withPartnerName adds the partner's name (helhed_partner_info) to q's
// series by partner.
func withPartnerName(q string) string {
	return q + ` * on (partner) group_left (name) max by (partner, name) (helhed_partner_info)`
}

func partnere() board {
	answered := `sum by (partner) (max without (instance) (helhed_data_requests_answered_total{partner=~"$partner"}))`
	onTime := `sum by (partner) (max without (instance) (helhed_data_requests_answered_total{timeliness="on_time", partner=~"$partner"}))`
	agreed := `max by (resource, activity, year) (helhed_staff_hours_agreed{year=~"$year"})`
	delivered := `sum by (resource, activity, year) (helhed_staff_hours_delivered{year=~"$year"})`
	ofPartner := ` and on (resource) max by (resource) (helhed_staff_hours_partner_info{partner=~"$partner"})`
	return board{
		file:  "partnere.json",
		uid:   "helhed-partnere",
		title: "Helhedsplan – partnere",
		description: "Dataanmodninger pr. partner: åbne, forfaldne, eskalerede, andel besvaret til tiden og svartid, " +
			"og medarbejdertimer aftalt og leveret. Partnere er organisationer, ikke personer; der gælder ingen diskretion.",
		vars: []cog.Builder[dashboard.VariableModel]{
			labelVar("partner", "Partner", "helhed_data_requests_open", dashboard.VariableSortAlphabeticalAsc),
			areaVar("helhed_area_info"), yearVar(),
		},
		sections: []section{{panels: panels(
			statPanel(6, 5, "Andel besvaret til tiden",
				"Svarer partnerne til tiden? Andelen af de besvarede anmodninger, der blev besvaret inden fristen; "+
					"rød under 75 %, gul under 90 %.",
				query(`100 * sum(`+onTime+`) / sum(`+answered+`)`)).
				Unit(unitPercent).Decimals(0).Thresholds(onTimePercent()).NoValue("ingen besvarede endnu"),
			statPanel(6, 5, "Forfaldne opgaver",
				"Hvor mange anmodninger er over fristen? Åbne anmodninger efter fristen, alle valgte partnere.",
				query(`sum(max by (partner) (helhed_data_requests_overdue{partner=~"$partner"}))`)).
				Unit(unitTasks).Thresholds(anyIsBad()),
			statPanel(6, 5, "Median svartid",
				"Hvor hurtigt svarer partnerne? Median tid fra anmodning til svar, alle valgte partnere.",
				query(`histogram_quantile(0.5, sum by (le) (max without (instance) (helhed_data_requests_response_seconds_bucket{partner=~"$partner"})))`)).
				Unit(unitSeconds).Decimals(0).Thresholds(thresholds("blue")).NoValue("ingen besvarede endnu"),
			statPanel(6, 5, "Eskalerede opgaver",
				"Hvor mange anmodninger skal sekretariatet selv følge op på? Åbne anmodninger, der er eskaleret "+
					"til sekretariatet, alle valgte partnere.",
				query(`sum(max by (partner) (helhed_data_requests_escalated{partner=~"$partner"}))`)).
				Unit(unitTasks).Thresholds(anyIsBad()),
			tablePanel(24, 14, "Pr. partner",
				"Hvilken partner halter? Pr. partner: åbne, forfaldne og eskalerede opgaver, besvaret til tiden og "+
					"for sent, andel til tiden og median og gennemsnitlig svartid; flest forfaldne øverst.",
				query(withPartnerName(`max by (partner) (helhed_data_requests_open{partner=~"$partner"})`)),
				query(withPartnerName(`max by (partner) (helhed_data_requests_overdue{partner=~"$partner"})`)),
				query(withPartnerName(`max by (partner) (helhed_data_requests_escalated{partner=~"$partner"})`)),
				query(withPartnerName(onTime)),
				query(withPartnerName(`(`+answered+` - `+onTime+`)`)),
				query(withPartnerName(`(100 * `+onTime+` / `+answered+`)`)),
				query(withPartnerName(`histogram_quantile(0.5, max by (partner, le) (helhed_data_requests_response_seconds_bucket{partner=~"$partner"}))`)),
				query(withPartnerName(`(max by (partner) (helhed_data_requests_response_seconds_sum{partner=~"$partner"}) / max by (partner) (helhed_data_requests_response_seconds_count{partner=~"$partner"}))`))).
				Unit(unitCount).
				OverrideByName("Forfaldne", props(colored(), colorBy(anyIsBad()))).
				OverrideByName("Eskalerede", props(colored(), colorBy(anyIsBad()))).
				OverrideByName("Andel til tiden", props(colored(), colorBy(onTimePercent()), unit(unitPercent))).
				OverrideByName("Median svartid", props(unit(unitSeconds))).
				OverrideByName("Gns. svartid", props(unit(unitSeconds))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"partner": "Partner-id", "name": "Partner", "Value #A": "Åbne", "Value #B": "Forfaldne",
					"Value #C": "Eskalerede", "Value #D": "Til tiden", "Value #E": "For sent",
					"Value #F": "Andel til tiden", "Value #G": "Median svartid", "Value #H": "Gns. svartid",
				}, []string{"name", "partner", "Value #A", "Value #B", "Value #C", "Value #D", "Value #E",
					"Value #F", "Value #G", "Value #H"})).
				WithTransformation(sortBy("Forfaldne", true)),
			graphPanel(12, 9, "Åbne og forfaldne opgaver over tid",
				"Vokser bunken af ubesvarede anmodninger? Åbne og forfaldne opgaver over tid, summen over de "+
					"valgte partnere.",
				legend(`sum(max by (partner) (helhed_data_requests_open{partner=~"$partner"}))`, "åbne"),
				legend(`sum(max by (partner) (helhed_data_requests_overdue{partner=~"$partner"}))`, "forfaldne")).
				Unit(unitTasks).LineWidth(2).FillOpacity(10),
			barsPanel(12, 9, "Forfaldne opgaver pr. partner",
				"Hvem skal rykkes? Forfaldne opgaver pr. partner.",
				legend(withPartnerName(`max by (partner) (helhed_data_requests_overdue{partner=~"$partner"})`), "{{name}}")).
				Unit(unitTasks).Thresholds(anyIsBad()),
		)}, {row: "Medarbejdertimer: aftalt og leveret", panels: panels(
			tablePanel(16, 12, "Medarbejdertimer pr. bidrag",
				"Leverer partnerne de aftalte medarbejdertimer? Hvert bidrag i planens tabeller over "+
					"medarbejderressourcer (helhed_staff_hours_agreed; timer pr. uge × 52, timer pr. år, "+
					"engangstimer i første planår) mod de timer, partnerne har leveret i planåret indtil nu, som de "+
					"indberetter i hver mødeforløbsrunde (helhed_staff_hours_delivered, summeret over partnerne i et "+
					"fælles bidrag). Leveret af aftalt: rød under 50 %, gul under 90 %, grøn fra 90 % af årets timer.",
				query(agreed+ofPartner),
				query(delivered+ofPartner),
				query(`100 * `+delivered+` / `+agreed+ofPartner),
				query(agreed+` * 0 + on (resource) group_left () count by (resource) (helhed_staff_hours_partner_info{partner=~"$partner"})`)).
				Unit(unitHours).
				OverrideByName("Leveret af aftalt", props(unit(unitPercent), colored(), colorBy(shareOfTarget()))).
				OverrideByName("Parter", props(unit(unitCount))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"resource": "Bidrag", "activity": "Aktivitet eller indsatsområde", "year": "Planår",
					"Value #D": "Parter", "Value #A": "Aftalt i planåret", "Value #B": "Leveret til dato",
					"Value #C": "Leveret af aftalt",
				}, []string{"resource", "activity", "year", "Value #D", "Value #A", "Value #B", "Value #C"})).
				WithTransformation(sortBy("Bidrag", false)),
			barsPanel(8, 12, "Leverede medarbejdertimer pr. partner",
				"Hvor mange timer har hver partner leveret? Timer i planåret indtil nu på alle partnerens bidrag "+
					"(helhed_staff_hours_delivered), som indberettet i mødeforløbenes fremdriftsdata. Aftalte timer "+
					"for fælles bidrag er ikke fordelt på partnerne i planen; se tabellen pr. bidrag.",
				legend(withPartnerName(`sum by (partner) (helhed_staff_hours_delivered{year=~"$year", partner=~"$partner"})`), "{{name}}")).
				Unit(unitHours),
		)}},
	}
}
