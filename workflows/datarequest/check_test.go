package datarequest_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"helhed/workflows/datarequest"
)

func formInput() *datarequest.Input {
	return &datarequest.Input{
		RequestID: "test/form", Partner: "ppr", Title: "Fravær", Due: "2026-04-07",
		Areas: []string{"vangdalen", "gl-jennumparken"},
		Fields: []datarequest.Field{
			{Key: "elever", Label: "Antal elever", Type: datarequest.Integer, Required: true},
			{Key: "fravaer", Label: "Fravær", Type: datarequest.Percentage, Required: true, PerArea: true},
			{Key: "beloeb", Label: "Beløb", Type: datarequest.Decimal},
			{Key: "dato", Label: "Opgjort", Type: datarequest.DateField},
			{Key: "niveau", Label: "Niveau", Type: datarequest.Choice, Choices: []string{"lav", "høj"}},
			{Key: "note", Label: "Note", Type: datarequest.Text},
		},
	}
}

func tableInput() *datarequest.Input {
	return &datarequest.Input{
		RequestID: "test/table", Partner: "monitorering", Title: "Nøgletal", Due: "2026-04-07",
		Table: &datarequest.Table{Columns: []datarequest.Column{
			{Key: "omraade", Label: "Område", Type: datarequest.Text, Required: true},
			{Key: "beboere", Label: "Beboere", Type: datarequest.Integer, Required: true},
			{Key: "andel", Label: "Andel", Type: datarequest.Percentage},
		}},
	}
}

func errorsOf(t *testing.T, err error) []datarequest.FieldError {
	t.Helper()
	var ve *datarequest.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %v", err)
	}
	return ve.Errors
}

func hasError(errs []datarequest.FieldError, field string, line int, column, fragment string) bool {
	for _, e := range errs {
		if e.Field == field && e.Line == line && e.Column == column && strings.Contains(e.Message, fragment) {
			return true
		}
	}
	return false
}

