package meeting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// This file is what the round follows beside the milestones: the economy
// (each board round asks the secretariat for the year's spending per
// activity, set against the plan's budget and Landsbyggefonden's tilsagn)
// and the staff hours the partners agreed to deliver (each member's
// progress request asks for its hours on every commitment it shares).
//
// A round started before this existed has neither in its Setup, so it asks
// for neither and writes neither: its history replays unchanged.

// RequestBudget is the kind of the secretariat's budget request.
const RequestBudget = "budget"

// Columns of the budget table the secretariat uploads.
const (
	ColBudgetActivity = "aktivitet"
	ColBudgetSpent    = "forbrug"
	ColBudgetNote     = "bemaerkning"
)

// BudgetRef is one budget line of the round's plan year.
type BudgetRef struct {
	Activity     string `json:"activity"`
	ActivityName string `json:"activityName"`
	Planned      int64  `json:"planned"` // kr
	Tilsagn      int64  `json:"tilsagn"` // kr, Landsbyggefonden's part of Planned
}

// StaffRef is one staff-hour commitment of the plan's tables and what it
// comes to in the round's plan year.
type StaffRef struct {
	Key       string   `json:"key"`      // field key in the members' progress requests
	Resource  string   `json:"resource"` // plan.StaffLine.Key, "<owner>/<n>"
	Owner     string   `json:"owner"`    // activity id, or focus area id
	OwnerName string   `json:"ownerName"`
	Note      string   `json:"note,omitempty"`
	Partners  []string `json:"partners"`
	// PartnerNames are the partners' names, in the order of Partners.
	PartnerNames []string `json:"partnerNames"`
	Hours        float64  `json:"hours"` // as the plan writes it, per Per
	Per          string   `json:"per"`   // week, year or total
	Agreed       float64  `json:"agreed"`
	// Asked are the partners whose progress request asks for their hours:
	// those who sit in the steering group.
	Asked []string `json:"asked"`
}

// AgreedText says what was agreed, in Danish: "93 timer pr. uge (4.836
// timer i planåret)".
func (s StaffRef) AgreedText() string {
	h := danish.FormatNumber(s.Hours, -1) + " timer"
	switch s.Per {
	case "week":
		return fmt.Sprintf("%s pr. uge (%s timer i planåret)", h, danish.FormatNumber(s.Agreed, -1))
	case "year":
		return h + " pr. år"
	}
	return h + " i alt, i planperiodens første år"
}

// budgetRefs lists the plan's budget for the year.
func budgetRefs(p *plan.Plan, year string) []BudgetRef {
	var out []BudgetRef
	for _, b := range p.Budget(year) {
		name := b.Activity
		if a, ok := p.Activity(b.Activity); ok {
			name = a.Name
		}
		out = append(out, BudgetRef{Activity: b.Activity, ActivityName: name, Planned: b.Planned, Tilsagn: b.Tilsagn})
	}
	return out
}

// staffRefs lists the staff-hour commitments with hours in the year, each
// with its field key and the members asked.
func staffRefs(p *plan.Plan, year string, members []Member) []StaffRef {
	y, ok := p.PlanYear(year)
	if !ok {
		return nil
	}
	isMember := map[string]bool{}
	for _, m := range members {
		isMember[m.ID] = true
	}
	var out []StaffRef
	for _, l := range p.StaffLines() {
		agreed := l.HoursIn(y)
		if agreed <= 0 {
			continue
		}
		ref := StaffRef{Key: fmt.Sprintf("h%02d", len(out)+1), Resource: l.Key, Owner: l.Owner, OwnerName: l.OwnerName,
			Note: l.Note, Partners: l.Partners, Hours: l.Hours, Per: l.Per, Agreed: agreed}
		for _, pt := range l.Partners {
			name := pt
			if x, ok := p.Partner(pt); ok {
				name = x.Name
			}
			ref.PartnerNames = append(ref.PartnerNames, name)
			if isMember[pt] {
				ref.Asked = append(ref.Asked, pt)
			}
		}
		out = append(out, ref)
	}
	return out
}

// staffFields are the hours fields of member's progress request: one per
// commitment it shares.
func (s Setup) staffFields(member string) []datarequest.Field {
	var out []datarequest.Field
	for _, r := range s.Staff {
		if !contains(r.Asked, member) {
			continue
		}
		label := "Leverede medarbejdertimer: " + r.OwnerName
		if r.Note != "" {
			label += " (" + r.Note + ")"
		}
		help := fmt.Sprintf("Jeres leverede timer i planåret %s indtil nu. Aftalt: %s.", s.Year, r.AgreedText())
		if len(r.Partners) > 1 {
			help += " Aftalen gælder " + strings.Join(r.PartnerNames, ", ") + " tilsammen; skriv jeres egen del."
		}
		out = append(out, datarequest.Field{Key: r.Key, Label: label, Type: datarequest.Decimal, Unit: "timer", Help: help})
	}
	return out
}

