package danish

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const area = "Hermann Stillingsvej-området;Søren Ærø;Åse Ødegård"
	cases := []struct {
		name     string
		in       []byte
		text     string
		encoding string
	}{
		{"utf-8", []byte(area), area, EncodingUTF8},
		{"utf-8 with BOM", append([]byte("\xef\xbb\xbf"), area...), area, EncodingUTF8BOM},
		{"windows-1252", win1252(t, area+"\r\n"), area + "\r\n", EncodingWindows1252},
		{"BOM and windows-1252", append([]byte("\xef\xbb\xbf"), win1252(t, area)...), area, EncodingWindows1252},
		{"ascii", []byte("a;b\n"), "a;b\n", EncodingUTF8},
		{"empty", nil, "", EncodingUTF8},
		{"euro sign and quotes", []byte("\x80 \x93x\x94"), "€ “x”", EncodingWindows1252},
	}
	for _, c := range cases {
		text, enc, err := Decode(c.in)
		if err != nil || text != c.text || enc != c.encoding {
			t.Errorf("%s: %q, %s, %v; want %q, %s", c.name, text, enc, err, c.text, c.encoding)
		}
	}
	refused := []struct {
		name    string
		in      string
		problem TextProblem
		msg     string
	}{
		{"utf-16 le", "\xff\xfel\x00e\x00", UTF16, "filen er gemt som UTF-16"},
		{"utf-16 be", "\xfe\xff\x00l\x00e", UTF16, "UTF-16"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00", Binary, "NUL-bytes"},
		{"zip without NUL", "PK\x03\x04abc", Binary, "zip-arkiv"},
		{"binary", "omraade;beboere\n\x00\x01\x02", Binary, "NUL-bytes"},
		{"control characters", "omraade;beboere\n\x01\x02\xe6", Binary, "styretegn"},
		{"IBM 850 Ø and Å", "omraade\nGl. Jennumparken \x9d\x8f\n", OtherEncoding, "hverken UTF-8 eller Windows-1252"},
	}
	for _, c := range refused {
		_, _, err := Decode([]byte(c.in))
		var te *TextError
		if !errors.As(err, &te) || te.Problem != c.problem || !strings.Contains(te.Message, c.msg) {
			t.Errorf("%s: %v, want problem %d saying %q", c.name, err, c.problem, c.msg)
		}
	}
}

type record struct {
	line   int
	fields string
}

func readAll(t *testing.T, r *CSVReader) []record {
	t.Helper()
	var out []record
	for {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out = append(out, record{line, "error: " + CSVProblem(err)})
			continue
		}
		out = append(out, record{line, strings.Join(rec, "|")})
	}
}

