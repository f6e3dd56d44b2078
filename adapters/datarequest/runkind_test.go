package datarequest

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"helhed/fielderr"
	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

func TestRunKindValidatesAgainstThePlan(t *testing.T) {
	p, _ := testplan.AroundToday(t)
	k := RunKind()
	ex := k.Example(p)
	if err := k.Validate(p, ex); err != nil {
		t.Fatalf("example invalid: %v", err)
	}
	if id := k.WorkflowID(ex); id != "data-request/"+ex.(*datarequest.Input).RequestID {
		t.Fatalf("workflow ID %q", id)
	}
	// The example decodes strictly into NewInput, as the API does.
	b, _ := json.Marshal(ex)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(k.NewInput()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		edit  func(*datarequest.Input)
		field string
	}{
		{func(in *datarequest.Input) { in.Partner = "nobody" }, "partner"},
		{func(in *datarequest.Input) { in.Areas[1] = "atlantis" }, "areas[1]"},
		{func(in *datarequest.Input) { in.Due = p.DateOf(time.Now()).AddDays(-1).String() }, "due"},
		{func(in *datarequest.Input) { in.Title = " " }, "title"},
	}
	for _, c := range cases {
		in := k.Example(p).(*datarequest.Input)
		c.edit(in)
		err := k.Validate(p, in)
		fe, ok := err.(*fielderr.Error)
		if !ok || fe.Field != c.field {
			t.Errorf("want error on %s, got %v", c.field, err)
		}
	}
}

// TestRunKindDeadlineIsTheLastDay: the kind reports its deadlines as
// civil dates, and the day the run layer reads back from HelhedDueAt
// (datarequest.Deadline, the end of the day) is the request's due date,
// in winter and summer time.
func TestRunKindDeadlineIsTheLastDay(t *testing.T) {
	p, _ := testplan.AroundToday(t)
	if !RunKind().DueIsDate {
		t.Fatal("DueIsDate is false: lists would show the next midnight, not the last day")
	}
	for _, due := range []plan.Date{plan.NewDate(2026, time.December, 11), plan.NewDate(2026, time.March, 29), plan.NewDate(2026, time.October, 25)} {
		if got := runs.LastDay(datarequest.Deadline(due, p.Location()), p.Location()); got != due {
			t.Errorf("due %s: the run layer reads %s", due, got)
		}
	}
}
