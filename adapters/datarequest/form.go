package datarequest

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"helhed/plan"
	"helhed/workflows/datarequest"
)

// input is one form input as the template draws it.
type input struct {
	Key, ID, Label, Help, Unit, Kind, InputMode, Placeholder string
	Required                                                 bool
	Choices                                                  []string
	Value                                                    string
	Error                                                    string
}

// column describes a CSV column on a table task's page.
type column struct {
	Key, Label, Kind string
	Required         bool
	Choices          string
}

// cellError is a CSV error with its place.
type cellError struct {
	Line    int
	Column  string
	Message string
}

type taskView struct {
	PlanName     string
	PartnerName  string
	Task         datarequest.Task
	Due          plan.Date
	Overdue      bool
	Action       string
	ListURL      string
	CSRF         string
	Inputs       []input
	Columns      []column
	MaxMB        int
	Errors       int      // fields with an error
	General      []string // errors not tied to one input
	CSVErrors    []cellError
	Receipt      bool
	Answered     time.Time
	OnTime       bool
	FileRequired bool
	AnyRequired  bool // a form field is starred
	// What the answer held (per-area lines named by the plan), and for a
	// table how many rows it had beyond those shown.
	Shown     []datarequest.Shown
	ShownOf   int
	Reason    string // a cancelled request's reason, for the partner
	Attempt   string // "forsøg 2 af 3" when a parent asks again
	ColumnRow string // a table's column keys, heading its shown rows
	// CanResubmit: answered, and the partner may still send a new answer
	// (until the deadline, correct.go in the workflow package).
	CanResubmit bool
}

// kindText describes a field type in Danish.
var kindText = map[datarequest.FieldType]string{
	datarequest.Integer:    "helt tal",
	datarequest.Decimal:    "tal (decimalkomma tilladt)",
	datarequest.Percentage: "procent, 0–100",
	datarequest.Amount:     "beløb i kr. (ikke negativt)",
	datarequest.Text:       "tekst",
	datarequest.Choice:     "ét af valgene",
	datarequest.DateField:  "dato (dd-mm-åååå)",
}

// taskView builds a task page: the form with what was typed and each
// error beside its input, or the confirmation when answered.
func (p *Portal) taskView(v visitor, t datarequest.Task, typed map[string]string, ve *datarequest.ValidationError) taskView {
	path := v.base + "/opgave/" + url.PathEscape(t.RequestID)
	due, _ := plan.ParseDate(t.Due)
	view := taskView{
		PlanName: p.plan.Name, PartnerName: v.partner.Name, Task: t, Due: due,
		Overdue: t.Overdue, Action: path, ListURL: v.base, CSRF: p.csrf.Token(v.tokenHash + "\x00" + t.RequestID),
		MaxMB: datarequest.MaxCSVBytes >> 20, OnTime: t.OnTime,
	}
	if t.Status == datarequest.StatusAnswered {
		view.Answered = t.AnsweredAt
		view.CanResubmit = canResubmit(t, time.Now())
		view.Shown = shownWithNames(p.plan, t.Shown)
		if t.Table != nil && t.AnsweredRows > len(t.Shown) {
			view.ShownOf = t.AnsweredRows
		}
	}
	if t.Table != nil {
		keys := make([]string, len(t.Table.Columns))
		for i, c := range t.Table.Columns {
			keys[i] = c.Key
		}
		view.ColumnRow = strings.Join(keys, "; ")
	}
	if t.Reason != datarequest.StoppedReason {
		view.Reason = t.Reason
	}
	view.Attempt = attemptText(t)
	byField := map[string]string{}
	if ve != nil {
		for _, e := range ve.Errors {
			switch {
			case e.Line > 0 || (e.Field == "csv" && e.Column != ""):
				view.CSVErrors = append(view.CSVErrors, cellError{Line: e.Line, Column: e.Column, Message: e.Message})
			case e.Field != "" && e.Field != "csv" && typed != nil && hasKey(typed, e.Field):
				if byField[e.Field] == "" {
					byField[e.Field] = e.Message
				}
			default:
				view.General = append(view.General, e.Message)
			}
		}
	}
	in := inputOf(t)
	for _, s := range datarequest.Slots(in.Fields, in.Areas) {
		f := s.Field
		label := f.Label
		if s.Area != "" {
			name := s.Area
			if a, ok := p.plan.Area(s.Area); ok {
				name = a.Name
			}
			label += " – " + name
		}
		it := input{Key: s.Key, ID: "f-" + strings.NewReplacer("@", "-", ".", "-").Replace(s.Key), Label: label, Help: f.Help,
			Unit: f.Unit, Required: f.Required, Choices: f.Choices, Value: typed[s.Key], Error: byField[s.Key], Kind: kindText[f.Type]}
		switch f.Type {
		case datarequest.Integer:
			it.InputMode = "numeric"
		case datarequest.Decimal, datarequest.Percentage, datarequest.Amount:
			it.InputMode = "decimal"
		case datarequest.DateField:
			it.Placeholder = "dd-mm-åååå"
		}
		if it.Error != "" {
			view.Errors++
		}
		view.AnyRequired = view.AnyRequired || it.Required
		view.Inputs = append(view.Inputs, it)
	}
	if t.Table != nil {
		view.FileRequired = true
		for _, c := range t.Table.Columns {
			view.Columns = append(view.Columns, column{Key: c.Key, Label: c.Label, Kind: kindText[c.Type], Required: c.Required, Choices: strings.Join(c.Choices, ", ")})
		}
	}
	view.Errors += len(view.General) + len(view.CSVErrors)
	return view
}

// canResubmit is whether the partner may send a new answer to an answered
// task now; the workflow decides again.
func canResubmit(t datarequest.Task, now time.Time) bool {
	return t.Status == datarequest.StatusAnswered && now.Before(t.ResubmitUntil)
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// attemptText numbers a request that asks again after a rejected answer:
// "forsøg 2 af 3"; "" for a first request.
func attemptText(t datarequest.Task) string {
	if t.Attempt < 2 {
		return ""
	}
	if t.MaxAttempts < t.Attempt {
		return fmt.Sprintf("forsøg %d", t.Attempt)
	}
	return fmt.Sprintf("forsøg %d af %d", t.Attempt, t.MaxAttempts)
}
