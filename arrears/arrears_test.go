package arrears

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"helhed/danish"
	"helhed/plan"
	"helhed/pseudonym"
)

func testOptions(t *testing.T) Options {
	t.Helper()
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Plan: p, Hasher: pseudonym.New(bytes.Repeat([]byte{42}, 32)), ListDate: plan.NewDate(2026, 3, 2)}
}

func parseFile(t *testing.T, name string) (*Result, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, testOptions(t))
}

func TestMonth1RealisticList(t *testing.T) {
	res, err := parseFile(t, "month1.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res.Encoding != danish.EncodingUTF8BOM || res.Lines != 11 || len(res.Entries) != 11 || len(res.Rejected) != 0 || len(res.Duplicates) != 0 {
		t.Fatalf("encoding %s, lines %d, entries %d, rejected %v, duplicates %v", res.Encoding, res.Lines, len(res.Entries), res.Rejected, res.Duplicates)
	}
	areas := map[string]int{}
	for _, e := range res.Entries {
		areas[e.Area]++
	}
	want := map[string]int{"gl-jennumparken": 4, "glarbjergvej-omraadet": 3, "hermann-stillingsvej-omraadet": 2, "energivej-omraadet": 2}
	if fmt.Sprint(areas) != fmt.Sprint(want) {
		t.Fatalf("areas %v, want %v", areas, want)
	}
	bo := res.Entries[1]
	if bo.Line != 3 || bo.Organisation != "ms" || bo.Arrears != 1234550 || bo.DueDate != plan.NewDate(2026, 1, 1) ||
		bo.Reminders != 3 || bo.Contact.Name != "Bo Hansen" || bo.TenancyNumber != "27-101-7" {
		t.Fatalf("line 3 read as %+v / %q", bo, bo.Contact.Name)
	}
	// "MS" and department "07" are the plan's ms/7.
	if e := res.Entries[8]; e.Organisation != "ms" || e.Area != "hermann-stillingsvej-omraadet" {
		t.Fatalf("alias MS / dept 07: %+v", e)
	}
	// yyyy-mm-dd works as well as dd-mm-yyyy.
	if e := res.Entries[5]; e.DueDate != plan.NewDate(2026, 2, 1) {
		t.Fatalf("iso date: %v", e.DueDate)
	}
}

func TestMonth2SameTenanciesSameIDs(t *testing.T) {
	m1, err := parseFile(t, "month1.csv")
	if err != nil {
		t.Fatal(err)
	}
	m2, err := parseFile(t, "month2.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Entries) != 7 || len(m2.Rejected) != 0 {
		t.Fatalf("month 2: %d entries, rejected %v", len(m2.Entries), m2.Rejected)
	}
	ids := map[string]bool{}
	for _, e := range m1.Entries {
		ids[e.TenancyID] = true
	}
	again := 0
	for _, e := range m2.Entries {
		if ids[e.TenancyID] {
			again++
		}
	}
	// Same tenancies under other spellings of the organisation and "024".
	if again != 4 {
		t.Fatalf("%d tenancies recognised from month 1, want 4", again)
	}
}

func TestWindows1252Names(t *testing.T) {
	res, err := parseFile(t, "windows-1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res.Encoding != danish.EncodingWindows1252 || len(res.Entries) != 2 {
		t.Fatalf("%s, %d entries, rejected %v", res.Encoding, len(res.Entries), res.Rejected)
	}
	if c := res.Entries[0].Contact; c.Name != "Søren Ærø" || !strings.HasPrefix(c.Address, "Ærøvej 7") {
		t.Fatalf("decoded %q / %q", c.Name, c.Address)
	}
	if c := res.Entries[1].Contact; c.Name != "Åse Ødegård" || res.Entries[1].Arrears != 123456 {
		t.Fatalf("decoded %q, %d", c.Name, res.Entries[1].Arrears)
	}
}

