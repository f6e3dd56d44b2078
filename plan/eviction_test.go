package plan

import "testing"

func TestEvictionDefaults(t *testing.T) {
	p, err := Parse([]byte(fixture(t)), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Eviction.DemandReceipt != DefaultDemandReceipt || DefaultDemandReceipt != (DemandReceipt{DigitalPost: 0, Quickbrev: 1, Letter: 5}) {
		t.Fatalf("defaults %+v", p.Eviction.DemandReceipt)
	}
	// A key left out keeps its default; an explicit 0 is kept.
	p, err = Parse([]byte(fixture(t, edit{"id: test-2021-23\n", "id: test-2021-23\neviction:\n  demand_receipt: {letter: 7, quickbrev: 0}\n"})), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Eviction.DemandReceipt; got != (DemandReceipt{DigitalPost: 0, Quickbrev: 0, Letter: 7}) {
		t.Fatalf("set %+v", got)
	}
}

func TestEvictionFaults(t *testing.T) {
	src := fixture(t, edit{"id: test-2021-23\n", "id: test-2021-23\neviction:\n  demand_receipt:\n    letter: -1\n    digital_post: 31\n    pigeon: 2\n"})
	ps := problems(t, src)
	for _, c := range []struct{ path, msg, line string }{
		{"$.eviction.demand_receipt.letter", "a påkrav assumed received -1 delivery days after sending: use 0 to 30", "letter: -1"},
		{"$.eviction.demand_receipt.digital_post", "a påkrav assumed received 31 delivery days after sending: use 0 to 30", "digital_post: 31"},
		{"$.eviction.demand_receipt.pigeon", "pigeon", "pigeon: 2"},
	} {
		p, ok := findProblem(ps, c.path, c.msg)
		if !ok {
			t.Errorf("no problem %s %q in %+v", c.path, c.msg, ps)
			continue
		}
		if want := lineOf(t, src, c.line); p.Line != want {
			t.Errorf("%s: line %d, want %d", c.path, p.Line, want)
		}
	}
}
