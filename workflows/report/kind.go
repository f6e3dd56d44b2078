package report

import (
	"net/mail"
	"strconv"

	"helhed/fielderr"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/statistics"
)

// RunKind describes the report for the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     Kind,
		Workflow: WorkflowName,
		Title:    "Årsrapport",
		Description: "Samler planåret (indikatorer, § 61 a-kriterier, milepæle, udsættelser, fravær, møder og dataanmodninger), " +
			"danner rapporten som HTML og PDF, beder bestyrelsen godkende den og sender den godkendte rapport til fagudvalgene.",
		NewInput:   func() any { return &Input{} },
		Validate:   func(p *plan.Plan, in any) error { return Validate(p, *in.(*Input)) },
		WorkflowID: func(in any) string { return WorkflowID(*in.(*Input)) },
		StateQuery: QueryState,
		Updates: []runs.Update{
			{Name: UpdateApprove, Title: "Godkend", Description: "Bestyrelsen godkender versionen; den sendes til fagudvalgene.",
				NewArg: func() any { return &Approval{} }},
			{Name: UpdateSendBack, Title: "Send tilbage", Description: "Bestyrelsen sender versionen tilbage med bemærkninger; en ny version dannes.",
				NewArg: func() any { return &SendBack{} }},
		},
		Example: func(p *plan.Plan) any { return &Input{PlanYear: statistics.ExamplePlanYear(p)} },
		Choices: func(p *plan.Plan) map[string][]runs.Choice {
			return map[string][]runs.Choice{"planYear": statistics.PlanYearChoices(p)}
		},
		StageTitles: map[string]string{StageRendering: "Dannes", StageAwaiting: "Afventer bestyrelsen", StageApproved: "Godkendt", StageSent: "Sendt til fagudvalgene"},
	}
}

// Validate checks an operator's input.
func Validate(p *plan.Plan, in Input) error {
	if in.PlanYear == "" {
		return &fielderr.Error{Field: "planYear", Message: "required, e.g. \"2024-25\""}
	}
	if _, ok := p.PlanYear(in.PlanYear); !ok {
		return &fielderr.Error{Field: "planYear", Message: "not a plan year of " + p.ID}
	}
	for i, r := range in.Recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
			return &fielderr.Error{Field: "recipients[" + strconv.Itoa(i) + "]", Message: "not an e-mail address"}
		}
	}
	return nil
}

// RunKinds are the kinds this module offers.
func RunKinds() []runs.Kind { return []runs.Kind{statistics.RunKind(), RunKind()} }
