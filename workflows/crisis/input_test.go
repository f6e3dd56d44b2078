package crisis_test

import (
	"strings"
	"testing"
	"time"

	"helhed/fielderr"
	"helhed/workflows/crisis"
)

func TestValidate(t *testing.T) {
	p := randers(t)
	now := time.Date(2024, 5, 14, 22, 30, 0, 0, p.Location())
	base := crisis.Example(p, now)
	if err := crisis.Validate(p, &base, now); err != nil {
		t.Fatalf("example invalid: %v", err)
	}
	police := base
	police.ActivatedBy = "oestjyllands-politi" // the police, not only its seat in the group
	if err := crisis.Validate(p, &police, now); err != nil {
		t.Errorf("police partner refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*crisis.Input)
		field string
		msg   string
	}{
		{"no activator", func(in *crisis.Input) { in.ActivatedBy = "" }, "activatedBy", "skal udfyldes"},
		{"not in the group", func(in *crisis.Input) { in.ActivatedBy = "skole" }, "activatedBy", "kan ikke aktivere"},
		{"no incident", func(in *crisis.Input) { in.Incident = "" }, "incident", "skal udfyldes"},
		{"unknown incident", func(in *crisis.Input) { in.Incident = "storm" }, "incident", "ukendt hændelsestype"},
		{"no area", func(in *crisis.Input) { in.Area = "" }, "area", "skal udfyldes"},
		{"unknown area", func(in *crisis.Input) { in.Area = "vestbyen" }, "area", "ukendt boligområde"},
		{"no time", func(in *crisis.Input) { in.OccurredAt = time.Time{} }, "occurredAt", "skal udfyldes"},
		{"future", func(in *crisis.Input) { in.OccurredAt = now.Add(time.Hour) }, "occurredAt", "fremtiden"},
		{"old", func(in *crisis.Input) { in.OccurredAt = now.AddDate(0, -2, 0) }, "occurredAt", "30 dage"},
		{"no summary", func(in *crisis.Input) { in.Summary = " " }, "summary", "skal udfyldes"},
		{"CPR", func(in *crisis.Input) { in.Summary = "Beboer 0102031234 truet" }, "summary", "CPR"},
		{"long", func(in *crisis.Input) { in.Summary = strings.Repeat("x", crisis.MaxText+1) }, "summary", "højst"},
		{"convene", func(in *crisis.Input) { in.ConveneWithinHours = 100 }, "conveneWithinHours", "mellem 1 og 72"},
		{"reference", func(in *crisis.Input) { in.Reference = "Nr 2" }, "reference", "små bogstaver"},
	}
	for _, c := range cases {
		in := base
		c.edit(&in)
		err := crisis.Validate(p, &in, now)
		fe, ok := err.(*fielderr.Error)
		if !ok || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%s: got %v, want %s: …%s…", c.name, err, c.field, c.msg)
			continue
		}
		// The message is what the operator reads: Danish, without the
		// Temporal decoration of an ApplicationError's Error().
		if strings.Contains(fe.Message, "type:") || strings.Contains(fe.Message, "retryable") {
			t.Errorf("%s: message %q carries Temporal decoration", c.name, fe.Message)
		}
	}
}

func TestWorkflowID(t *testing.T) {
	p := randers(t)
	// 23:30 UTC on 14 May is 01:30 on 15 May in Copenhagen: the local date counts.
	in := crisis.Input{Area: "vangdalen", Incident: crisis.Arson, OccurredAt: time.Date(2024, 5, 14, 23, 30, 0, 0, time.UTC)}
	if got := crisis.WorkflowID(in); got != "crisis/vangdalen/2024-05-15/arson" {
		t.Errorf("ID %s", got)
	}
	in.Reference = "2"
	if got := crisis.WorkflowID(in); got != "crisis/vangdalen/2024-05-15/arson/2" {
		t.Errorf("ID with reference %s", got)
	}
	// The police and the SSP consultant activating the same incident get one ID.
	a, b := crisis.Example(p, time.Now()), crisis.Example(p, time.Now())
	a.ActivatedBy, b.ActivatedBy = "politi", "ssp-konsulent"
	b.OccurredAt = a.OccurredAt.Add(10 * time.Minute)
	b.Summary = "Anden beskrivelse"
	if a.OccurredAt.In(p.Location()).Day() == b.OccurredAt.In(p.Location()).Day() && crisis.WorkflowID(a) != crisis.WorkflowID(b) {
		t.Errorf("same incident, two IDs: %s %s", crisis.WorkflowID(a), crisis.WorkflowID(b))
	}
}
