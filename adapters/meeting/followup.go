package meeting

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/danish"
	"helhed/readmodel"
	"helhed/workflows/meeting"
)

// The economy and the staff hours (workflows/meeting/followup.go): their
// read model, metrics and report sections.
//
//	helhed:budget:actual:<plan>:<yr>         hash: activity → spending in the plan year so far (kr), the latest answer's
//	helhed:staffhours:delivered:<plan>:<yr>  hash: "<resource>|<owner>|<partner>" → the partner's latest year-to-date hours

func budgetKey(planID, year string) string {
	return "helhed:budget:actual:" + planID + ":" + year
}

func hoursKey(planID, year string) string {
	return "helhed:staffhours:delivered:" + planID + ":" + year
}

func hoursField(f meeting.HoursFigure) string {
	return strings.Join([]string{f.Resource, f.Owner, f.Partner}, "|")
}

// MeetingRecordBudget stores the secretariat's spending per activity as its
// answer arrives; a later answer replaces an activity's figure, one that
// leaves an activity out keeps the earlier figure.
func (a *Activities) MeetingRecordBudget(ctx context.Context, r meeting.BudgetRecord) error {
	if len(r.Figures) == 0 {
		return nil
	}
	fields := map[string]any{}
	for _, f := range r.Figures {
		fields[f.Activity] = f.Value
	}
	if err := a.Redis.HSet(ctx, budgetKey(r.Plan, r.Year), fields).Err(); err != nil {
		return fmt.Errorf("record budget %s: %w", r.Year, err)
	}
	return nil
}

// MeetingRecordStaffHours stores each member's latest year-to-date hours
// per commitment as its answer arrives.
func (a *Activities) MeetingRecordStaffHours(ctx context.Context, r meeting.HoursRecord) error {
	if len(r.Figures) == 0 {
		return nil
	}
	fields := map[string]any{}
	for _, f := range r.Figures {
		fields[hoursField(f)] = f.Value
	}
	if err := a.Redis.HSet(ctx, hoursKey(r.Plan, r.Year), fields).Err(); err != nil {
		return fmt.Errorf("record staff hours %s: %w", r.Year, err)
	}
	return nil
}

// projectFollowUp is the reconcile's rebuild of the budget and staff-hour
// keys from the rounds' states: per plan year and key the figure of the
// latest answer, as the live writes leave it.
func projectFollowUp(m readmodel.Writes, states []meeting.State) {
	type yearKey struct{ plan, year string }
	type latest struct {
		value string
		at    time.Time
	}
	keep := func(to map[yearKey]map[string]latest, yk yearKey, field, value string, at time.Time) {
		if to[yk] == nil {
			to[yk] = map[string]latest{}
		}
		if cur, ok := to[yk][field]; !ok || !at.Before(cur.at) {
			to[yk][field] = latest{value, at}
		}
	}
	budget, hours := map[yearKey]map[string]latest{}, map[yearKey]map[string]latest{}
	for _, st := range states {
		if st.Record == nil {
			continue
		}
		yk := yearKey{st.Record.Plan, st.Record.Year}
		for _, f := range st.Budget {
			keep(budget, yk, f.Activity, f.Value, f.At)
		}
		for _, f := range st.Hours {
			keep(hours, yk, hoursField(f), f.Value, f.At)
		}
	}
	for yk, fs := range budget {
		for field, l := range fs {
			m.HSet(budgetKey(yk.plan, yk.year), field, l.value)
		}
	}
	for yk, fs := range hours {
		for field, l := range fs {
			m.HSet(hoursKey(yk.plan, yk.year), field, l.value)
		}
	}
}

var (
	budgetActualDesc = prometheus.NewDesc("helhed_budget_actual_kroner",
		"Spending on an activity in a plan year so far, in kroner, as the secretariat last reported it in a meeting round (see helhed_budget_planned_kroner and helhed_budget_tilsagn_kroner).",
		[]string{"activity", "year"}, nil)
	staffHoursDeliveredDesc = prometheus.NewDesc("helhed_staff_hours_delivered",
		"Staff hours a partner delivered on a commitment of the plan's tables (resource) in a plan year so far, as it last reported them in a meeting round (see helhed_staff_hours_agreed).",
		[]string{"resource", "activity", "partner", "year"}, nil)
)

// collectFollowUp publishes the budget actuals and the delivered staff
// hours of every plan year.
func (c *Collector) collectFollowUp(ctx context.Context, ch chan<- prometheus.Metric) error {
	for _, y := range c.Plan.PlanYears() {
		b, err := c.Redis.HGetAll(ctx, budgetKey(c.Plan.ID, y.Label)).Result()
		if err != nil {
			return err
		}
		for activity, v := range b {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				ch <- prometheus.MustNewConstMetric(budgetActualDesc, prometheus.GaugeValue, f, activity, y.Label)
			}
		}
		h, err := c.Redis.HGetAll(ctx, hoursKey(c.Plan.ID, y.Label)).Result()
		if err != nil {
			return err
		}
		for field, v := range h {
			parts := strings.Split(field, "|")
			f, err := strconv.ParseFloat(v, 64)
			if len(parts) != 3 || err != nil {
				continue
			}
			ch <- prometheus.MustNewConstMetric(staffHoursDeliveredDesc, prometheus.GaugeValue, f, parts[0], parts[1], parts[2], y.Label)
		}
	}
	return nil
}

