package report

import (
	statisticsadapter "helhed/adapters/statistics"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// RunKind describes the report for the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     report.Kind,
		Workflow: report.WorkflowName,
		Title:    "Årsrapport",
		Description: "Samler planåret (indikatorer, § 61 a-kriterier, milepæle, udsættelser, fravær, møder og dataanmodninger), " +
			"danner rapporten som HTML og PDF, beder bestyrelsen godkende den og sender den godkendte rapport til fagudvalgene.",
		NewInput:   func() any { return &report.Input{} },
		Validate:   func(p *plan.Plan, in any) error { return report.Validate(p, *in.(*report.Input)) },
		WorkflowID: func(in any) string { return report.WorkflowID(*in.(*report.Input)) },
		StateQuery: report.QueryState,
		Updates: []runs.Update{
			{Name: report.UpdateApprove, Title: "Godkend", Description: "Bestyrelsen godkender versionen; den sendes til fagudvalgene.",
				NewArg: func() any { return &report.Approval{} }},
			{Name: report.UpdateSendBack, Title: "Send tilbage", Description: "Bestyrelsen sender versionen tilbage med bemærkninger; en ny version dannes.",
				NewArg: func() any { return &report.SendBack{} }},
		},
		Example: func(p *plan.Plan) any { return &report.Input{PlanYear: statistics.ExamplePlanYear(p)} },
		Choices: func(p *plan.Plan) map[string][]runs.Choice {
			return map[string][]runs.Choice{"planYear": statisticsadapter.PlanYearChoices(p)}
		},
		StageTitles: map[string]string{report.StageRendering: "Dannes", report.StageAwaiting: "Afventer bestyrelsen", report.StageApproved: "Godkendt", report.StageSent: "Sendt til fagudvalgene"},
		// A rerun numbers the report versions on; approved ones stay.
		Rerun: runs.RerunAllowed,
	}
}
