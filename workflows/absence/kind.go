package absence

import (
	"time"

	"helhed/plan"
	"helhed/runs"
)

// RunKind describes the absence follow-up to the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     Kind,
		Workflow: WorkflowName,
		Title:    "Kvartalsvis opfølgning på elevfravær",
		Description: "Fraværsdata fra de fire skoler, fravær pr. boligområde mod baseline og kommunen, " +
			"elever med ulovligt fravær over 10 % og 15 %, nye forløb og et kvartalsnotat til fraværsteamet.",
		NewInput: func() any { return &Input{} },
		Validate: func(p *plan.Plan, input any) error {
			if fe := input.(*Input).Check(p, p.DateOf(time.Now()), true); fe != nil {
				return fe
			}
			return nil
		},
		WorkflowID: func(input any) string { return WorkflowID(*input.(*Input)) },
		Updates: []runs.Update{{Name: UpdateClose, Title: "Afslut runden nu",
			Description: "Udarbejder kvartalsnotatet med de data, der er modtaget; skoler uden data nævnes.",
			NewArg:      func() any { return &Close{} }}},
		StateQuery:  QueryState,
		StageTitles: StageTitles,
		Example: func(p *plan.Plan) any {
			q := QuarterOf(p.DateOf(time.Now())).Prev()
			if last := QuarterOf(p.Period.End); q.Start().After(last.Start()) {
				q = last
			}
			return Input{Plan: p.ID, Quarter: q.String()}
		},
	}
}
