package datarequest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"helhed/danish"
	"helhed/workflows/datarequest"
)

func windows1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A file is decoded where it arrives; what travels to the workflow is text
// (rows), which survives JSON as it was read.
func TestReadCSVDecodesAtTheEdge(t *testing.T) {
	const text = "omraade;beboere;andel\r\nHermann Stillingsvej-området;1.234;5,7\r\nGl. Jennumparken Øst – Ærø;12;\r\n"
	cases := []struct {
		name     string
		file     []byte
		encoding string
	}{
		{"windows-1252", windows1252(t, text), danish.EncodingWindows1252},
		{"utf-8 with BOM", append([]byte("\xef\xbb\xbf"), text...), danish.EncodingUTF8BOM},
		{"utf-8", []byte(text), danish.EncodingUTF8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub, err := datarequest.ReadCSV(tableInput(), c.file)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(sub) // as the Update carries it
			if err != nil {
				t.Fatal(err)
			}
			var got datarequest.Submission
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Encoding != c.encoding || got.CSV != "" || len(got.Rows) != 2 ||
				got.Rows[0]["omraade"] != "Hermann Stillingsvej-området" || got.Rows[0]["beboere"] != "1234" || got.Rows[0]["andel"] != "5.7" ||
				got.Rows[1]["omraade"] != "Gl. Jennumparken Øst – Ærø" {
				t.Fatalf("%+v", got)
			}
			// The workflow's validator takes what the edge read.
			if _, err := datarequest.Check(tableInput(), got); err != nil {
				t.Fatalf("validator refuses the rows read: %v", err)
			}
		})
	}
	// A file in an encoding that is neither is refused, not read wrong.
	_, err := datarequest.ReadCSV(tableInput(), []byte("omraade;beboere\nGl. Jennumparken \x9d\x8f;1\n"))
	if errs := errorsOf(t, err); !hasError(errs, "csv", 0, "", "hverken UTF-8 eller Windows-1252") {
		t.Fatalf("errs %+v", errs)
	}
}

// A value that looks like a CPR number is refused, naming the line and
// column, and never repeated, in any column and in forms.
func TestCPRLikeValuesAreRefusedUnrepeated(t *testing.T) {
	file := "omraade;beboere\nVangdalen;1\nelev 010190-1234;2\nEnergivej;0101901234\n"
	_, err := datarequest.ReadCSV(tableInput(), []byte(file))
	errs := errorsOf(t, err)
	if !hasError(errs, "csv", 3, "omraade", "ligner et CPR-nummer") || !hasError(errs, "csv", 4, "beboere", "ligner et CPR-nummer") || len(errs) != 2 {
		t.Fatalf("errs %+v", errs)
	}
	values := map[string]string{"elever": "1", "fravaer@vangdalen": "1", "fravaer@gl-jennumparken": "1", "note": "ring 010190-1234"}
	_, err = datarequest.Check(formInput(), datarequest.Submission{Values: values})
	formErrs := errorsOf(t, err)
	values["beloeb"] = "010190-1234" // a number field: its message masks the value
	_, err = datarequest.Check(formInput(), datarequest.Submission{Values: values})
	formErrs = append(formErrs, errorsOf(t, err)...)
	if !hasError(formErrs, "note", 0, "", "ligner et CPR-nummer") || !hasError(formErrs, "beloeb", 0, "", "»XXXXXX-XXXX« er ikke et tal") {
		t.Fatalf("form errs %+v", formErrs)
	}
	for _, e := range append(errs, formErrs...) {
		if strings.Contains(e.Message, "0101") || strings.Contains(e.Message, "1234") {
			t.Errorf("message repeats the value: %+v", e)
		}
	}
}

// A file under the upload limit whose rows would not fit in a Temporal
// payload is refused before anything is sent.
func TestReadCSVRefusesWhatTheWorkflowCannotCarry(t *testing.T) {
	in := wideTable(12)
	file := wideCSV(12, 8000)
	if len(file) >= datarequest.MaxCSVBytes {
		t.Fatalf("the file is %d bytes, not under the upload limit", len(file))
	}
	_, err := datarequest.ReadCSV(in, file)
	errs := errorsOf(t, err)
	if len(errs) != 1 || !hasError(errs, "csv", 0, "", "for stor til at blive modtaget") {
		t.Fatalf("errs %+v", errs)
	}
	// A third of it fits.
	if sub, err := datarequest.ReadCSV(in, wideCSV(12, 3000)); err != nil || len(sub.Rows) != 3000 {
		t.Fatalf("%d rows, %v", len(sub.Rows), err)
	}
}

// wideTable has n short integer columns with long keys: its rows are far
// larger as JSON than as CSV.
func wideTable(n int) *datarequest.Input {
	in := tableInput()
	in.Table = &datarequest.Table{}
	for i := range n {
		in.Table.Columns = append(in.Table.Columns, datarequest.Column{Key: fmt.Sprintf("maaling_nummer_%02d", i), Label: "Måling", Type: datarequest.Integer, Required: true})
	}
	return in
}

