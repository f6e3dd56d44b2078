package eviction_test

import (
	"strings"
	"testing"

	"helhed/arrears"
	"helhed/workflows"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// TestStepsNameWho: the steps an operator's Update takes, and the
// operator's opening of the case, name the person the run layer set on
// it; the process's own steps (the § 92 notice) and an Update without a
// person name nobody.
func TestStepsNameWho(t *testing.T) {
	sofus := &workflows.Actor{Subject: "u-sag", Name: "Sofus Sagsbehandler"}
	sanne := &workflows.Actor{Subject: "u-sek", Name: "Sanne Sekretariat"}
	by := func(a *workflows.Actor) workflows.By { return workflows.By{Actor: a} }
	h := newHarness(t, cph(2026, 5, 4, 9, 0))
	h.update(cph(2026, 5, 4, 11, 0), "not-reached", eviction.UpdateOutreach, eviction.OutreachArg{By: by(sofus), Outcome: eviction.NotReached})
	h.update(cph(2026, 5, 5, 11, 0), "escalate", eviction.UpdateEscalate, eviction.EscalateArg{By: by(sanne), Reason: "Ingen kontakt"})
	h.update(cph(2026, 5, 11, 10, 0), "demand", eviction.UpdateDemand, eviction.DemandArg{By: by(sofus), Method: legal.DigitalPost})
	h.update(cph(2026, 6, 1, 10, 0), "terminate", eviction.UpdateTerminate, eviction.DateArg{By: by(sanne)})
	h.update(cph(2026, 6, 2, 10, 0), "court", eviction.UpdateCourt, eviction.DateArg{}) // the process itself
	// The outcome ends the case (and the run), with its step by Sofus.
	h.update(cph(2026, 6, 30, 10, 0), "averted", eviction.UpdateOutcome, eviction.OutcomeArg{By: by(sofus), Outcome: eviction.OutcomeAverted})
	h.snapshot(cph(2026, 6, 30, 9, 0), "court")
	h.env.ExecuteWorkflow(eviction.WorkflowName, eviction.CaseInput{By: by(sanne), Organisation: "ms", Department: "007",
		TenancyNumber: "7-112-9", Contact: eviction.Contact{Name: "Ida", Address: "Hermann Stillingsvej 22"},
		Arrears: arrears.Kroner(1200), DueDate: day(2026, 4, 1)})
	h.result()
	for _, l := range []string{"not-reached", "escalate", "demand", "terminate", "court", "averted"} {
		h.accepted(l)
	}
	// Each step's text starts with one of these and is by that person.
	want := []struct{ step, by string }{
		{"stage (new) → arrears", "Sanne Sekretariat"},
		{"stage arrears → outreach", ""}, // the outreach task the opening created
		{"outreach: not reached", "Sofus Sagsbehandler"},
		{"stage outreach → escalated", "Sanne Sekretariat"},
		{"påkrav sent", "Sofus Sagsbehandler"},
		{"payment deadline 2026-05-26 passed", ""}, // a timer
		{"tenancy terminated", "Sanne Sekretariat"},
		{"kommune notified", ""},
		{"bailiff court request", ""},
	}
	steps := h.state("court").Steps
	var got []string
	for _, s := range steps {
		got = append(got, s.Step+" | "+s.By.Label())
	}
	if len(steps) != len(want) {
		t.Fatalf("steps:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(steps[i].Step, w.step) || steps[i].By.Label() != w.by {
			t.Errorf("step %d: %q by %q, want %q… by %q", i, steps[i].Step, steps[i].By.Label(), w.step, w.by)
		}
	}
}
