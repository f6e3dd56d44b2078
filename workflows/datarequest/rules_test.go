package datarequest_test

import (
	"strings"
	"testing"

	"helhed/workflows/datarequest"
)

func rulesInput() *datarequest.Input {
	in := tableInput()
	in.Table.Columns = append(in.Table.Columns, datarequest.Column{Key: "voksne", Label: "Voksne", Type: datarequest.Integer})
	in.Table.Rules = []datarequest.Rule{
		{Kind: datarequest.OneOf, Column: "omraade", Allowed: []datarequest.Allowed{
			{Name: "Hermann Stillingsvej-området", Also: []string{"hermann-stillingsvej-omraadet"}}, {Name: "Vangdalen"}}},
		{Kind: datarequest.Unique, Column: "omraade"},
		{Kind: datarequest.AtLeast, Column: "beboere", Min: 1},
		{Kind: datarequest.NotAbove, Column: "voksne", Other: "beboere"},
	}
	return in
}

// A table's rules are data in its input: checked where the file is read
// (naming lines) and by the validator on rows (naming rows).
func TestTableRules(t *testing.T) {
	in := rulesInput()
	if fe := datarequest.CheckInput(in); fe != nil {
		t.Fatal(fe)
	}
	good := "omraade;beboere;voksne\r\nhermann  STILLINGSVEJ-området;100;80\r\nhermann-stillingsvej-omraadet x;1;1\r\n"
	if _, err := datarequest.ReadCSV(in, []byte(good)); err == nil {
		t.Fatal("a value the rule does not allow was taken")
	}
	good = "omraade;beboere;voksne\r\nhermann  STILLINGSVEJ-området;100;80\r\nVangdalen;1;1\r\n"
	if _, err := datarequest.ReadCSV(in, []byte(good)); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	bad := "omraade;beboere;voksne\nVangdalen;10;5\nGl. Jennumparken;10;5\nvangdalen;0;0\nHermann Stillingsvej-området;10;11\n"
	_, err := datarequest.ReadCSV(in, []byte(bad))
	errs := errorsOf(t, err)
	for _, want := range []struct {
		line         int
		column, text string
	}{
		{3, "omraade", "Brug et af: Hermann Stillingsvej-området, Vangdalen."},
		{4, "beboere", "skal være mindst 1"},
		{5, "voksne", "»voksne« (11) må ikke være mere end »beboere« (10)"},
	} {
		if !hasError(errs, "csv", want.line, want.column, want.text) {
			t.Errorf("no error on line %d, %s: %q in %+v", want.line, want.column, want.text, errs)
		}
	}
	// Unique compares values as written: "vangdalen" is not "Vangdalen".
	dup := "omraade;beboere\nVangdalen;10\nVangdalen;12\n"
	if errs := errorsOf(t, ignoreValue(datarequest.ReadCSV(in, []byte(dup)))); !hasError(errs, "csv", 3, "omraade", "står også på linje 2") {
		t.Errorf("duplicate: %+v", errs)
	}
	rows := []map[string]string{{"omraade": "Vangdalen", "beboere": "10"}, {"omraade": "Vangdalen", "beboere": "0"}}
	_, err = datarequest.Check(in, datarequest.Submission{Rows: rows})
	errs = errorsOf(t, err)
	if !hasError(errs, "rows[1]", 0, "omraade", "står også på række 1") || !hasError(errs, "rows[1]", 0, "beboere", "mindst 1") {
		t.Errorf("rows: %+v", errs)
	}
}

func ignoreValue(_ datarequest.Submission, err error) error { return err }

func TestTableRulesInInput(t *testing.T) {
	for _, c := range []struct {
		rule  datarequest.Rule
		field string
	}{
		{datarequest.Rule{Kind: datarequest.Unique, Column: "nope"}, "table.rules[0].column"},
		{datarequest.Rule{Kind: "sorted", Column: "omraade"}, "table.rules[0].kind"},
		{datarequest.Rule{Kind: datarequest.OneOf, Column: "omraade"}, "table.rules[0].allowed"},
		{datarequest.Rule{Kind: datarequest.AtLeast, Column: "omraade"}, "table.rules[0].column"},
		{datarequest.Rule{Kind: datarequest.NotAbove, Column: "beboere", Other: "omraade"}, "table.rules[0].other"},
	} {
		in := tableInput()
		in.Table.Rules = []datarequest.Rule{c.rule}
		fe := datarequest.CheckInput(in)
		if fe == nil || fe.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.rule, fe, c.field)
		}
	}
}

func TestShownAnswer(t *testing.T) {
	in := rulesInput()
	rows := []map[string]string{{"omraade": "Vangdalen", "beboere": "1250", "andel": "5.5"}, {"omraade": "A", "beboere": "1"}, {"omraade": "B", "beboere": "2"}, {"omraade": "C", "beboere": "3"}}
	shown := datarequest.ShownAnswer(in, datarequest.Answer{Rows: rows})
	if len(shown) != datarequest.ShownRows || shown[0].Text() != "Række 1: Vangdalen; 1.250; 5,5 %; " {
		t.Errorf("table shown as %+v", shown)
	}
	form := formInput()
	shown = datarequest.ShownAnswer(form, datarequest.Answer{Values: map[string]string{"elever": "120", "fravaer@vangdalen": "5.7", "dato": "2026-03-31"}})
	var texts []string
	for _, s := range shown {
		texts = append(texts, s.AreaName(map[string]string{"vangdalen": "Vangdalen"}[s.Area]).Text())
	}
	if got := strings.Join(texts, " | "); got != "Antal elever: 120 | Fravær – Vangdalen: 5,7 % | Opgjort: 31-03-2026" {
		t.Errorf("form shown as %q", got)
	}
}
