package statistics

import (
	"helhed/fielderr"
	"helhed/plan"
	"helhed/runs"
)

// RunKind describes the pull for the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     Kind,
		Workflow: WorkflowName,
		Title:    "Årligt statistikudtræk",
		Description: "Henter kommunens nøgletal fra Danmarks Statistik, beder monitoreringsenheden om områdernes nøgletal, " +
			"beregner indikatorerne og kriterierne i almenboligloven § 61 a og lægger tallene klar til årsrapporten.",
		NewInput:   func() any { return &Input{} },
		Validate:   func(p *plan.Plan, in any) error { return Validate(p, *in.(*Input)) },
		WorkflowID: func(in any) string { return WorkflowID(*in.(*Input)) },
		StateQuery: QueryState,
		Example:    func(p *plan.Plan) any { return &Input{PlanYear: ExamplePlanYear(p)} },
		Choices: func(p *plan.Plan) map[string][]runs.Choice {
			return map[string][]runs.Choice{"planYear": PlanYearChoices(p)}
		},
		StageTitles: map[string]string{StagePreparing: "Forberedes", StageWaiting: "Afventer nøgletal",
			StageEvaluating: "Beregnes", StageDone: "Færdig"},
	}
}

// ExamplePlanYear is the plan's first plan year.
func ExamplePlanYear(p *plan.Plan) string {
	ys := p.PlanYears()
	if len(ys) == 0 {
		return ""
	}
	return ys[0].Label
}

// PlanYearChoices are the plan's years for the operator forms.
func PlanYearChoices(p *plan.Plan) []runs.Choice {
	var out []runs.Choice
	for _, y := range p.PlanYears() {
		out = append(out, runs.Choice{Value: y.Label, Label: "Planåret " + y.Label})
	}
	return out
}

// Validate checks an operator's input against the plan.
func Validate(p *plan.Plan, in Input) error {
	if in.PlanYear == "" {
		return &fielderr.Error{Field: "planYear", Message: "required, e.g. \"2024-25\""}
	}
	if _, ok := p.PlanYear(in.PlanYear); !ok {
		return &fielderr.Error{Field: "planYear", Message: "not a plan year of " + p.ID}
	}
	if in.DueWeekdays < 0 || in.DueWeekdays > 60 {
		return &fielderr.Error{Field: "dueWeekdays", Message: "must be between 1 and 60 weekdays (0 for the default 15)"}
	}
	return nil
}