// budgetRow is one activity in the report's economy table.
type budgetRow struct {
	Activity, Planned, Tilsagn, Actual, Share string
}

// staffRow is one commitment in the report's staff-hours table.
type staffRow struct {
	Activity, What, Partners, Agreed, Expected, Delivered, Share string
	Reports                                                      []string // "Partner: 120 timer"
	Missing                                                      []string // partners asked who did not answer
}

// followUpData is what the templates show of the economy and the staff
// hours.
type followUpData struct {
	// BudgetAsked: the round asked the secretariat for its spending;
	// BudgetAnswered: it answered.
	BudgetAsked, BudgetAnswered bool
	Budget                      []budgetRow
	BudgetTotal                 budgetRow
	Staff                       []staffRow
	// YearElapsed is the share of the plan year gone when the document was
	// compiled ("42 %"): what the delivered hours are measured against.
	YearElapsed string
}

// buildFollowUp computes the economy and staff-hour sections from the
// round's answers.
func buildFollowUp(in meeting.CompileInput, names map[string]string) followUpData {
	s, st := in.Setup, in.State
	var d followUpData
	var spent map[string]float64
	for _, q := range st.Requests {
		if q.Kind == meeting.RequestBudget {
			d.BudgetAsked = true
		}
	}
	for _, a := range in.Answers {
		if a.Kind != meeting.RequestBudget {
			continue
		}
		d.BudgetAnswered = true
		spent = map[string]float64{}
		for _, f := range meeting.BudgetFigures(s.Budget, a.Rows, in.CompiledAt) {
			v, _ := strconv.ParseFloat(f.Value, 64)
			spent[f.Activity] = v
		}
	}
	if d.BudgetAsked {
		var planned, tilsagn, actual float64
		for _, b := range s.Budget {
			row := budgetRow{Activity: b.ActivityName, Planned: kr(float64(b.Planned)), Tilsagn: kr(float64(b.Tilsagn)), Actual: "–", Share: "–"}
			planned += float64(b.Planned)
			tilsagn += float64(b.Tilsagn)
			if v, ok := spent[b.Activity]; ok {
				row.Actual, row.Share = kr(v), share(v, float64(b.Planned))
				actual += v
			}
			d.Budget = append(d.Budget, row)
		}
		d.BudgetTotal = budgetRow{Activity: "I alt", Planned: kr(planned), Tilsagn: kr(tilsagn), Actual: "–", Share: "–"}
		if d.BudgetAnswered {
			d.BudgetTotal.Actual, d.BudgetTotal.Share = kr(actual), share(actual, planned)
		}
	}

	elapsed := yearElapsed(s, in.CompiledAt)
	d.YearElapsed = danish.FormatNumber(100*elapsed, 0) + " %"
	progress := map[string]meeting.Answer{}
	for _, a := range in.Answers {
		if a.Kind == meeting.RequestProgress {
			progress[a.Partner] = a
		}
	}
	for _, r := range s.Staff {
		row := staffRow{Activity: r.OwnerName, What: r.Note, Agreed: r.AgreedText(),
			Expected: danish.FormatNumber(r.Agreed*elapsed, 0) + " timer", Delivered: "–", Share: "–"}
		row.Partners = strings.Join(r.PartnerNames, ", ")
		sum, n := 0.0, 0
		for _, p := range r.Asked {
			a, ok := progress[p]
			if !ok {
				row.Missing = append(row.Missing, partnerLabel(p, names))
				continue
			}
			v, err := strconv.ParseFloat(a.Values[r.Key], 64)
			if err != nil {
				continue
			}
			sum += v
			n++
			row.Reports = append(row.Reports, partnerLabel(p, names)+": "+danish.FormatNumber(v, -1)+" timer")
		}
		switch {
		case len(r.Asked) == 0:
			row.Delivered = "ikke spurgt (ingen af parterne sidder i styregruppen)"
		case n > 0:
			row.Delivered, row.Share = danish.FormatNumber(sum, -1)+" timer", share(sum, r.Agreed)
		}
		d.Staff = append(d.Staff, row)
	}
	return d
}

// yearElapsed is the share of the round's plan year gone at t, 0 to 1.
func yearElapsed(s meeting.Setup, t time.Time) float64 {
	loc := timeLocation(s.TimeZone)
	start, err := time.ParseInLocation("2006", s.Year[:min(4, len(s.Year))], loc)
	if err != nil {
		return 0
	}
	start = time.Date(start.Year(), s.Period.Start.Month, s.Period.Start.Day, 0, 0, 0, 0, loc)
	end := start.AddDate(1, 0, 0)
	f := float64(t.Sub(start)) / float64(end.Sub(start))
	return max(0, min(1, f))
}

// kr writes an amount in whole kroner: "125.000 kr.".
func kr(v float64) string { return danish.FormatNumber(v, 0) + " kr." }

// share is part of whole in percent, "–" without a whole.
func share(part, whole float64) string {
	if whole <= 0 {
		return "–"
	}
	return danish.FormatNumber(100*part/whole, 0) + " %"
}
