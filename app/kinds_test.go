package app

import (
	"encoding/json"
	"testing"
	"time"

	"helhed/capability"
	"helhed/config"
	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/runs"
)

// TestKindsKeepTheContract checks what the run layer relies on in every
// kind, without Temporal: the registry accepts them, a "cancel" Update
// takes {"reason"}, the Example (when there is one) decodes strictly and
// validates against the plan derived around today, and every input and
// argument type can be described for the forms.
func TestKindsKeepTheContract(t *testing.T) {
	p, _ := testplan.AroundToday(t)
	checkKinds(t, p, true)
}

// TestKindsKeepTheContractAfterTheEmbeddedPlans is the same check on a
// plan around a day after the embedded plans end, as the tests will run
// then, except for the Examples' validation: Examples and validators read
// the machine's clock (as they must in production), which a test cannot
// move to that day.
func TestKindsKeepTheContractAfterTheEmbeddedPlans(t *testing.T) {
	p, _ := testplan.AroundDate(t, plan.NewDate(2031, time.March, 12))
	checkKinds(t, p, false)
}

// checkKinds checks the kinds wired on p; validate also validates each
// Example against p.
func checkKinds(t *testing.T, p *plan.Plan, validate bool) {
	t.Helper()
	caps, err := Capabilities(capability.Deps{Config: &config.Config{}, Plan: p})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := runs.NewRegistry(Kinds(caps))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range reg.Kinds() {
		if len(k.InputFields(p)) == 0 {
			t.Errorf("%s: input %T has no JSON fields", k.Name, k.NewInput())
		}
		for _, u := range k.Updates {
			if len(u.ArgFields(p)) == 0 {
				t.Errorf("%s: update %s argument %T has no JSON fields", k.Name, u.Name, u.NewArg())
			}
			if u.Name == "cancel" {
				if err := runs.Decode([]byte(`{"reason":"test"}`), u.NewArg()); err != nil {
					t.Errorf("%s: cancel does not take {\"reason\"}: %v", k.Name, err)
				}
			}
		}
		if k.Example == nil {
			t.Logf("%s: no Example", k.Name)
			continue
		}
		raw, err := json.Marshal(k.Example(p))
		if err != nil {
			t.Fatal(err)
		}
		in := k.NewInput()
		if err := runs.Decode(raw, in); err != nil {
			t.Errorf("%s: example does not decode: %v", k.Name, err)
			continue
		}
		if validate && k.Validate != nil {
			if err := k.Validate(p, in); err != nil {
				t.Errorf("%s: example invalid: %v", k.Name, err)
			}
		}
	}
}
