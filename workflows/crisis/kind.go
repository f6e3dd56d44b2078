package crisis

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	// WorkflowID formats the incident date in Europe/Copenhagen, also in
	// the starter on a machine without a zoneinfo database.
	_ "time/tzdata"

	"helhed/fielderr"
	"helhed/plan"
	"helhed/runs"
)

// MaxIncidentAge bounds how long after an incident the plan is activated.
const MaxIncidentAge = 30 * 24 * time.Hour

var referenceRe = regexp.MustCompile(`^[a-z0-9-]{1,20}$`)

// Kinds are the operator kinds this package offers.
func Kinds() []runs.Kind { return []runs.Kind{RunKind()} }

// RunKind describes CrisisActivation for the run layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     Kind,
		Workflow: WorkflowName,
		Title:    "Aktivering af beredskabsplanen",
		Description: "Efter ildspåsættelse, hærværk, overfald, skyderi, chikane, slåskampe eller trusler mod medarbejdere: " +
			"krisegruppen underrettes straks, sekretariatslederen indkalder til møde, og SSP-aktivering, " +
			"beboerinformation og evaluering følges op.",
		NewInput:    func() any { return new(Input) },
		Validate:    func(p *plan.Plan, in any) error { return Validate(p, in.(*Input), time.Now()) },
		WorkflowID:  func(in any) string { return WorkflowID(*in.(*Input)) },
		StateQuery:  QueryState,
		Example:     func(p *plan.Plan) any { return Example(p, time.Now()) },
		Choices:     choices,
		StageTitles: StageTitles,
		Updates: []runs.Update{
			{Name: UpdateConfirmMeeting, Title: "Bekræft mødetidspunkt", NewArg: func() any { return new(MeetingTime) },
				Description: "Sekretariatslederen bekræfter tid og sted for mødet i beredskabets styregruppe; indkaldelsen sendes."},
			{Name: UpdateMoveMeeting, Title: "Flyt mødet", NewArg: func() any { return new(MeetingTime) },
				Description: "Ny tid eller nyt sted; en ændret indkaldelse sendes."},
			{Name: UpdateSSP, Title: "Registrér SSP-aktivering", NewArg: func() any { return new(SSPDecision) },
				Description: "Er SSP-netværket aktiveret – eller var det ikke nødvendigt?"},
			{Name: UpdateResidentInfo, Title: "Registrér aftalt beboerinformation", NewArg: func() any { return new(ResidentInfo) },
				Description: "Hvad styregruppen aftalte at fortælle beboerne og afdelingsbestyrelserne."},
			{Name: UpdateApproveInfo, Title: "Godkend og send beboerinformation", NewArg: func() any { return new(Approval) },
				Description: "Den aftalte tekst sendes til boligorganisationerne og sekretariatet, som videregiver den."},
			{Name: UpdateClose, Title: "Afslut aktiveringen", NewArg: func() any { return new(Closing) },
				Description: "Styregruppen beslutter, om indsatsen skal evalueres."},
			{Name: UpdateEvaluation, Title: "Registrér evaluering", NewArg: func() any { return new(Evaluation) }},
			{Name: UpdateCancel, Title: "Annullér aktiveringen", NewArg: func() any { return new(Cancellation) },
				Description: "Fx ved falsk alarm. Krisegruppen får besked."},
		},
	}
}