// budgetRequest asks the secretariat for the year's spending per activity
// as a table, in a board round of a year with a budget; nil otherwise.
func budgetRequest(p *plan.Plan, in Input, s Setup, base, title, origin string) *Request {
	sec := p.Governance.Board.Secretariat
	if in.Summer() || len(s.Budget) == 0 || sec == "" {
		return nil
	}
	var choices, lines []string
	for _, b := range s.Budget {
		choices = append(choices, b.Activity)
		lines = append(lines, fmt.Sprintf("- %s (%s): budget %s kr., heraf tilsagn %s kr.", b.Activity, b.ActivityName,
			danish.FormatNumber(float64(b.Planned), 0), danish.FormatNumber(float64(b.Tilsagn), 0)))
	}
	return &Request{Kind: RequestBudget, Input: datarequest.Input{
		RequestID: base + "oekonomi/" + sec, Partner: sec, Period: s.Year, Origin: origin,
		Title: title,
		Instructions: fmt.Sprintf("Bestyrelsen følger økonomien mod budgettet og Landsbyggefondens tilsagn. Upload en CSV-fil (semikolonsepareret) "+
			"med forbruget i planåret %s indtil nu: én linje pr. aktivitet (flere linjer for samme aktivitet lægges sammen), kolonnerne %s;%s;%s. "+
			"Beløb i kroner, fx 125.000,00; et negativt beløb afvises. Aktiviteterne med budget i planåret:\n%s",
			s.Year, ColBudgetActivity, ColBudgetSpent, ColBudgetNote, strings.Join(lines, "\n")),
		Table: &datarequest.Table{Columns: []datarequest.Column{
			{Key: ColBudgetActivity, Label: "Aktivitet (id fra planen)", Type: datarequest.Choice, Choices: choices, Required: true},
			{Key: ColBudgetSpent, Label: "Forbrug i planåret indtil nu (kr.)", Type: datarequest.Amount, Required: true},
			{Key: ColBudgetNote, Label: "Bemærkning", Type: datarequest.Text},
		}, MaxRows: 500},
		Reminders: reminderPolicy(),
	}}
}

// BudgetFigure is the secretariat's spending on one activity in the
// round's plan year so far.
type BudgetFigure struct {
	Activity string    `json:"activity"`
	Value    string    `json:"value"` // kr, canonical ("12345.5")
	At       time.Time `json:"at"`    // when the secretariat answered
}

// BudgetFigures reads the budget table: the spending per activity, lines
// for the same activity added up, in the budget's order.
func BudgetFigures(budget []BudgetRef, rows []map[string]string, at time.Time) []BudgetFigure {
	sums := map[string]float64{}
	seen := map[string]bool{}
	for _, row := range rows {
		v, err := strconv.ParseFloat(row[ColBudgetSpent], 64)
		if err != nil {
			continue
		}
		sums[row[ColBudgetActivity]] += v
		seen[row[ColBudgetActivity]] = true
	}
	var out []BudgetFigure
	for _, b := range budget {
		if seen[b.Activity] {
			out = append(out, BudgetFigure{Activity: b.Activity, Value: strconv.FormatFloat(sums[b.Activity], 'f', -1, 64), At: at})
		}
	}
	return out
}

// HoursFigure is one member's delivered hours on one commitment in the
// round's plan year so far.
type HoursFigure struct {
	Resource string    `json:"resource"`
	Owner    string    `json:"owner"`
	Partner  string    `json:"partner"`
	Value    string    `json:"value"`
	At       time.Time `json:"at"`
}

// HoursFigures reads a member's progress answer: one figure per
// commitment it was asked about and answered with a number.
func HoursFigures(staff []StaffRef, partner string, values map[string]string, at time.Time) []HoursFigure {
	var out []HoursFigure
	for _, r := range staff {
		v, ok := values[r.Key]
		if !ok || !contains(r.Asked, partner) {
			continue
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			continue
		}
		out = append(out, HoursFigure{Resource: r.Resource, Owner: r.Owner, Partner: partner, Value: v, At: at})
	}
	return out
}

// BudgetRecord carries the figures of one budget answer
// (ActivityRecordBudget).
type BudgetRecord struct {
	Plan    string         `json:"plan"`
	Year    string         `json:"year"`
	Figures []BudgetFigure `json:"figures"`
}

// HoursRecord carries the figures of one member's answer
// (ActivityRecordStaffHours).
type HoursRecord struct {
	Plan    string        `json:"plan"`
	Year    string        `json:"year"`
	Figures []HoursFigure `json:"figures"`
}

// recordFollowUp brings an answer's budget or staff-hour figures into the
// read model and the state, as recordAnswer does the milestones.
func (r *round) recordFollowUp(ctx workflow.Context, q RequestStatus, res *datarequest.Result) {
	at := res.AnsweredAt
	if at.IsZero() {
		at = workflow.Now(ctx)
	}
	switch q.Kind {
	case RequestProgress:
		if figs := HoursFigures(r.setup.Staff, q.Partner, res.Values, at); len(figs) > 0 {
			r.st.Hours = append(r.st.Hours, figs...)
			rec := HoursRecord{Plan: r.setup.PlanID, Year: r.st.Year, Figures: figs}
			r.write(ctx, ActivityRecordStaffHours, func() any { return rec })
		}
	case RequestBudget:
		if figs := BudgetFigures(r.setup.Budget, res.Rows, at); len(figs) > 0 {
			r.st.Budget = append(r.st.Budget, figs...)
			rec := BudgetRecord{Plan: r.setup.PlanID, Year: r.st.Year, Figures: figs}
			r.write(ctx, ActivityRecordBudget, func() any { return rec })
		}
	}
}
