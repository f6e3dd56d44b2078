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
)

// MaxIncidentAge bounds how long after an incident the plan is activated.
const MaxIncidentAge = 30 * 24 * time.Hour

var referenceRe = regexp.MustCompile(`^[a-z0-9-]{1,20}$`)

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
	switch {
	case in.ActivatedBy == "":
		return fielderr.New("activatedBy", "skal udfyldes: en rolle i krisegruppen (%s) eller politiet", strings.Join(activators(p), ", "))
	case !isActivator(p, in.ActivatedBy):
		return fielderr.New("activatedBy", "%q kan ikke aktivere beredskabsplanen; brug en af: %s", in.ActivatedBy, strings.Join(activators(p), ", "))
	case in.Incident == "":
		return fielderr.New("incident", "skal udfyldes: %s", strings.Join(incidentTypes(), ", "))
	case IncidentTitle(in.Incident) == in.Incident:
		return fielderr.New("incident", "ukendt hændelsestype %q; brug en af: %s", in.Incident, strings.Join(incidentTypes(), ", "))
	case in.Area == "":
		return fielderr.New("area", "skal udfyldes: et boligområde i planen")
	}
	if _, ok := p.Area(in.Area); !ok {
		var ids []string
		for _, a := range p.Areas {
			ids = append(ids, a.ID)
		}
		return fielderr.New("area", "ukendt boligområde %q; brug en af: %s", in.Area, strings.Join(ids, ", "))
	}
	switch {
	case in.OccurredAt.IsZero():
		return fielderr.New("occurredAt", "skal udfyldes: hvornår skete hændelsen")
	case in.OccurredAt.After(now.Add(5 * time.Minute)):
		return fielderr.New("occurredAt", "ligger i fremtiden")
	case now.Sub(in.OccurredAt) > MaxIncidentAge:
		return fielderr.New("occurredAt", "hændelsen er mere end 30 dage gammel; beredskabsplanen er til akutte situationer")
	case in.ConveneWithinHours < 0 || in.ConveneWithinHours > MaxConveneWithinHours:
		return fielderr.New("conveneWithinHours", "mellem 1 og %d timer (0 = standard %d)", MaxConveneWithinHours, DefaultConveneWithinHours)
	case in.Reference != "" && !referenceRe.MatchString(in.Reference):
		return fielderr.New("reference", "højst 20 tegn: små bogstaver, tal og bindestreg")
	}
	if msg := textProblem(in.Summary, true); msg != "" {
		return fielderr.New("summary", "%s", msg)
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