// WorkflowID is "crisis/<area>/<date>/<incident>[/<reference>]": the
// incident's business key, with the date in Europe/Copenhagen. Two
// activations of the same incident (say by the police and the SSP
// consultant) get the same ID, so the second is refused.
func WorkflowID(in Input) string {
	loc, err := time.LoadLocation(plan.DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	id := fmt.Sprintf("%s/%s/%s/%s", Kind, in.Area, in.OccurredAt.In(loc).Format(time.DateOnly), in.Incident)
	if in.Reference != "" {
		id += "/" + in.Reference
	}
	return id
}

// Validate checks an activation against the plan; the first problem is a
// *fielderr.Error naming the field.
func Validate(p *plan.Plan, in *Input, now time.Time) error {
	bad := func(field, format string, args ...any) error {
		return &fielderr.Error{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case in.ActivatedBy == "":
		return bad("activatedBy", "skal udfyldes: en rolle i krisegruppen (%s) eller politiet", strings.Join(activators(p), ", "))
	case !isActivator(p, in.ActivatedBy):
		return bad("activatedBy", "%q kan ikke aktivere beredskabsplanen; brug en af: %s", in.ActivatedBy, strings.Join(activators(p), ", "))
	case in.Incident == "":
		return bad("incident", "skal udfyldes: %s", strings.Join(incidentTypes(), ", "))
	case IncidentTitle(in.Incident) == in.Incident:
		return bad("incident", "ukendt hændelsestype %q; brug en af: %s", in.Incident, strings.Join(incidentTypes(), ", "))
	case in.Area == "":
		return bad("area", "skal udfyldes: et boligområde i planen")
	}
	if _, ok := p.Area(in.Area); !ok {
		var ids []string
		for _, a := range p.Areas {
			ids = append(ids, a.ID)
		}
		return bad("area", "ukendt boligområde %q; brug en af: %s", in.Area, strings.Join(ids, ", "))
	}
	switch {
	case in.OccurredAt.IsZero():
		return bad("occurredAt", "skal udfyldes: hvornår skete hændelsen")
	case in.OccurredAt.After(now.Add(5 * time.Minute)):
		return bad("occurredAt", "ligger i fremtiden")
	case now.Sub(in.OccurredAt) > MaxIncidentAge:
		return bad("occurredAt", "hændelsen er mere end 30 dage gammel; beredskabsplanen er til akutte situationer")
	case in.ConveneWithinHours < 0 || in.ConveneWithinHours > MaxConveneWithinHours:
		return bad("conveneWithinHours", "mellem 1 og %d timer (0 = standard %d)", MaxConveneWithinHours, DefaultConveneWithinHours)
	case in.Reference != "" && !referenceRe.MatchString(in.Reference):
		return bad("reference", "højst 20 tegn: små bogstaver, tal og bindestreg")
	}
	if err := checkText("summary", in.Summary, true); err != nil {
		return bad("summary", "%s", strings.TrimPrefix(err.Error(), "summary: "))
	}
	return nil
}

// activators are the ids that may activate: the crisis roles and the
// police partners.
func activators(p *plan.Plan) []string {
	var ids []string
	for _, r := range p.Governance.Crisis.Roles {
		ids = append(ids, r.ID)
	}
	for _, x := range p.Partners {
		if x.Kind == plan.KindPolice {
			ids = append(ids, x.ID)
		}
	}
	return ids
}

func isActivator(p *plan.Plan, id string) bool {
	for _, a := range activators(p) {
		if a == id {
			return true
		}
	}
	return false
}

func incidentTypes() []string {
	out := make([]string, len(Incidents))
	for i, x := range Incidents {
		out[i] = x.Type
	}
	return out
}

// choices feed the start form's drop-downs.
func choices(p *plan.Plan) map[string][]runs.Choice {
	var by, inc, areas []runs.Choice
	for _, r := range p.Governance.Crisis.Roles {
		by = append(by, runs.Choice{Value: r.ID, Label: r.Title})
	}
	for _, x := range p.Partners {
		if x.Kind == plan.KindPolice {
			by = append(by, runs.Choice{Value: x.ID, Label: x.Name})
		}
	}
	for _, i := range Incidents {
		inc = append(inc, runs.Choice{Value: i.Type, Label: i.Title})
	}
	for _, a := range p.Areas {
		areas = append(areas, runs.Choice{Value: a.ID, Label: a.Name})
	}
	return map[string][]runs.Choice{"activatedBy": by, "incident": inc, "area": areas}
}

// Example is a valid activation for p: arson in the first area an hour
// before now, activated by the convenor.
func Example(p *plan.Plan, now time.Time) Input {
	in := Input{ActivatedBy: p.Governance.Crisis.Convenor, Incident: Arson,
		OccurredAt: now.Add(-time.Hour).Truncate(time.Minute),
		Summary:    "Brand i en kælder; beboerne er evakueret, politiet efterforsker."}
	if len(p.Areas) > 0 {
		in.Area = p.Areas[0].ID
	}
	return in
}