func wideCSV(columns, rows int) []byte {
	var b strings.Builder
	for i := range columns {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprintf(&b, "maaling_nummer_%02d", i)
	}
	b.WriteByte('\n')
	line := strings.TrimSuffix(strings.Repeat("7;", columns), ";") + "\n"
	for range rows {
		b.WriteString(line)
	}
	return []byte(b.String())
}

// Rows sent to the workflow are checked in the form it keeps them; each
// error names the row and column.
func TestCheckRows(t *testing.T) {
	in := tableInput()
	good := []map[string]string{{"omraade": "Vangdalen", "beboere": "1234", "andel": "5.7"}, {"omraade": "Energivej", "beboere": "12"}}
	ans, err := datarequest.Check(in, datarequest.Submission{Rows: good, Encoding: danish.EncodingWindows1252})
	if err != nil || len(ans.Rows) != 2 || ans.Rows[0]["andel"] != "5.7" {
		t.Fatalf("%+v %v", ans, err)
	}
	bad := []map[string]string{
		{"omraade": "Vangdalen", "beboere": "1.234", "andel": "5,7"},
		{"omraade": " Energivej", "beboere": "NaN", "navn": "Åse"},
		{"beboere": "3", "andel": "140"},
		{"omraade": "010190-1234", "beboere": "1"},
	}
	errs := errorsOf(t, func() error { _, err := datarequest.Check(in, datarequest.Submission{Rows: bad}); return err }())
	for _, want := range []struct{ field, column, msg string }{
		{"rows[0]", "beboere", "et helt tal"}, {"rows[0]", "andel", "fra 0 til 100"},
		{"rows[1]", "omraade", "uden mellemrum"}, {"rows[1]", "beboere", "»NaN«"}, {"rows[1]", "navn", "Ukendt kolonne"},
		{"rows[2]", "omraade", "skal udfyldes"}, {"rows[2]", "andel", "fra 0 til 100"},
		{"rows[3]", "omraade", "CPR-nummer"},
	} {
		if !hasError(errs, want.field, 0, want.column, want.msg) {
			t.Errorf("no error %+v in %+v", want, errs)
		}
	}
	for name, sub := range map[string]datarequest.Submission{
		"both csv and rows": {CSV: "omraade;beboere\nx;1\n", Rows: good},
		"rows to a form":    {Rows: good},
		"no rows":           {Rows: []map[string]string{}},
	} {
		target := in
		if name == "rows to a form" {
			target = formInput()
		}
		if _, err := datarequest.Check(target, sub); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// Whatever the edge accepts, the validator accepts as rows, and the same
// file sent as CSV text yields the same rows.
func TestEdgeAndValidatorAgree(t *testing.T) {
	files := []string{
		"Beboere;OMRAADE;ekstra;andel\r\n1.234;Vangdalen;x;5,7\r\n12;Energivej;;\r\n",
		"omraade,beboere,andel\nVangdalen,10,\"5,5\"\n",
		"sep=;\nomraade;beboere;andel\nVangdalen;1.000.000;100\n\nEnergivej;0;0,25 %\n",
		"omraade;beboere\nVangdalen;fem\n",
	}
	for _, f := range files {
		read, errEdge := datarequest.ReadCSV(tableInput(), []byte(f))
		legacy, errLegacy := datarequest.Check(tableInput(), datarequest.Submission{CSV: f})
		if (errEdge == nil) != (errLegacy == nil) {
			t.Errorf("%q: edge %v, validator %v", f, errEdge, errLegacy)
			continue
		}
		if errEdge != nil {
			continue
		}
		if _, err := datarequest.Check(tableInput(), read); err != nil {
			t.Errorf("%q: the validator refuses the edge's rows: %v", f, err)
		}
		a, _ := json.Marshal(read.Rows)
		b, _ := json.Marshal(legacy.Rows)
		if string(a) != string(b) {
			t.Errorf("%q: edge %s, validator %s", f, a, b)
		}
	}
}

func TestReceiptSaysHowTheFileWasRead(t *testing.T) {
	n := datarequest.Notice{Kind: datarequest.NoticeReceipt, Title: "Nøgletal", Due: "2026-04-07",
		AnsweredAt: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), OnTime: true, Rows: 2, Encoding: danish.EncodingWindows1252}
	_, text := datarequest.Compose(n, "PPR", "Helhedsplan", "", "", time.UTC)
	if !strings.Contains(text, "Filen blev læst som Windows-1252: 2 rækker.") {
		t.Fatalf("receipt:\n%s", text)
	}
	n.Encoding, n.Rows = "", 0
	if _, text := datarequest.Compose(n, "PPR", "Helhedsplan", "", "", time.UTC); strings.Contains(text, "Filen blev læst") {
		t.Fatalf("a form's receipt speaks of a file:\n%s", text)
	}
}