func TestBadLinesRejectedAlone(t *testing.T) {
	res, err := parseFile(t, "bad-lines.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, r := range res.Rejected {
		got[r.Line] = r.Error
	}
	want := map[int]string{
		3:  "restance skal være større end 0 kr. (fik -500,00 kr.)",
		4:  "restance skal være større end 0 kr. (fik 0,00 kr.)",
		5:  `afdeling "99" hos Møllevænget & Storgården ligger ikke i nogen af planens boligområder`,
		6:  "forfaldsdato: datoen 31-02-2026 findes ikke",
		8:  "en værdi i kolonnen »navn« ligner et CPR-nummer",
		9:  "en værdi i kolonnen »telefon« ligner et CPR-nummer",
		10: "en værdi i kolonnen »note« ligner et CPR-nummer",
		11: "linjen er adskilt af ',' (komma)",
		12: `restance "12,345.50" er ikke et beløb: skriv beløb på dansk`,
		13: `boligorganisation "Boligselskabet Ukendt" er ikke en boligorganisation i planen`,
		14: "restance skal være større end 0 kr. (fik -1.234,00 kr.)",
		17: "navn er ikke udfyldt; rykkere \"x\" skal være et helt tal",
	}
	for line, msg := range want {
		if !strings.Contains(got[line], msg) {
			t.Errorf("line %d: %q, want it to say %q", line, got[line], msg)
		}
	}
	if len(res.Rejected) != len(want) {
		t.Errorf("rejected %d lines, want %d: %v", len(res.Rejected), len(want), res.Rejected)
	}
	// The good lines around them are untouched; line 7 repeats line 2.
	if len(res.Entries) != 2 || res.Entries[0].Line != 2 || res.Entries[0].Arrears != 1234550 || res.Entries[1].Line != 15 || res.Entries[1].Arrears != 250000 {
		t.Fatalf("entries %+v", res.Entries)
	}
	if len(res.Duplicates) != 1 || res.Duplicates[0] != (Duplicate{Line: 7, FirstLine: 2}) {
		t.Fatalf("duplicates %v", res.Duplicates)
	}
	if res.Lines != 15 {
		t.Fatalf("lines %d (the all-empty line is not counted)", res.Lines)
	}
	// No message quotes the CPR-like values.
	all := fmt.Sprint(res.Rejected)
	for _, cpr := range []string{"010190", "0101901234", "311299", "4321"} {
		if strings.Contains(all, cpr) {
			t.Errorf("a message quotes %q: %s", cpr, all)
		}
	}
}

func TestFileErrors(t *testing.T) {
	cases := []struct {
		file, column, msg string
	}{
		{"missing-column.csv", "restance", "kolonnen »restance« mangler i overskriftslinjen"},
		{"comma.csv", "", "adskilt af ',' (komma), men restancelisten bruger ';'"},
		{"empty.csv", "", "filen er tom"},
		{"bom-only.csv", "", "filen er tom"},
	}
	for _, c := range cases {
		_, err := parseFile(t, c.file)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Column != c.column || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%s: %v (column %q), want %q naming %q", c.file, err, columnOf(fe), c.msg, c.column)
		}
	}
	inline := []struct{ name, body, msg string }{
		{"tabs", "lejemaalsnr\tboligorganisation\tafdeling\n1\tms\t27\n", "adskilt af tabulatorer"},
		{"sep hint comma", "sep=,\nlejemaalsnr,boligorganisation\n", "adskilt af ',' (komma)"},
		{"utf-16", "\xff\xfel\x00e\x00", "filen er gemt som UTF-16"},
		{"xlsx", "PK\x03\x04\x00\x00", "NUL-bytes"},
		{"twice", "lejemaalsnr;Lejemålsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n", "kolonnen »lejemaalsnr« står to gange"},
		{"two missing", "lejemaalsnr;boligorganisation;afdeling;navn;adresse\n", "kolonnerne »restance«, »forfaldsdato« mangler"},
	}
	for _, c := range inline {
		_, err := Parse(strings.NewReader(c.body), testOptions(t))
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.name, err, c.msg)
		}
	}
}

