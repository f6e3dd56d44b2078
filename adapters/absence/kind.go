package absence

import (
	"time"

	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/absence"
)

// RunKind describes the absence follow-up to the operator layer.
func RunKind() runs.Kind {
	return runs.Kind{
		Name:     absence.Kind,
		Workflow: absence.WorkflowName,
		Title:    "Kvartalsvis opfølgning på elevfravær",
		Description: "Fraværsdata fra de fire skoler, fravær pr. boligområde mod baseline og kommunen, " +
			"elever med ulovligt fravær over 10 % og 15 %, nye forløb og et kvartalsnotat til fraværsteamet.",
		NewInput: func() any { return &absence.Input{} },
		Validate: func(p *plan.Plan, input any) error {
			if fe := input.(*absence.Input).Check(p, p.DateOf(time.Now()), true); fe != nil {
				return fe
			}
			return nil
		},
		WorkflowID: func(input any) string { return absence.WorkflowID(*input.(*absence.Input)) },
		Updates: []runs.Update{{Name: absence.UpdateClose, Title: "Afslut runden nu",
			Description: "Udarbejder kvartalsnotatet med de data, der er modtaget; skoler uden data nævnes.",
			NewArg:      func() any { return &absence.Close{} }}},
		StateQuery:  absence.QueryState,
		StageTitles: absence.StageTitles,
		Example: func(p *plan.Plan) any {
			q := absence.QuarterOf(p.DateOf(time.Now())).Prev()
			if last := absence.QuarterOf(p.Period.End); q.Start().After(last.Start()) {
				q = last
			}
			return absence.Input{Plan: p.ID, Quarter: q.String()}
		},
		// A round run again after a cancel asks the schools again.
		Rerun: runs.RerunAllowed,
	}
}
