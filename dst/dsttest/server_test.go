package dsttest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"helhed/dst"
)

func TestRecorded(t *testing.T) {
	info, err := os.ReadFile("../testdata/tableinfo_folk1a.json")
	if err != nil {
		t.Fatal(err)
	}
	bulk := "\ufeffOMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\r\n000;TOT;IALT;TOT;2025K1;5961249\r\n730;TOT;18;TOT;2025K1;1234,5\r\n730;TOT;0;TOT;2025K1;..\r\n"
	tab, err := Recorded(info, []byte(bulk))
	if err != nil {
		t.Fatal(err)
	}
	s := New(tab)
	defer s.Close()
	// The stand-in answers a selection from the recorded rows, as recorded.
	var got []string
	err = dst.New(s.URL, nil).Data(context.Background(), dst.DataRequest{Table: "FOLK1A", Format: dst.FormatBulk, Lang: "da",
		Variables: []dst.Variable{{Code: "OMRÅDE", Values: []string{"730"}}, {Code: "KØN", Values: []string{"TOT"}}, {Code: "ALDER", Values: []string{"*"}},
			{Code: "CIVILSTAND", Values: []string{"TOT"}}, {Code: "Tid", Values: []string{"2025K1"}}}}, nil,
		func(r *dst.Row) error {
			v := strconv.FormatFloat(r.Value, 'f', -1, 64)
			if r.Suppressed {
				v = ".."
			}
			got = append(got, strings.Join(r.Keys, "/")+"="+v)
			return nil
		})
	if err != nil || strings.Join(got, " ") != "730/TOT/18/TOT/2025K1=1234.5 730/TOT/0/TOT/2025K1=.." {
		t.Fatalf("%v %v", got, err)
	}
	for name, bad := range map[string]string{
		"header not the TABLEINFO's": "OMRÅDE;ALDER;KØN;CIVILSTAND;TID;INDHOLD\r\n",
		"unknown value":              "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\r\n999;TOT;IALT;TOT;2025K1;1\r\n",
		"short row":                  "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\r\n000;TOT;IALT;TOT;1\r\n",
	} {
		if _, err := Recorded(info, []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
