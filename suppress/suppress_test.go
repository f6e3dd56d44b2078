package suppress

import "testing"

func TestCountAndShare(t *testing.T) {
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
	if c, ok := r.Share(3, 100); !ok || !c.Suppressed || c.Value != 0 {
		t.Errorf("share of 3/100 = %+v %v", c, ok)
	}
	if c, ok := r.Share(25, 100); !ok || c.Suppressed || c.Value != 25 {
		t.Errorf("share of 25/100 = %+v %v", c, ok)
	}
	if _, ok := r.Share(1, 0); ok {
		t.Error("share with zero denominator")
	}
	if r.Label() != "<5" || r.Note() == "" {
		t.Errorf("label %q", r.Label())
	}
}