// TestFileErrorsEchoNothingPersonal: a file without a header row names no
// value of its first line, a header cell that looks like a CPR number is
// blanked, and every file error has an English reason for the logs.
func TestFileErrorsEchoNothingPersonal(t *testing.T) {
	cases := []struct{ name, body, reason, msg string }{
		{"no header", "27-101-1;ms;27;Anna Jensen;Jennumparken 12;6.000,00;01-02-2026\n", ReasonMissingColumn, "mangler overskriftslinjen?"},
		{"cpr header", "lejemaalsnr;boligorganisation;afdeling;navn;adresse;forfaldsdato;010190-1234\n", ReasonMissingColumn, `kolonnen »restance« mangler i overskriftslinjen; den har "lejemaalsnr", "boligorganisation", "afdeling", "navn", "adresse", "forfaldsdato", "XXXXXX-XXXX"`},
		{"no header, repeated value", "Anna;Anna;Jennumparken 12\n", ReasonMissingColumn, "mangler overskriftslinjen?"},
		{"empty", "", ReasonEmpty, "filen er tom"},
		{"comma", "a,b,c\n", ReasonSeparator, "adskilt af ',' (komma)"},
		{"utf-16", "\xff\xfea\x00", ReasonEncoding, "UTF-16"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.body), testOptions(t))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason != c.reason || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%s: %v (reason %+v), want %q and reason %s", c.name, err, fe, c.msg, c.reason)
			continue
		}
		for _, personal := range []string{"Anna", "Jennumparken", "010190", "6.000"} {
			if strings.Contains(fe.Message, personal) {
				t.Errorf("%s: the message echoes %q: %s", c.name, personal, fe.Message)
			}
		}
	}
}

func TestQuoteRedactsCPR(t *testing.T) {
	if got := Quote("Cpr 010190-1234"); got != `"Cpr XXXXXX-XXXX"` {
		t.Fatalf("Quote: %s", got)
	}
	if got := Quote("27-101-1"); got != `"27-101-1"` {
		t.Fatalf("Quote: %s", got)
	}
}

func columnOf(fe *FileError) string {
	if fe == nil {
		return ""
	}
	return fe.Column
}

func TestSepHintAndLineNumbers(t *testing.T) {
	body := "sep=;\r\nlejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\r\n" +
		"1;ms;27;A;B;100;01-01-2026\r\n1;ms;27;A;B;0;01-01-2026\r\n"
	res, err := Parse(strings.NewReader(body), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 1 || res.Entries[0].Line != 3 || len(res.Rejected) != 1 || res.Rejected[0].Line != 4 {
		t.Fatalf("%+v %+v", res.Entries, res.Rejected)
	}
}

func TestDueDateAfterListDate(t *testing.T) {
	body := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n1;ms;27;A;B;100;01-04-2026\n"
	res, err := Parse(strings.NewReader(body), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error, "forfaldsdato 2026-04-01 ligger efter listens dato 2026-03-02") {
		t.Fatalf("%v", res.Rejected)
	}
}

func TestContactNeverPrinted(t *testing.T) {
	e := Entry{Line: 2, TenancyID: "abc", Contact: Contact{Name: "Søren", Address: "Ærøvej 7", Phone: "40506070"}}
	for _, s := range []string{fmt.Sprint(e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e.Contact), fmt.Sprint(&e.Contact)} {
		if strings.Contains(s, "Søren") || strings.Contains(s, "Ærøvej") || strings.Contains(s, "40506070") {
			t.Fatalf("printed %s", s)
		}
	}
}

// Amounts are read and written by package danish (ParseAmount,
// FormatAmount, tested there); Money adds the currency.
func TestMoneyString(t *testing.T) {
	for m, want := range map[Money]string{123456789: "1.234.567,89 kr.", -5: "-0,05 kr.", Kroner(2500): "2.500,00 kr."} {
		if s := m.String(); s != want {
			t.Errorf("%d: %s, want %s", m, s, want)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	var m Money
	for in, want := range map[string]Money{`12345.5`: 1234550, `"12.345,50"`: 1234550, `100`: 10000} {
		if err := m.UnmarshalJSON([]byte(in)); err != nil || m != want {
			t.Errorf("%s → %d, %v", in, m, err)
		}
	}
	if err := m.UnmarshalJSON([]byte(`true`)); err == nil {
		t.Error("bool accepted")
	}
	b, _ := Money(1234550).MarshalJSON()
	if string(b) != "12345.50" {
		t.Errorf("marshal %s", b)
	}
}
