package datarequest_test

import (
	"testing"

	"helhed/internal/testplan"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// TestSentOnAllowsAPastDue: a request registered after it went out by
// other means may be due in the past; without SentOn, or with a SentOn
// that cannot be, the due date or SentOn is refused by name.
func TestSentOnAllowsAPastDue(t *testing.T) {
	p := testplan.Load(t, "randers-2021-25")
	today := plan.NewDate(2023, 3, 15)
	in := func(sent, due string) *datarequest.Input {
		return &datarequest.Input{Partner: p.Partners[0].ID, Due: due, SentOn: sent}
	}
	for _, c := range []struct {
		name, sent, due, field string
	}{
		{"due ahead", "", "2023-03-20", ""},
		{"due passed", "", "2023-03-10", "due"},
		{"sent, due passed", "2023-02-20", "2023-03-10", ""},
		{"sent after due", "2023-03-13", "2023-03-10", "sentOn"},
		{"sent tomorrow", "2023-03-16", "2023-03-20", "sentOn"},
		{"sent before the plan", "2021-06-01", "2023-03-10", "sentOn"},
		{"sent, not a date", "20-02-2023", "2023-03-10", "sentOn"},
	} {
		err := datarequest.CheckAgainstPlan(p, in(c.sent, c.due), today)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.field != "" && (err == nil || err.Field != c.field):
			t.Errorf("%s: %v, want a refusal of %s", c.name, err, c.field)
		}
	}
}