func TestCSVReader(t *testing.T) {
	cases := []struct {
		name       string
		in         []byte
		format     CSVFormat
		encoding   string
		sep        rune
		header     string
		headerLine int
		records    []record
	}{
		{
			name: "semicolon, CRLF", in: []byte("a;b\r\n1;2\r\n3;4\r\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingUTF8, sep: ';', header: "a|b", headerLine: 1, records: []record{{2, "1|2"}, {3, "3|4"}},
		},
		{
			name: "sep=; line counts", in: []byte("sep=;\r\nlejemaalsnr;navn\r\n1;A\r\n\r\n2;B\r\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingUTF8, sep: ';', header: "lejemaalsnr|navn", headerLine: 2, records: []record{{3, "1|A"}, {5, "2|B"}},
		},
		{
			name: "SEP=, upper case, accepted", in: []byte("SEP=,\na,b\n1,2\n"), format: CSVFormat{Separators: ";,"},
			encoding: EncodingUTF8, sep: ',', header: "a|b", headerLine: 2, records: []record{{3, "1|2"}},
		},
		{
			name: "BOM and sep=;", in: []byte("\xef\xbb\xbfsep=;\nomraade;vaerdi\nx;1,5\n"), format: CSVFormat{Separators: ";,"},
			encoding: EncodingUTF8BOM, sep: ';', header: "omraade|vaerdi", headerLine: 2, records: []record{{3, "x|1,5"}},
		},
		{
			name: "comma sniffed", in: []byte("omraade,beboere,andel\nVangdalen,10,\"5,5\"\n"), format: CSVFormat{Separators: ";,"},
			encoding: EncodingUTF8, sep: ',', header: "omraade|beboere|andel", headerLine: 1, records: []record{{2, "Vangdalen|10|5,5"}},
		},
		{
			name: "semicolon wins over commas in quotes", in: []byte("\"a,b,c\";d\n1;2\n"), format: CSVFormat{Separators: ";,"},
			encoding: EncodingUTF8, sep: ';', header: "a,b,c|d", headerLine: 1, records: []record{{2, "1|2"}},
		},
		{
			name: "one column", in: []byte("omraade\nx\n"), format: CSVFormat{Separators: ";,"},
			encoding: EncodingUTF8, sep: ';', header: "omraade", headerLine: 1, records: []record{{2, "x"}},
		},
		{
			name: "windows-1252", in: win1252(t, "omraade;navn\r\nHermann Stillingsvej-området;Søren Ærø\r\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingWindows1252, sep: ';', header: "omraade|navn", headerLine: 1,
			records: []record{{2, "Hermann Stillingsvej-området|Søren Ærø"}},
		},
		{
			name: "leading blank lines", in: []byte("\n\na;b\n1;2\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingUTF8, sep: ';', header: "a|b", headerLine: 3, records: []record{{4, "1|2"}},
		},
		{
			name: "multi-line field keeps its first line", in: []byte("a;b\n\"x\ny\";2\n3;4\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingUTF8, sep: ';', header: "a|b", headerLine: 1, records: []record{{2, "x\ny|2"}, {4, "3|4"}},
		},
		{
			name: "bad quote, reading goes on", in: []byte("sep=;\na;b\n1;x\"y\n3;4\n"), format: CSVFormat{Separators: ";"},
			encoding: EncodingUTF8, sep: ';', header: "a|b", headerLine: 2,
			records: []record{{3, "error: et anførselstegn (\") står forkert, eller et felt i anførselstegn er ikke afsluttet"}, {4, "3|4"}},
		},
		{
			name: "lazy quotes", in: []byte("a;b\n1;x\"y\n"), format: CSVFormat{Separators: ";", LazyQuotes: true},
			encoding: EncodingUTF8, sep: ';', header: "a|b", headerLine: 1, records: []record{{2, "1|x\"y"}},
		},
		{
			name: "ragged records", in: []byte("a;b;c\n1\n1;2;3;4\n"), format: CSVFormat{},
			encoding: EncodingUTF8, sep: ';', header: "a|b|c", headerLine: 1, records: []record{{2, "1"}, {3, "1|2|3|4"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewCSVReader(c.in, c.format)
			if err != nil {
				t.Fatal(err)
			}
			if r.Encoding != c.encoding || r.Separator != c.sep || strings.Join(r.Header, "|") != c.header || r.HeaderLine != c.headerLine {
				t.Fatalf("encoding %s, separator %q, header %q on line %d", r.Encoding, r.Separator, r.Header, r.HeaderLine)
			}
			got := readAll(t, r)
			if len(got) != len(c.records) {
				t.Fatalf("records %v, want %v", got, c.records)
			}
			for i := range got {
				if got[i] != c.records[i] {
					t.Errorf("record %d = %v, want %v", i, got[i], c.records[i])
				}
			}
		})
	}
}

func TestCSVReaderRefuses(t *testing.T) {
	cases := []struct {
		name   string
		in     string
		format CSVFormat
		check  func(error) bool
		msg    string
	}{
		{"empty", "", CSVFormat{}, isErr(ErrEmpty), "filen er tom"},
		{"white space", " \r\n\t\n", CSVFormat{}, isErr(ErrEmpty), "filen er tom"},
		{"BOM only", "\xef\xbb\xbf\r\n\r\n", CSVFormat{}, isErr(ErrEmpty), "filen er tom"},
		{"sep line only", "sep=;\r\n", CSVFormat{}, isErr(ErrEmpty), "filen er tom"},
		{"comma, semicolon demanded", "a,b,c\n1,2,3\n", CSVFormat{Separators: ";"}, isSep(",", false), "kolonnerne er adskilt af ',' (komma)"},
		{"tabs", "a\tb\tc\n", CSVFormat{Separators: ";"}, isSep("\t", false), "adskilt af tabulatorer"},
		{"tabs, either accepted", "omraade\tbeboere\n", CSVFormat{Separators: ";,"}, isSep("\t", false), "tabulatorer"},
		{"pipes", "a|b\n", CSVFormat{Separators: ";,"}, isSep("|", false), "'|' (lodret streg)"},
		{"more tabs than commas", "a\tb,c\td\n", CSVFormat{Separators: ";"}, isSep("\t", false), "tabulatorer"},
		{"sep hint not accepted", "sep=,\na,b\n", CSVFormat{Separators: ";"}, isSep(",", true), "',' (komma)"},
		{"sep hint unknown", "sep=ab\na;b\n", CSVFormat{Separators: ";"}, isSep("ab", true), `"ab"`},
		{"utf-16", "\xff\xfea\x00", CSVFormat{}, isText(UTF16), "UTF-16"},
		{"xlsx", "PK\x03\x04\x00\x00", CSVFormat{}, isText(Binary), "NUL-bytes"},
		{"bad header", "\"a;b\n", CSVFormat{}, isParse(1), ""},
		{"bad header after sep line", "sep=;\n\"a;b\n", CSVFormat{}, isParse(2), ""},
	}
	for _, c := range cases {
		_, err := NewCSVReader([]byte(c.in), c.format)
		if err == nil || !c.check(err) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %#v (%v)", c.name, err, err)
		}
	}
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func isSep(sep string, hint bool) func(error) bool {
	return func(err error) bool {
		var se *SeparatorError
		return errors.As(err, &se) && se.Sep == sep && se.Hint == hint
	}
}

func isText(p TextProblem) func(error) bool {
	return func(err error) bool {
		var te *TextError
		return errors.As(err, &te) && te.Problem == p
	}
}

func isParse(line int) func(error) bool {
	return func(err error) bool {
		var pe *csv.ParseError
		return errors.As(err, &pe) && pe.StartLine == line
	}
}

func TestEncodingName(t *testing.T) {
	for enc, want := range map[string]string{EncodingUTF8: "UTF-8", EncodingUTF8BOM: "UTF-8 med BOM", EncodingWindows1252: "Windows-1252"} {
		if got := EncodingName(enc); got != want {
			t.Errorf("EncodingName(%q) = %q, want %q", enc, got, want)
		}
	}
}

func TestNormaliseHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Lejemålsnr": "lejemaalsnr", " LEJEMÅLS-NR. ": "lejemaalsnr", "\ufeffBoligorganisation": "boligorganisation",
		"Forfalds_dato": "forfaldsdato", "Ulovligt fravær": "ulovligtfravaer", "ulovligt_fravaer": "ulovligtfravaer",
		"Værdi": "vaerdi", "Område": "omraade", "ØKONOMI": "oekonomi", "": "",
	} {
		if got := NormaliseHeader(in); got != want {
			t.Errorf("NormaliseHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVProblem(t *testing.T) {
	if got := CSVProblem(&csv.ParseError{Err: csv.ErrBareQuote}); !strings.HasPrefix(got, "et anførselstegn") {
		t.Errorf("bare quote: %q", got)
	}
	if got := CSVProblem(csv.ErrFieldCount); got != "ugyldigt CSV-format" {
		t.Errorf("other: %q", got)
	}
}
