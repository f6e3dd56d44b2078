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
		return usageError("brug: plan validate FILE")
	}
	p, err := plan.LoadFile(args[0])
	if err != nil {
		var ve *plan.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintln(e.stdout, ve.Error())
			return fmt.Errorf("%s: %d problem(er)", args[0], len(ve.Problems))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "%s: ok (%s, %s, %d boligområder, %d aktiviteter, %d indikatorer)\n",
		args[0], p.ID, p.Period, len(p.Areas), len(p.Activities), len(p.Indicators))
	return nil
}

func planList(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usageError("brug: plan list")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPERIODE\tNAVN")
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
		return nil, fmt.Errorf("%q er hverken en fil eller en indbygget plan (%s)", arg, strings.Join(plan.Embedded(), ", "))
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
			return usageError("plan show: ukendt flag %s (brug: plan show [--json] [FILE|ID])", a)
		case arg == "":
			arg = a
		default:
			return usageError("brug: plan show [--json] [FILE|ID]")
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
	fmt.Fprintf(w, "Periode %s, tidszone %s, diskretionsgrænse %d\n\n", p.Period, p.TimeZone, p.DiscretionThreshold)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BOLIGOMRÅDE\tBEBOERE\tLEJEMÅL\tAFDELINGER")
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
	fmt.Fprintln(tw, "AKTIVITET\tINDSATSOMRÅDE\tBOLIGOMRÅDER\tÅRLIGE MÅL (første planår)")
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

	fmt.Fprintf(w, "\n%d indikatorer; møder:\n", len(p.Indicators))
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
