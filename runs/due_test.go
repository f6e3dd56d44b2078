package runs

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/types/known/timestamppb"

	"helhed/plan"
	"helhed/searchattr"
)

// TestSummaryDeadline: a kind whose deadlines are civil dates reports the
// day HelhedDueAt ends (the next midnight in the plan's zone, summer or
// winter time), not the instant; another kind reports the moment.
func TestSummaryDeadline(t *testing.T) {
	p := &plan.Plan{TimeZone: "Europe/Copenhagen"}
	loc := p.Location()
	kind := func(name string, dueIsDate bool) Kind {
		return Kind{Name: name, Workflow: name, NewInput: func() any { return &struct{}{} },
			WorkflowID: func(any) string { return name }, DueIsDate: dueIsDate}
	}
	reg := MustRegistry([]Kind{kind("dated", true), kind("timed", false)})
	r := &Runner{Plan: p, Kinds: reg}
	for _, c := range []struct {
		kind     string
		dueAt    time.Time
		wantDate string
	}{
		{"dated", time.Date(2026, 12, 12, 0, 0, 0, 0, loc), "2026-12-11"},
		{"dated", time.Date(2026, 7, 1, 0, 0, 0, 0, loc), "2026-06-30"},
		{"dated", time.Date(2026, 3, 30, 0, 0, 0, 0, loc), "2026-03-29"}, // the day summer time starts
		{"timed", time.Date(2026, 12, 12, 0, 0, 0, 0, loc), ""},
	} {
		due, err := converter.GetDefaultDataConverter().ToPayload(c.dueAt)
		if err != nil {
			t.Fatal(err)
		}
		kind, _ := converter.GetDefaultDataConverter().ToPayload(c.kind)
		s := r.summary(&workflowpb.WorkflowExecutionInfo{
			StartTime: timestamppb.Now(),
			SearchAttributes: &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{
				searchattr.Kind.GetName(): kind, searchattr.DueAt.GetName(): due}},
		})
		switch {
		case c.wantDate != "" && (s.DueDate == nil || s.DueDate.String() != c.wantDate || s.DueAt != nil):
			t.Errorf("%s due at %v: date %v, moment %v; want the date %s only", c.kind, c.dueAt, s.DueDate, s.DueAt, c.wantDate)
		case c.wantDate == "" && (s.DueAt == nil || !s.DueAt.Equal(c.dueAt) || s.DueDate != nil):
			t.Errorf("%s due at %v: date %v, moment %v; want the moment only", c.kind, c.dueAt, s.DueDate, s.DueAt)
		}
	}
}
