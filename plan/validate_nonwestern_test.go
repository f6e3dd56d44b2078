package plan

import "testing"

func TestNonWesternShare(t *testing.T) {
	p, err := Parse([]byte(fixture(t, edit{"    residents: 100\n", "    residents: 100\n    non_western_share: 52.5\n    non_western_year: 2022\n"})), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Areas[0]; a.NonWesternShare == nil || *a.NonWesternShare != 52.5 || a.NonWesternYear != 2022 || p.Areas[1].NonWesternShare != nil {
		t.Fatalf("areas %+v", p.Areas)
	}
	tests := []struct {
		name, add, path, msg, line string
	}{
		{"over 100", "    non_western_share: 120\n    non_western_year: 2022\n", "$.areas[0].non_western_share", "must be between 0 and 100", "non_western_share: 120"},
		{"negative", "    non_western_share: -1\n    non_western_year: 2022\n", "$.areas[0].non_western_share", "must be between 0 and 100", "non_western_share: -1"},
		{"without year", "    non_western_share: 45\n", "$.areas[0].non_western_share", "without non_western_year", "non_western_share: 45"},
		{"year after the plan", "    non_western_share: 45\n    non_western_year: 2030\n", "$.areas[0].non_western_year", "between 1980 and the plan's end (2023)", "non_western_year: 2030"},
		{"year without share", "    non_western_year: 2020\n", "$.areas[0].non_western_year", "without non_western_share", "non_western_year: 2020"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := fixture(t, edit{"    residents: 100\n", "    residents: 100\n" + tc.add})
			got, ok := findProblem(problems(t, src), tc.path, tc.msg)
			if !ok {
				t.Fatalf("no problem at %s containing %q", tc.path, tc.msg)
			}
			if want := lineOf(t, src, tc.line); got.Line != want {
				t.Errorf("problem on line %d, want %d", got.Line, want)
			}
		})
	}
}
