package datarequest

import (
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
	}
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

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
