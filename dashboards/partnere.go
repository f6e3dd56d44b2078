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

// roundFamily selects helhed_round_requests_<what> per partner and round.
func roundFamily(what string) string {
	return `max by (partner, round) (helhed_round_requests_` + what + `{partner=~"$partner"})`
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
			namedVar("partner", "Partner", "helhed_partner_info"), yearVar(),
		},
		sections: []section{{panels: panels(
			statPanel(6, 5, "Andel besvaret til tiden",
				"Svarer partnerne til tiden? Andelen af de besvarede anmodninger, der blev besvaret inden fristen; "+
					"rød under 75 %, gul under 90 %.",
				query(ratio(`sum(`+onTime+`)`, `sum(`+answered+`)`))).
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
					"for sent, andel til tiden og median og gennemsnitlig svartid; flest forfaldne øverst. Et klik på "+
					"partnerens navn åbner partnerens opgaver på driftssiden.",
				query(withPartnerName(`max by (partner) (helhed_data_requests_open{partner=~"$partner"})`)),
				query(withPartnerName(`max by (partner) (helhed_data_requests_overdue{partner=~"$partner"})`)),
				query(withPartnerName(`max by (partner) (helhed_data_requests_escalated{partner=~"$partner"})`)),
				query(withPartnerName(onTime)),
				query(withPartnerName(`(`+answered+` - `+onTime+`)`)),
				query(withPartnerName(`(`+ratio(onTime, answered)+`)`)),
				query(withPartnerName(`histogram_quantile(0.5, max by (partner, le) (helhed_data_requests_response_seconds_bucket{partner=~"$partner"}))`)),
				query(withPartnerName(`(max by (partner) (helhed_data_requests_response_seconds_sum{partner=~"$partner"}) / (max by (partner) (helhed_data_requests_response_seconds_count{partner=~"$partner"}) > 0))`))).
				Unit(unitCount).
				OverrideByName("Partner", props(partnerTasks("${__data.fields.partner}", ""))).
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
				"Hvem skal rykkes? Forfaldne opgaver pr. partner; et klik på en søjle åbner partnerens forfaldne "+
					"opgaver på driftssiden.",
				legend(withPartnerName(`max by (partner) (helhed_data_requests_overdue{partner=~"$partner"})`), "{{name}}")).
				Unit(unitTasks).Thresholds(anyIsBad()).
				OverrideByQuery("A", props(partnerTasks("${__field.labels.partner}", "overdue"))),
		)}, {row: "Mødeforløb: indberetning pr. partner og runde", panels: panels(
			tablePanel(12, 12, "Indberetning pr. partner og mødeforløb",
				"Hvem har leveret til hvilket mødeforløb? Andel af de anmodninger, et mødeforløb (kolonner: "+
					"bestyrelsesmødets dato) har sendt partneren (rækker), der er besvaret; rød under 75 %, gul "+
					"under 90 %. Tom celle: partneren blev ikke spurgt i den runde.",
				query(withPartnerName(`(`+ratio(roundFamily("received"), roundFamily("expected"))+`)`))).
				Unit(unitPercent).Decimals(0).
				OverrideByRegexp(`.*\d.*`, props(colored(), colorBy(onTimePercent()))).
				WithTransformation(columns(nil, nil, "partner")).
				WithTransformation(matrix("name", "round")),
			tablePanel(12, 12, "Mødeforløb: forventet, modtaget og til tiden",
				"Hvad mangler vi fra hvem til hvilket møde? Pr. partner og mødeforløb: anmodninger sendt "+
					"(aflyste fraregnet), besvarede og besvarede inden fristen (helhed_round_requests_*).",
				query(withPartnerName(roundFamily("expected"))),
				query(withPartnerName(roundFamily("received"))),
				query(withPartnerName(roundFamily("on_time")))).
				Unit(unitTasks).
				OverrideByName("Til tiden", props(unit(unitTasks))).
				WithTransformation(merge()).
				WithTransformation(columns(map[string]string{
					"name": "Partner", "round": "Mødeforløb", "Value #A": "Forventet", "Value #B": "Modtaget",
					"Value #C": "Til tiden",
				}, []string{"round", "name", "Value #A", "Value #B", "Value #C"}, "partner")).
				WithTransformation(sortBy("Mødeforløb", true)),
		)}, {row: "Medarbejdertimer: aftalt og leveret", panels: panels(
			tablePanel(16, 12, "Medarbejdertimer pr. bidrag",
				"Leverer partnerne de aftalte medarbejdertimer? Hvert bidrag i planens tabeller over "+
					"medarbejderressourcer (helhed_staff_hours_agreed; timer pr. uge × 52, timer pr. år, "+
					"engangstimer i første planår) mod de timer, partnerne har leveret i planåret indtil nu, som de "+
					"indberetter i hver mødeforløbsrunde (helhed_staff_hours_delivered, summeret over partnerne i et "+
					"fælles bidrag). Leveret af aftalt: rød under 50 %, gul under 90 %, grøn fra 90 % af årets timer.",
				query(agreed+ofPartner),
				query(delivered+ofPartner),
				query(`(`+ratio(delivered, agreed)+`)`+ofPartner),
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
