package datarequest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"

	"helhed/danish"
	"helhed/plan"
)

// ValidationErrorType is the ApplicationError type a rejected submission
// carries; its details hold the *ValidationError.
const ValidationErrorType = "ValidationError"

// NotOpenErrorType is the ApplicationError type of an Update refused
// because the request is answered or cancelled (the run layer's 409).
const NotOpenErrorType = "NotOpen"

// Answer is an accepted submission in canonical form.
type Answer struct {
	Values map[string]string
	Rows   []map[string]string
}

// FieldKey is the answer key of a field, per area when area is set.
func FieldKey(f Field, area string) string {
	if f.PerArea && area != "" {
		return f.Key + "@" + area
	}
	return f.Key
}

// Slot is one input of a form: a field, for one area when it is asked per
// area.
type Slot struct {
	Field Field
	Area  string // "" unless Field.PerArea
	Key   string // the answer key
}

// Slots lists a request's form inputs in order.
func Slots(fields []Field, areas []string) []Slot {
	var out []Slot
	for _, f := range fields {
		if !f.PerArea {
			out = append(out, Slot{Field: f, Key: f.Key})
			continue
		}
		for _, a := range areas {
			out = append(out, Slot{Field: f, Area: a, Key: FieldKey(f, a)})
		}
	}
	return out
}

// Messages of a submission of the wrong shape.
const (
	notATable = "Opgaven beder om udfyldte felter, ikke om en CSV-fil."
	noFile    = "Vælg en CSV-fil med tabellen."
)

// cprMessage refuses a value that looks like a CPR number, without
// repeating it.
const cprMessage = "Værdien ligner et CPR-nummer og modtages ikke. CPR-numre må ikke sendes; brug fx et pseudonymt id."

// Check validates a submission against the request and returns it in
// canonical form, or a *ValidationError with a Danish message per field
// (per line and column for a CSV, per row and column for rows). It is
// pure, so the workflow's update validator, the portal and the API all run
// the same rules; a table file is read at the edge by ReadCSV, which runs
// them on its lines.
func Check(in *Input, sub Submission) (Answer, error) {
	if err := shape(in, sub); err != nil {
		return Answer{}, err
	}
	if in.Table != nil && sub.CSV != "" {
		read, err := ReadCSV(in, []byte(sub.CSV))
		if err != nil {
			return Answer{}, err
		}
		return Answer{Rows: read.Rows}, nil
	}
	a, err := accepted(in, sub)
	if err != nil {
		return Answer{}, err
	}
	if errs := screen(in, sub.Values, a, nil); len(errs) > 0 {
		return Answer{}, &ValidationError{Errors: errs}
	}
	return a, nil
}

