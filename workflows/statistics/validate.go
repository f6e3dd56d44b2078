package statistics

import (
	"helhed/fielderr"
	"helhed/plan"
)

// Validate checks an operator's input against the plan.
func Validate(p *plan.Plan, in Input) error {
	if in.PlanYear == "" {
		return &fielderr.Error{Field: "planYear", Message: "skal udfyldes, fx \"2024-25\""}
	}
	if _, ok := p.PlanYear(in.PlanYear); !ok {
		return &fielderr.Error{Field: "planYear", Message: "ikke et planår i planen " + p.ID}
	}
	if in.DueWeekdays < 0 || in.DueWeekdays > 60 {
		return &fielderr.Error{Field: "dueWeekdays", Message: "mellem 1 og 60 hverdage (0 giver standarden på 15)"}
	}
	return nil
}

// ExamplePlanYear is the plan's first plan year.
func ExamplePlanYear(p *plan.Plan) string {
	ys := p.PlanYears()
	if len(ys) == 0 {
		return ""
	}
	return ys[0].Label
}
