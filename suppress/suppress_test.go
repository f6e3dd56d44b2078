package suppress

import "testing"

func TestCountShareAverage(t *testing.T) {
	r := Rule{Threshold: 5}
	cases := []struct {
		n    float64
		hide bool
	}{{0, false}, {1, true}, {4, true}, {4.99, true}, {5, false}, {120, false}}
	for _, c := range cases {
		if got := r.Count(c.n); got.Suppressed != c.hide || (!c.hide && got.Value != c.n) || (c.hide && got.Value != 0) {
			t.Errorf("Count(%v) = %+v, want suppressed=%v", c.n, got, c.hide)
		}
	}
	for _, s := range []struct {
		num, den float64
		hide     bool
	}{{3, 100, true}, {25, 100, false}, {97, 100, true}, {95, 100, false}, {100, 100, false}, {0, 100, false}, {4, 4, true}} {
		if c, ok := r.Share(s.num, s.den); !ok || c.Suppressed != s.hide || (!s.hide && c.Value != 100*s.num/s.den) {
			t.Errorf("share of %v/%v = %+v %v, want suppressed=%v", s.num, s.den, c, ok, s.hide)
		}
	}
	if _, ok := r.Share(1, 0); ok {
		t.Error("share with zero denominator")
	}
	if c, ok := r.Average(7.5, 4); !ok || !c.Suppressed {
		t.Errorf("average over 4 persons = %+v", c)
	}
	if c, ok := r.Average(6, 5); !ok || c.Suppressed || c.Value != 6 {
		t.Errorf("average over 5 persons = %+v", c)
	}
	if _, ok := r.Average(0, 0); ok {
		t.Error("average over nobody")
	}
	if r.Label() != ".." || r.Note() == "" {
		t.Errorf("label %q", r.Label())
	}
}

func TestShow(t *testing.T) {
	r := Rule{Threshold: 5}
	for c, want := range map[Cell]string{{Value: 4, Suppressed: true}: "..", {Value: 0}: "0", {Value: 12}: "12", {Value: 1250}: "1250"} {
		if got := r.Show(c); got != want {
			t.Errorf("Show(%+v) = %q, want %q", c, got, want)
		}
	}
	// A sentence and a table made from one count agree.
	c := r.Count(4)
	if sentence := r.Show(c) + " af dem mindst 15 %"; sentence != ".. af dem mindst 15 %" {
		t.Errorf("sentence %q states a suppressed count", sentence)
	}
}
