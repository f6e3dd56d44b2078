package datarequest

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
)

var (
	requestIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)
	keyPattern       = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
)

const maxRequestIDLength = 160

// CheckInput checks what can be checked without the plan: the shape of the
// request. The workflow runs it first (a bad child input fails at once,
// naming the field); the run layer runs it through Kind.Validate, which
// adds the plan checks.
func CheckInput(in *Input) *fielderr.Error {
	bad := func(field, format string, args ...any) *fielderr.Error {
		return &fielderr.Error{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case in.RequestID == "":
		return bad("requestId", "skal udfyldes")
	case len(in.RequestID) > maxRequestIDLength:
		return bad("requestId", "højst %d tegn", maxRequestIDLength)
	case !requestIDPattern.MatchString(in.RequestID):
		return bad("requestId", "brug små bogstaver, cifre, '.', '_' og '-' og '/' mellem delene (en forretningsnøgle, aldrig personoplysninger)")
	case in.Partner == "":
		return bad("partner", "skal udfyldes (en partner i planen)")
	case strings.TrimSpace(in.Title) == "":
		return bad("title", "skal udfyldes (på dansk)")
	case len(in.Title) > 200:
		return bad("title", "højst 200 tegn")
	case len(in.Instructions) > 10000:
		return bad("instructions", "højst 10.000 tegn")
	}
	if in.Contact != "" {
		if a, err := mail.ParseAddress(in.Contact); err != nil || a.Address != in.Contact {
			return bad("contact", "ikke en gyldig e-mailadresse")
		}
	}
	if in.Due == "" {
		return bad("due", "skal udfyldes (åååå-mm-dd)")
	}
	if _, err := plan.ParseDate(in.Due); err != nil {
		return bad("due", "%q er ikke en dato; skriv åååå-mm-dd", in.Due)
	}
	if (len(in.Fields) == 0) == (in.Table == nil) {
		return bad("fields", "angiv enten fields eller table (præcis én af dem)")
	}
	if err := checkFields(in); err != nil {
		return err
	}
	if err := checkTable(in.Table); err != nil {
		return err
	}
	if p := in.Reminders; p != nil {
		for i, n := range p.BeforeDue {
			if n < 1 || n > 60 {
				return bad(fmt.Sprintf("reminders.beforeDue[%d]", i), "hverdage før fristen: 1 til 60")
			}
		}
		for i, n := range p.AfterDue {
			if n < 1 || n > 60 {
				return bad(fmt.Sprintf("reminders.afterDue[%d]", i), "hverdage efter fristen: 1 til 60")
			}
		}
		if p.EscalateAfter < 0 || p.EscalateAfter > 60 {
			return bad("reminders.escalateAfter", "hverdage efter fristen: 0 (ingen eskalering) til 60")
		}
	}
	return nil
}

func checkFields(in *Input) *fielderr.Error {
	err := checkDefs("fields", len(in.Fields), func(i int) (string, string, FieldType, []string) {
		f := in.Fields[i]
		return f.Key, f.Label, f.Type, f.Choices
	})
	if err != nil {
		return err
	}
	for i, f := range in.Fields {
		at := fmt.Sprintf("fields[%d]", i)
		if _, _, number := Bounds(f); !number && (f.Min != nil || f.Max != nil) {
			return &fielderr.Error{Field: at + ".min", Message: "min og max kun for taltyper (integer, decimal, percentage, amount)"}
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			return &fielderr.Error{Field: at + ".max", Message: "max må ikke være mindre end min"}
		}
	}
	perArea := slices.ContainsFunc(in.Fields, func(f Field) bool { return f.PerArea })
	if perArea && len(in.Areas) == 0 {
		return &fielderr.Error{Field: "areas", Message: "skal udfyldes, når et felt spørges pr. boligområde"}
	}
	areaSeen := map[string]bool{}
	for i, a := range in.Areas {
		if !keyPattern.MatchString(a) || areaSeen[a] {
			return &fielderr.Error{Field: fmt.Sprintf("areas[%d]", i), Message: "et boligområde i planen, højst én gang"}
		}
		areaSeen[a] = true
	}
	return nil
}

func checkTable(t *Table) *fielderr.Error {
	if t == nil {
		return nil
	}
	if len(t.Columns) == 0 {
		return &fielderr.Error{Field: "table.columns", Message: "mindst én kolonne"}
	}
	if t.MaxRows < 0 || t.MaxRows > DefaultMaxRows {
		return &fielderr.Error{Field: "table.maxRows", Message: fmt.Sprintf("0 (standard: %[1]s) til %[1]s", danish.FormatNumber(DefaultMaxRows, 0))}
	}
	if err := checkDefs("table.columns", len(t.Columns), func(i int) (string, string, FieldType, []string) {
		c := t.Columns[i]
		return c.Key, c.Label, c.Type, c.Choices
	}); err != nil {
		return err
	}
	return checkRules(t)
}

// checkRules checks a table's rules: each names its columns, a number
// rule numeric ones, a OneOf rule its values.
func checkRules(t *Table) *fielderr.Error {
	typeOf := func(key string) (FieldType, bool) {
		i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Key == key })
		if i < 0 {
			return "", false
		}
		return t.Columns[i].Type, true
	}
	numeric := func(typ FieldType) bool {
		return typ == Integer || typ == Decimal || typ == Percentage || typ == Amount
	}
	for i, r := range t.Rules {
		at := fmt.Sprintf("table.rules[%d]", i)
		typ, ok := typeOf(r.Column)
		if !ok {
			return &fielderr.Error{Field: at + ".column", Message: fmt.Sprintf("%q er ikke en kolonne i tabellen", r.Column)}
		}
		switch r.Kind {
		case OneOf:
			if len(r.Allowed) == 0 || slices.ContainsFunc(r.Allowed, func(a Allowed) bool { return strings.TrimSpace(a.Name) == "" }) {
				return &fielderr.Error{Field: at + ".allowed", Message: "mindst én tilladt værdi, hver med et navn"}
			}
		case Unique:
		case AtLeast:
			if !numeric(typ) {
				return &fielderr.Error{Field: at + ".column", Message: "atLeast kræver en talkolonne"}
			}
		case NotAbove:
			other, ok := typeOf(r.Other)
			if !numeric(typ) || !ok || !numeric(other) || r.Other == r.Column {
				return &fielderr.Error{Field: at + ".other", Message: "notAbove kræver to forskellige talkolonner (column og other)"}
			}
		default:
			return &fielderr.Error{Field: at + ".kind", Message: "én af oneOf, unique, atLeast, notAbove"}
		}
	}
	return nil
}