// accepted is the answer a submission the validator accepted yields: what
// the submit handler keeps. It holds no rule that only refuses (screen):
// such a rule, added later, must not change what an Update accepted in a
// recorded history yields when it is replayed.
func accepted(in *Input, sub Submission) (Answer, error) {
	if err := shape(in, sub); err != nil {
		return Answer{}, err
	}
	switch {
	case in.Table != nil && sub.CSV != "":
		p := parseTable(in.Table, []byte(sub.CSV))
		if p.malformed {
			return Answer{}, &ValidationError{Errors: p.errs}
		}
		return Answer{Rows: p.rows}, nil
	case in.Table != nil:
		return Answer{Rows: sub.Rows}, nil
	}
	slots := Slots(in.Fields, in.Areas)
	var errs []FieldError
	values := map[string]string{}
	for _, s := range slots {
		raw := strings.TrimSpace(sub.Values[s.Key])
		if raw == "" {
			if s.Field.Required {
				errs = append(errs, FieldError{Field: s.Key, Message: "Feltet skal udfyldes."})
			}
			continue
		}
		v, msg := parseField(s.Field, raw)
		if msg != "" {
			errs = append(errs, FieldError{Field: s.Key, Message: msg})
			continue
		}
		values[s.Key] = v
	}
	// Unknown keys are an API caller's mistake; name them in a stable order.
	var unknown []string
	for k := range sub.Values { //workflowcheck:ignore only collected, then sorted
		if !slices.ContainsFunc(slots, func(s Slot) bool { return s.Key == k }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs = append(errs, FieldError{Field: k, Message: "Ukendt felt i denne opgave."})
	}
	if len(errs) > 0 {
		return Answer{}, &ValidationError{Errors: errs}
	}
	if len(values) == 0 {
		return Answer{}, &ValidationError{Errors: []FieldError{{Message: "Udfyld mindst ét felt."}}}
	}
	return Answer{Values: values}, nil
}

// shape checks that a submission is of the request's kind: values for a
// form; a CSV or rows (not both) for a table.
func shape(in *Input, sub Submission) error {
	bad := func(field, msg string) error {
		return &ValidationError{Errors: []FieldError{{Field: field, Message: msg}}}
	}
	if sub.SubmittedBy != "" && sub.SubmittedBy != "portal" && sub.SubmittedBy != "operator" {
		return bad("submittedBy", "skal være »portal« eller »operator«.")
	}
	if in.Table == nil {
		if sub.CSV != "" || sub.Rows != nil {
			return bad("csv", notATable)
		}
		return nil
	}
	switch {
	case len(sub.Values) > 0:
		return bad("values", "Opgaven beder om en tabel (CSV-fil), ikke om enkeltværdier.")
	case sub.CSV != "" && sub.Rows != nil:
		return bad("rows", "Send tabellen enten som CSV-tekst (csv) eller som rækker (rows), ikke begge.")
	case strings.TrimSpace(sub.CSV) == "" && len(sub.Rows) == 0:
		return bad("csv", noFile)
	}
	return nil
}

// screen holds the rules that only refuse, run by the validator and at
// the edge but not by the submit handler (accepted): no value that looks
// like a CPR number (raw are a form's values as typed; a table's cells are
// checked as read, and again as rows); a table's rows as the workflow
// keeps them; and the answer's size. lines are the file lines of a table's
// rows, for the messages; nil names rows by number.
func screen(in *Input, raw map[string]string, a Answer, lines []int) []FieldError {
	var errs []FieldError
	var size int
	if in.Table != nil {
		errs = checkRows(in.Table, a.Rows, lines)
		size = jsonSize(a.Rows)
	} else {
		for _, s := range Slots(in.Fields, in.Areas) {
			if danish.LooksLikeCPR(raw[s.Key]) {
				errs = append(errs, FieldError{Field: s.Key, Message: cprMessage})
			}
		}
		errs = append(errs, rangeErrors(in, a.Values)...)
		size = jsonSize(a.Values)
	}
	if len(errs) == 0 && size > MaxPayloadBytes {
		errs = append(errs, TooLarge(in, size))
	}
	return errs
}

// TooLarge refuses an answer that would be n bytes as the workflow
// carries it (over MaxPayloadBytes).
func TooLarge(in *Input, n int) FieldError {
	if in.Table == nil {
		return FieldError{Message: fmt.Sprintf("Svaret er for stort til at blive modtaget (%s; højst %s). Gør teksterne kortere.", sizeText(n), sizeText(MaxPayloadBytes))}
	}
	return FieldError{Field: "csv", Message: fmt.Sprintf(
		"Tabellen er for stor til at blive modtaget: læst fylder den %s, og et svar må højst fylde %s. Filen er ikke modtaget. Kontakt sekretariatet, så anmodningen kan deles op.",
		sizeText(n), sizeText(MaxPayloadBytes))}
}

// jsonSize is the length of v as JSON, the form Temporal payloads have
// before the codec seals them.
func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// checkRows checks a table's rows as the workflow keeps them: at least
// one and at most the table's maximum, only the table's columns, the
// required ones filled, every value in canonical form (as parseValue
// writes it) and none that looks like a CPR number.
func checkRows(t *Table, rows []map[string]string, lines []int) []FieldError {
	if len(rows) == 0 {
		return []FieldError{{Field: "rows", Message: "Tabellen har ingen rækker med data."}}
	}
	if max := maxRowsOf(t); len(rows) > max {
		return []FieldError{{Field: "rows", Message: fmt.Sprintf("Tabellen har flere end %d rækker; del den op eller kontakt sekretariatet.", max)}}
	}
	at := func(i int, column, msg string) FieldError {
		if lines != nil {
			return FieldError{Field: "csv", Line: lines[i], Column: column, Message: msg}
		}
		return FieldError{Field: fmt.Sprintf("rows[%d]", i), Column: column, Message: msg}
	}
	var out errorList
	for i, row := range rows {
		known := 0
		for _, c := range t.Columns {
			v, ok := row[c.Key]
			if ok {
				known++
			}
			switch {
			case v == "":
				if c.Required {
					out.add(at(i, c.Key, "Cellen er tom, men kolonnen skal udfyldes."))
				}
			case danish.LooksLikeCPR(v):
				out.add(at(i, c.Key, cprMessage))
			default:
				if msg := canonical(c, v); msg != "" {
					out.add(at(i, c.Key, msg))
				}
			}
		}
		if known < len(row) {
			var unknown []string
			for k := range row { //workflowcheck:ignore only collected, then sorted
				if !slices.ContainsFunc(t.Columns, func(c Column) bool { return c.Key == k }) {
					unknown = append(unknown, k)
				}
			}
			slices.Sort(unknown)
			for _, k := range unknown {
				out.add(at(i, clip(k), "Ukendt kolonne i denne opgave."))
			}
		}
	}
	for _, rule := range t.Rules {
		checkRule(rule, rows, at, &out)
	}
	return out.list()
}

// checkRule checks the rows against one of the table's rules. A cell that
// is empty or not in canonical form is left to the cell checks.
func checkRule(rule Rule, rows []map[string]string, at func(i int, column, msg string) FieldError, out *errorList) {
	number := func(row map[string]string, key string) (float64, bool) {
		f, err := strconv.ParseFloat(row[key], 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	switch rule.Kind {
	case OneOf:
		for i, row := range rows {
			if v := row[rule.Column]; v != "" && !slices.ContainsFunc(rule.Allowed, func(a Allowed) bool { return a.Takes(v) }) {
				out.add(at(i, rule.Column, fmt.Sprintf("»%s« kan ikke bruges her. Brug et af: %s.", clip(v), allowedList(rule.Allowed))))
			}
		}
	case Unique:
		first := map[string]int{}
		for i, row := range rows {
			v := row[rule.Column]
			if v == "" {
				continue
			}
			j, seen := first[v]
			if !seen {
				first[v] = i
				continue
			}
			where := fmt.Sprintf("række %d", j+1)
			if lines := lineOf(at, j); lines > 0 {
				where = fmt.Sprintf("linje %d", lines)
			}
			out.add(at(i, rule.Column, fmt.Sprintf("»%s« står også på %s; hver værdi må kun stå én gang i kolonnen.", clip(v), where)))
		}
	case AtLeast:
		for i, row := range rows {
			if f, ok := number(row, rule.Column); ok && f < rule.Min {
				out.add(at(i, rule.Column, fmt.Sprintf("%s er for lidt: %s skal være mindst %s.",
					danish.FormatNumber(f, -1), "»"+rule.Column+"«", danish.FormatNumber(rule.Min, -1))))
			}
		}
	case NotAbove:
		for i, row := range rows {
			f, ok := number(row, rule.Column)
			g, okOther := number(row, rule.Other)
			if ok && okOther && f > g {
				out.add(at(i, rule.Column, fmt.Sprintf("%s (%s) må ikke være mere end %s (%s).",
					"»"+rule.Column+"«", danish.FormatNumber(f, -1), "»"+rule.Other+"«", danish.FormatNumber(g, -1))))
			}
		}
	}
}

// lineOf is the file line of row i, or 0 when rows are named by number.
func lineOf(at func(i int, column, msg string) FieldError, i int) int { return at(i, "", "").Line }

// FoldValue is a value as OneOf compares it: lower-cased, runs
// of spaces made one, trimmed.
func FoldValue(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Takes reports whether v is the allowed value or one of its other
// spellings (FoldValue).
func (a Allowed) Takes(v string) bool {
	v = FoldValue(v)
	return v == FoldValue(a.Name) || slices.ContainsFunc(a.Also, func(s string) bool { return FoldValue(s) == v })
}

func allowedList(as []Allowed) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// canonical says what is wrong with a row's value v of column c, or ""
// when it is in the form parseValue writes.
func canonical(c Column, v string) string {
	ok := false
	switch c.Type {
	case Integer:
		n, err := strconv.ParseInt(v, 10, 64)
		ok = err == nil && strconv.FormatInt(n, 10) == v
	case Decimal, Percentage, Amount:
		f, err := strconv.ParseFloat(v, 64)
		ok = err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && formatNumber(f) == v
		switch c.Type {
		case Percentage:
			ok = ok && f >= 0 && f <= 100
		case Amount:
			ok = ok && f >= 0 && formatNumber(math.Round(f*100)/100) == v
		}
	case DateField:
		d, err := plan.ParseDate(v)
		ok = err == nil && d.String() == v
	case Choice:
		ok = slices.Contains(c.Choices, v)
	case Text:
		ok = v == strings.TrimSpace(v) && utf8.ValidString(v) && utf8.RuneCountInString(v) <= MaxTextLength
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("»%s« har ikke den form, rækkerne skal have: %s.", clip(v), canonicalForm[c.Type])
}

// canonicalForm describes the form of a row's value per type.
var canonicalForm = map[FieldType]string{
	Integer:    "et helt tal uden tusindtalsadskillelse, fx 1250",
	Decimal:    "et tal med punktum som decimaltegn, fx 12.5",
	Percentage: "et tal fra 0 til 100 med punktum som decimaltegn, fx 5.7",
	Amount:     "kroner med punktum og højst to decimaler, fx 12345.5",
	DateField:  "åååå-mm-dd",
	Choice:     "en af valgmulighederne, skrevet som i opgaven",
	Text:       "tekst uden mellemrum først og sidst, højst 5000 tegn",
}

// reject wraps a validation error for an update validator: the caller gets
// an ApplicationError whose details are the *ValidationError.
func reject(ve *ValidationError) error {
	return temporal.NewApplicationErrorWithOptions(ve.Error(), ValidationErrorType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{ve}})
}

// notOpen refuses an Update because of the request's status.
func notOpen(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, NotOpenErrorType, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// IsNotOpen reports whether an Update was refused because the request is
// answered or cancelled; msg is the Danish reason.
func IsNotOpen(err error) (msg string, ok bool) {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == NotOpenErrorType {
		return app.Message(), true
	}
	return "", false
}

// AsValidationError extracts the per-field errors from an update's error,
// as the portal and the API show them.
func AsValidationError(err error) (*ValidationError, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve, true
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == ValidationErrorType {
		var got *ValidationError
		if app.HasDetails() && app.Details(&got) == nil && got != nil && len(got.Errors) > 0 {
			return got, true
		}
		return &ValidationError{Errors: []FieldError{{Message: app.Message()}}}, true
	}
	return nil, false
}
