package report

import (
	"net/mail"
	"strconv"

	"helhed/fielderr"
	"helhed/plan"
)

// Validate checks an operator's input.
func Validate(p *plan.Plan, in Input) error {
	if in.PlanYear == "" {
		return &fielderr.Error{Field: "planYear", Message: "skal udfyldes, fx \"2024-25\""}
	}
	if _, ok := p.PlanYear(in.PlanYear); !ok {
		return &fielderr.Error{Field: "planYear", Message: "ikke et planår i planen " + p.ID}
	}
	for i, r := range in.Recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
			return &fielderr.Error{Field: "recipients[" + strconv.Itoa(i) + "]", Message: "ikke en gyldig e-mailadresse"}
		}
	}
	return nil
}
