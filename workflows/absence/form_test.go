package absence

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"helhed/plan"
	"helhed/workflows/datarequest"
)

// excel is text saved as Danish Excel saves "CSV (semikolonsepareret)":
// Windows-1252, CRLF line ends.
func excel(t *testing.T, lines ...string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Everything the round's Check rejects is refused where the file is read
// (ReadCSV, the portal and the API) and by the submit validator, naming
// the line; what the form accepts, Check accepts.
func TestFormRefusesWhatTheRoundRejects(t *testing.T) {
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		t.Fatal(err)
	}
	s, err := BuildSetup(p, Input{Plan: p.ID, Quarter: "2022-Q3"})
	if err != nil {
		t.Fatal(err)
	}
	var school School
	for _, sc := range s.Schools {
		if sc.ID == "oestervangsskolen" {
			school = sc
		}
	}
	if len(school.Areas) != 1 || school.Areas[0] != "hermann-stillingsvej-omraadet" {
		t.Fatalf("Østervangsskolen serves %v", school.Areas)
	}
	in := request(s, school, 1, "2022-10-20", nil, true)
	if fe := datarequest.CheckInput(&in); fe != nil {
		t.Fatalf("the request's input: %v", fe)
	}
	for _, want := range []string{"Hermann Stillingsvej-området", "semikolon (;) eller komma (,)", "3. kvartal 2022"} {
		if !strings.Contains(in.Instructions, want) {
			t.Errorf("instructions lack %q:\n%s", want, in.Instructions)
		}
	}
	if strings.Contains(in.Instructions, "Vangdalen") {
		t.Errorf("instructions name an area the school does not serve:\n%s", in.Instructions)
	}

	header := "elev_id;omraade;skoledage;fravaersdage;ulovligt_fravaer"
	good := excel(t, header, "Ø1;Hermann Stillingsvej-området;46;4,6;4,6", "Ø2;hermann stillingsvej;34;5,1;5,1", "Ø3;Hermann Stillingsvej-området;40;0;0")
	read, err := datarequest.ReadCSV(&in, good)
	if err != nil {
		t.Fatalf("a good Excel file refused: %v", err)
	}
	if _, err := datarequest.Check(&in, read); err != nil {
		t.Fatalf("the validator refuses what the edge read: %v", err)
	}
	if pupils, problems := Check(school.ID, read.Rows, s.Areas); len(problems) > 0 || len(pupils) != 3 {
		t.Fatalf("the round rejects what the form accepted: %v", problems)
	}

	for _, c := range []struct {
		name, line string
		column     string
	}{
		{"absent above school days", "Ø2;Hermann Stillingsvej-området;20;25;0", "fravaersdage"},
		{"unlawful above absent", "Ø2;Hermann Stillingsvej-området;40;3;4", "ulovligt_fravaer"},
		{"no school days", "Ø2;Hermann Stillingsvej-området;0;0;0", "skoledage"},
		{"negative absence", "Ø2;Hermann Stillingsvej-området;40;-1;0", "fravaersdage"},
		{"an area of another school", "Ø2;Vangdalen;40;3;0", "omraade"},
		{"an unknown area", "Ø2;Jennumparken Nord;40;3;0", "omraade"},
		{"a duplicate pupil", "Ø1;Hermann Stillingsvej-området;40;3;0", "elev_id"},
		{"a CPR number", "0101901234;Hermann Stillingsvej-området;40;3;0", "elev_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := excel(t, header, "Ø1;Hermann Stillingsvej-området;46;4,6;4,6", c.line)
			_, err := datarequest.ReadCSV(&in, file)
			var ve *datarequest.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not refused on the form: %v", err)
			}
			if ve.Errors[0].Line != 3 || ve.Errors[0].Column != c.column {
				t.Errorf("error %+v, want line 3, column %s", ve.Errors[0], c.column)
			}
			if strings.Contains(ve.Error(), "0101901234") {
				t.Errorf("the CPR-like value is repeated: %v", ve)
			}
			// The validator refuses the same rows sent as rows.
			rows := []map[string]string{
				{ColPupil: "Ø1", ColArea: "Hermann Stillingsvej-området", ColSchoolDays: "46", ColAbsent: "4.6", ColUnlawful: "4.6"},
			}
			f := strings.Split(c.line, ";")
			row := map[string]string{ColPupil: f[0], ColArea: f[1], ColSchoolDays: f[2], ColAbsent: strings.ReplaceAll(f[3], ",", "."), ColUnlawful: f[4]}
			if _, err := datarequest.Check(&in, datarequest.Submission{Rows: append(rows, row)}); err == nil {
				t.Error("the submit validator accepts the rows")
			}
		})
	}

	// A round started before the change asks as it did.
	old := request(s, school, 2, "2022-10-20", []string{"linje 2: x"}, false)
	if old.Table.Rules != nil || !strings.Contains(old.Instructions, "fx Vangdalen") || old.Attempt != 0 {
		t.Errorf("the request of a round before %s changed: %+v", ChangeRulesOnForm, old)
	}
	again := request(s, school, 2, "2022-10-20", []string{"linje 2: x"}, true)
	if again.Attempt != 2 || again.MaxAttempts != MaxAttempts || !strings.HasSuffix(again.RequestID, "/2") {
		t.Errorf("the second request: %+v", again)
	}
}
