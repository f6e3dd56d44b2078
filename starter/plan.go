package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"helhed/plan"
)

func planValidate(_ context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usageError("plan validate takes one FILE")
	}
	p, err := plan.LoadFile(args[0])
	if err != nil {
		var ve *plan.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintln(e.stdout, ve.Error())
			return fmt.Errorf("%s: %d problem(s)", args[0], len(ve.Problems))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "%s: ok (%s, %s, %d areas, %d activities, %d indicators)\n",
		args[0], p.ID, p.Period, len(p.Areas), len(p.Activities), len(p.Indicators))
	return nil
}

func planList(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("plan list takes no arguments")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPERIOD\tNAME")
	for _, id := range plan.Embedded() {
		p, err := plan.LoadEmbedded(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ID, p.Period, p.Name)
	}
	return tw.Flush()
}

// resolvePlan reads a file, an embedded id, PLAN_FILE, or today's plan.
func resolvePlan(e *env, arg string) (*plan.Plan, error) {
	switch {
	case arg != "":
		if _, err := os.Stat(arg); err == nil {
			return plan.LoadFile(arg)
		}
		for _, id := range plan.Embedded() {
			if id == arg {
				return plan.LoadEmbedded(id)
			}
		}
		return nil, fmt.Errorf("%q is neither a file nor an embedded plan (%s)", arg, strings.Join(plan.Embedded(), ", "))
	case e.getenv("PLAN_FILE") != "":
		return plan.LoadFile(e.getenv("PLAN_FILE"))
	default:
		return plan.ForDate(time.Now())
	}
}

func planShow(_ context.Context, e *env, args []string) error {
	asJSON := false
	var arg string
	for _, a := range args {
		switch {
		case a == "--json":
			asJSON = true
		case strings.HasPrefix(a, "-"):
			return usageError("plan show: unknown flag %s", a)
		case arg == "":
			arg = a
		default:
			return usageError("plan show takes at most one FILE or ID")
		}
	}
	p, err := resolvePlan(e, arg)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, p)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s — %s\n", p.ID, p.Name)
	if p.Note != "" {
		fmt.Fprintf(w, "%s\n", p.Note)
	}
	fmt.Fprintf(w, "Period %s, time zone %s, discretion threshold %d\n\n", p.Period, p.TimeZone, p.DiscretionThreshold)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AREA\tRESIDENTS\tTENANCIES\tDEPARTMENTS")
	for _, a := range p.Areas {
		var deps []string
		for _, d := range p.DepartmentsOf(a.ID) {
			deps = append(deps, d.Organisation+"/"+d.Number)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", a.Name, a.Residents, a.Tenancies, strings.Join(deps, " "))
	}
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTIVITY\tFOCUS AREA\tAREAS\tYEARLY TARGETS (first plan year)")
	first := ""
	if ys := p.PlanYears(); len(ys) > 0 {
		first = ys[0].Label
	}
	for _, a := range p.Activities {
		var targets []string
		for _, t := range a.Targets {
			if t.Year == first {
				targets = append(targets, describeTarget(t))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", a.Name, a.FocusArea, len(a.Areas), strings.Join(targets, "; "))
	}
	tw.Flush()

	fmt.Fprintf(w, "\n%d indicators; meetings:\n", len(p.Indicators))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	meetings := append(p.BoardMeetings(), p.SteeringGroupMeetings()...)
	meetings = append(meetings, p.Conferences()...)
	sort.SliceStable(meetings, func(i, j int) bool { return meetings[i].Date.Before(meetings[j].Date) })
	for _, m := range meetings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Date, m.Body, m.Kind, m.Year)
	}
	return tw.Flush()
}

func describeTarget(t plan.Target) string {
	amount := fmt.Sprintf("%s %g", t.Bound(), t.Headline())
	if t.Bound() == plan.BoundBetween && t.Min != nil && t.Max != nil {
		amount = fmt.Sprintf("%g-%g", *t.Min, *t.Max)
	}
	return fmt.Sprintf("%s %s (%s) /%s", amount, t.Unit, t.Metric, t.PerOrDefault())
}