func TestCheckFormAcceptsDanishValues(t *testing.T) {
	ans, err := datarequest.Check(formInput(), datarequest.Submission{Values: map[string]string{
		"elever": "1.250", "fravaer@vangdalen": "5,7 %", "fravaer@gl-jennumparken": "100",
		"beloeb": "12.345,50", "dato": "31-12-2026", "niveau": "HØJ", "note": "  ok  ",
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"elever": "1250", "fravaer@vangdalen": "5.7", "fravaer@gl-jennumparken": "100",
		"beloeb": "12345.5", "dato": "2026-12-31", "niveau": "høj", "note": "ok"}
	for k, v := range want {
		if ans.Values[k] != v {
			t.Errorf("%s = %q, want %q", k, ans.Values[k], v)
		}
	}
}

// The bad input: a missing required field, a percentage of 140
// and text in a number field, each named with a Danish message.
func TestCheckFormRejectsBadValues(t *testing.T) {
	_, err := datarequest.Check(formInput(), datarequest.Submission{Values: map[string]string{
		"fravaer@vangdalen": "140", "fravaer@gl-jennumparken": "4", "beloeb": "mange", "dato": "31-02-2026",
		"niveau": "middel", "ukendt": "1",
	}})
	errs := errorsOf(t, err)
	for _, c := range []struct{ field, frag string }{
		{"elever", "skal udfyldes"},
		{"fravaer@vangdalen", "mellem 0 og 100"},
		{"beloeb", "»mange« er ikke et tal"},
		{"dato", "ikke en dato"},
		{"niveau", "lav, høj"},
		{"ukendt", "Ukendt felt"},
	} {
		if !hasError(errs, c.field, 0, "", c.frag) {
			t.Errorf("no error for %s containing %q in %+v", c.field, c.frag, errs)
		}
	}
	if hasError(errs, "fravaer@gl-jennumparken", 0, "", "") {
		t.Error("valid per-area value reported")
	}
}

func TestCheckTable(t *testing.T) {
	in := tableInput()
	cases := []struct {
		name string
		csv  string
		want func(t *testing.T, rows []map[string]string, errs []datarequest.FieldError)
	}{
		{"semicolon, header any case and order, extra column", "Beboere;OMRAADE;ekstra;andel\r\n1.234;Vangdalen;x;5,7\r\n12;Energivej;;\r\n", func(t *testing.T, rows []map[string]string, errs []datarequest.FieldError) {
			if len(errs) > 0 || len(rows) != 2 || rows[0]["beboere"] != "1234" || rows[0]["andel"] != "5.7" || rows[1]["omraade"] != "Energivej" {
				t.Fatalf("rows %v errs %v", rows, errs)
			}
			if _, ok := rows[0]["ekstra"]; ok {
				t.Fatal("unknown column kept")
			}
		}},
		{"comma with quoted decimal", "omraade,beboere,andel\nVangdalen,10,\"5,5\"\n", func(t *testing.T, rows []map[string]string, errs []datarequest.FieldError) {
			if len(errs) > 0 || rows[0]["andel"] != "5.5" {
				t.Fatalf("rows %v errs %v", rows, errs)
			}
		}},
		{"BOM and Windows-1252", func() string {
			b, _ := charmap.Windows1252.NewEncoder().String("omraade;beboere\nGl. Jennumparken Øst;7\n")
			return "\xef\xbb\xbf" + b
		}(), func(t *testing.T, rows []map[string]string, errs []datarequest.FieldError) {
			if len(errs) > 0 || rows[0]["omraade"] != "Gl. Jennumparken Øst" {
				t.Fatalf("rows %v errs %v", rows, errs)
			}
		}},
		{"missing column", "omraade;andel\nVangdalen;5\n", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 1, "beboere", "mangler") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"wrong delimiter", "omraade\tbeboere\nVangdalen\t5\n", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 1, "", "tabulator som skilletegn") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"bad cells name line and column", "omraade;beboere;andel\nVangdalen;fem;5\n;3;140\n", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 2, "beboere", "ikke et helt tal") || !hasError(errs, "csv", 3, "omraade", "tom") || !hasError(errs, "csv", 3, "andel", "0 og 100") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"decimal commas under comma delimiter", "omraade,beboere,andel\nVangdalen,10,5,5\n", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 2, "", "semikolon") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"header only", "omraade;beboere\n", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 2, "", "ingen rækker") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"10 MB of junk", strings.Repeat("junk;", 2<<20), func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 0, "", "for stor") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"binary", "omraade;beboere\n\x00\x01\x02", func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 0, "", "ikke en CSV-tekstfil") {
				t.Fatalf("errs %+v", errs)
			}
		}},
		{"too many rows", "omraade;beboere\n" + strings.Repeat("a;1\n", 11), func(t *testing.T, _ []map[string]string, errs []datarequest.FieldError) {
			if !hasError(errs, "csv", 12, "", "flere end 10 rækker") {
				t.Fatalf("errs %+v", errs)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tin := *in
			table := *in.Table
			table.MaxRows = 10
			tin.Table = &table
			ans, err := datarequest.Check(&tin, datarequest.Submission{CSV: c.csv})
			var errs []datarequest.FieldError
			if err != nil {
				errs = errorsOf(t, err)
			}
			c.want(t, ans.Rows, errs)
		})
	}
}

func TestCheckTableCapsErrorList(t *testing.T) {
	body := "omraade;beboere\n" + strings.Repeat("a;x\n", 80)
	errs := errorsOf(t, func() error { _, err := datarequest.Check(tableInput(), datarequest.Submission{CSV: body}); return err }())
	// The first 50 errors are listed, then one line counts the other 30.
	if len(errs) != 51 || !strings.Contains(errs[len(errs)-1].Message, "30 fejl mere") {
		t.Fatalf("%d errors, last %+v", len(errs), errs[len(errs)-1])
	}
}

func TestCheckInputNamesField(t *testing.T) {
	cases := []struct {
		edit  func(*datarequest.Input)
		field string
	}{
		{func(in *datarequest.Input) { in.RequestID = "Has Space" }, "requestId"},
		{func(in *datarequest.Input) { in.Due = "7-4-2026" }, "due"},
		{func(in *datarequest.Input) { in.Fields[1].Type = "money" }, "fields[1].type"},
		{func(in *datarequest.Input) { in.Fields[4].Choices = nil }, "fields[4].choices"},
		{func(in *datarequest.Input) { in.Fields[2].Key = "elever" }, "fields[2].key"},
		{func(in *datarequest.Input) { in.Areas = nil }, "areas"},
		{func(in *datarequest.Input) { in.Table = &datarequest.Table{} }, "fields"},
		{func(in *datarequest.Input) { in.Contact = "not an address" }, "contact"},
		{func(in *datarequest.Input) { in.Reminders = &datarequest.ReminderPolicy{BeforeDue: []int{0}} }, "reminders.beforeDue[0]"},
	}
	if err := datarequest.CheckInput(formInput()); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	for _, c := range cases {
		in := formInput()
		c.edit(in)
		err := datarequest.CheckInput(in)
		if err == nil || err.Field != c.field {
			t.Errorf("want error on %s, got %v", c.field, err)
		}
	}
}
