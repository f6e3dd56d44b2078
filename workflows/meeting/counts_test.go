package meeting_test

import (
	"strings"
	"testing"

	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// A progress request asks for each milestone actual as a count: "3,5"
// forløb and a negative figure are refused on the form, naming the field,
// so helhed_milestone_actual never receives them.
func TestProgressFiguresAreCounts(t *testing.T) {
	p := randers(t)
	s, err := meeting.BuildSetup(p, meeting.Input{Plan: p.ID, BoardDate: "2022-11-23"})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range s.Requests {
		if r.Kind != meeting.RequestProgress {
			continue
		}
		for _, f := range r.Input.Fields {
			if !strings.HasPrefix(f.Key, "t") || f.Type == datarequest.Text {
				continue
			}
			if f.Type != datarequest.Integer {
				t.Fatalf("%s: %s is %s, want a count", r.Input.RequestID, f.Label, f.Type)
			}
			for raw, want := range map[string]string{
				"3,5": f.Label + " skal være et helt tal (fx 3), ikke 3,5.",
				"-12": f.Label + " skal være 0 eller mere, ikke -12.",
			} {
				_, err := datarequest.Check(&r.Input, datarequest.Submission{Values: map[string]string{f.Key: raw}})
				ve, ok := datarequest.AsValidationError(err)
				if !ok || len(ve.Errors) == 0 || ve.Errors[0].Field != f.Key || ve.Errors[0].Message != want {
					t.Fatalf("%s = %q: %v, want %q", f.Key, raw, err, want)
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no milestone field in the progress requests")
	}
}
