package crisis_test

import (
	"testing"
	"time"

	"helhed/workflows"
	"helhed/workflows/crisis"
)

// TestDecisionsRecordWho: every Update of an activation is kept as a
// decision with its time and the person the run layer set on it, and the
// final state carries them; an Update the process sent has no person.
func TestDecisionsRecordWho(t *testing.T) {
	h := newHarness(t)
	kim := &workflows.Actor{Subject: "u-krise", Name: "Kim Krise"}
	sanne := &workflows.Actor{Subject: "u-sek", Name: "Sanne Sekretariat"}
	h.in.Actor = sanne
	h.at(time.Hour, func() {
		h.ok(crisis.UpdateConfirmMeeting, crisis.MeetingTime{By: workflows.By{Actor: kim}, At: h.start.Add(2 * time.Hour), Place: "Rådhuset"})
	})
	h.at(3*time.Hour, func() {
		h.ok(crisis.UpdateSSP, crisis.SSPDecision{By: workflows.By{Actor: kim}, Activated: true})
		h.ok(crisis.UpdateResidentInfo, crisis.ResidentInfo{Needed: false}) // the process itself
		h.ok(crisis.UpdateClose, crisis.Closing{By: workflows.By{Actor: sanne}, Evaluate: false})
	})
	r := h.run()
	if r.Final == nil {
		t.Fatal("no final state")
	}
	want := []struct {
		update string
		by     string
		at     time.Duration
	}{
		{crisis.UpdateConfirmMeeting, "Kim Krise", time.Hour},
		{crisis.UpdateSSP, "Kim Krise", 3 * time.Hour},
		{crisis.UpdateResidentInfo, "", 3 * time.Hour},
		{crisis.UpdateClose, "Sanne Sekretariat", 3 * time.Hour},
	}
	got := r.Final.Decisions
	if len(got) != len(want) {
		t.Fatalf("decisions %+v, want %d", got, len(want))
	}
	for i, w := range want {
		d := got[i]
		if d.Update != w.update || d.By.Label() != w.by || !d.At.Equal(h.start.Add(w.at)) {
			t.Errorf("decision %d: %s by %q at %s, want %s by %q at %s", i, d.Update, d.By.Label(), d.At, w.update, w.by, h.start.Add(w.at))
		}
	}
	if got := r.Final.Input.Actor.Label(); got != "Sanne Sekretariat" {
		t.Errorf("activated by %q, want Sanne Sekretariat", got)
	}
}