// checkDefs checks n field or column definitions: each well formed, keys
// unique.
func checkDefs(list string, n int, def func(int) (key, label string, typ FieldType, choices []string)) *fielderr.Error {
	seen := map[string]bool{}
	for i := range n {
		key, label, typ, choices := def(i)
		at := fmt.Sprintf("%s[%d]", list, i)
		if err := checkKind(at, key, label, typ, choices); err != nil {
			return err
		}
		if seen[key] {
			return &fielderr.Error{Field: at + ".key", Message: fmt.Sprintf("%q er brugt to gange", key)}
		}
		seen[key] = true
	}
	return nil
}

func checkKind(at, key, label string, typ FieldType, choices []string) *fielderr.Error {
	switch {
	case !keyPattern.MatchString(key):
		return &fielderr.Error{Field: at + ".key", Message: "små bogstaver (a-z), cifre, '_' eller '-'; første tegn et bogstav"}
	case strings.TrimSpace(label) == "":
		return &fielderr.Error{Field: at + ".label", Message: "skal udfyldes (på dansk)"}
	}
	switch typ {
	case Integer, Decimal, Percentage, Amount, Text, DateField:
		if len(choices) > 0 {
			return &fielderr.Error{Field: at + ".choices", Message: "kun for typen choice"}
		}
	case Choice:
		if len(choices) == 0 {
			return &fielderr.Error{Field: at + ".choices", Message: "typen choice kræver valgmuligheder (choices)"}
		}
	default:
		return &fielderr.Error{Field: at + ".type", Message: "én af integer, decimal, percentage, amount, text, choice, date"}
	}
	return nil
}

// CheckAgainstPlan checks the ids an input names: the partner and the
// areas must be the plan's, and a new request may not be due in the past
// unless it went out by other means before (SentOn, on or before the due
// date, inside the plan period and not in the future).
func CheckAgainstPlan(p *plan.Plan, in *Input, today plan.Date) *fielderr.Error {
	if _, ok := p.Partner(in.Partner); !ok {
		return &fielderr.Error{Field: "partner", Message: fmt.Sprintf("%q er ikke en partner i planen %s", in.Partner, p.ID)}
	}
	for i, a := range in.Areas {
		if _, ok := p.Area(a); !ok {
			return &fielderr.Error{Field: fmt.Sprintf("areas[%d]", i), Message: fmt.Sprintf("%q er ikke et boligområde i planen %s", a, p.ID)}
		}
	}
	due, _ := plan.ParseDate(in.Due)
	if in.SentOn != "" {
		sent, err := plan.ParseDate(in.SentOn)
		switch {
		case err != nil:
			return &fielderr.Error{Field: "sentOn", Message: fmt.Sprintf("%q er ikke en dato; skriv åååå-mm-dd", in.SentOn)}
		case sent.After(today):
			return &fielderr.Error{Field: "sentOn", Message: fmt.Sprintf("%s ligger i fremtiden; sentOn er den dag, anmodningen blev sendt", danish.Date(sent))}
		case sent.After(due):
			return &fielderr.Error{Field: "sentOn", Message: fmt.Sprintf("anmodningen kan ikke være sendt %s, efter fristen %s", danish.Date(sent), danish.Date(due))}
		case !p.Period.Contains(sent):
			return &fielderr.Error{Field: "sentOn", Message: fmt.Sprintf("%s ligger uden for planperioden %s–%s", danish.Date(sent), danish.Date(p.Period.Start), danish.Date(p.Period.End))}
		}
		return nil
	}
	if due.Before(today) {
		return &fielderr.Error{Field: "due", Message: fmt.Sprintf("fristen %s er allerede passeret (en anmodning, der allerede er sendt på anden vis, registreres med sentOn)", danish.Date(due))}
	}
	return nil
}

// Deadline is the instant a due date ends: midnight after it, in loc.
func Deadline(due plan.Date, loc *time.Location) time.Time {
	return due.AddDays(1).In(loc)
}
