package statistics

import (
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/statistics"
)

// RunKind describes the pull for the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     statistics.Kind,
		Workflow: statistics.WorkflowName,
		Title:    "Årligt statistikudtræk",
		Description: "Henter kommunens, regionens og landets tal fra Danmarks Statistik, beder monitoreringsenheden om områdernes nøgletal, " +
			"beregner indikatorerne og de fire kriterier i almenboligloven § 61 a, afgør om hvert område ville komme på listen 1. december, " +
			"hvis den blev offentliggjort i dag, og lægger tallene klar til årsrapporten.",
		NewInput:   func() any { return &statistics.Input{} },
		Validate:   func(p *plan.Plan, in any) error { return statistics.Validate(p, *in.(*statistics.Input)) },
		WorkflowID: func(in any) string { return statistics.WorkflowID(*in.(*statistics.Input)) },
		StateQuery: statistics.QueryState,
		Example:    func(p *plan.Plan) any { return &statistics.Input{PlanYear: statistics.ExamplePlanYear(p)} },
		Choices: func(p *plan.Plan) map[string][]runs.Choice {
			return map[string][]runs.Choice{"planYear": PlanYearChoices(p)}
		},
		StageTitles: map[string]string{statistics.StagePreparing: "Forberedes", statistics.StageWaiting: "Afventer nøgletal",
			statistics.StageEvaluating: "Beregnes", statistics.StageDone: "Færdig"},
		// A pull run again fetches the figures again.
		Rerun: runs.RerunAllowed,
	}
}

// PlanYearChoices are the plan's years for the operator forms.
func PlanYearChoices(p *plan.Plan) []runs.Choice {
	var out []runs.Choice
	for _, y := range p.PlanYears() {
		out = append(out, runs.Choice{Value: y.Label, Label: "Planåret " + y.Label})
	}
	return out
}
