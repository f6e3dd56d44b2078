package statistics

import (
	"helhed/fielderr"
	"helhed/plan"
)

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

// ExamplePlanYear is the plan's first plan year.
func ExamplePlanYear(p *plan.Plan) string {
	ys := p.PlanYears()
	if len(ys) == 0 {
		return ""
	}
	return ys[0].Label
}
