package eviction_test

import (
	"testing"

	"helhed/arrears"
	"helhed/workflows/eviction"
)

// TestStateKeepsNewestListsAndSteps: a case on many lists keeps the
// newest lists and steps and counts the ones before; its view counts every
// list; a list older than every list kept changes nothing; the lists it
// keeps still decide the arrears and the outcome.
func TestStateKeepsNewestListsAndSteps(t *testing.T) {
	eviction.SetKept(t, 3, 5)
	h := newHarness(t, cph(2026, 1, 5, 9, 0))
	in := listInput(day(2026, 1, 5), arrears.Kroner(1000), day(2026, 1, 1))
	h.signalList(cph(2026, 1, 5, 9, 5), *in.List) // the signal that comes with SignalWithStart
	// Six more lists, the 6th to the 11th; the 8th's arrives after the
	// 10th's, when the 7th's is the oldest kept.
	for i, d := range []int{6, 7, 9, 10, 8, 11} {
		e := *in.List
		date := day(2026, 1, d)
		e.ListID, e.ListDate, e.Arrears = date.String()+"-x", date, arrears.Kroner(int64(1000+d))
		h.signalList(cph(2026, 1, 12, 9, i), e)
	}
	h.snapshot(cph(2026, 1, 12, 10, 0), "seven")
	old := *in.List // the 6th's list, dropped, imported again
	old.ListID, old.ListDate = "2026-01-06-x", day(2026, 1, 6)
	h.signalList(cph(2026, 1, 12, 11, 0), old)
	h.snapshot(cph(2026, 1, 12, 11, 5), "old-again")
	h.update(cph(2026, 1, 13, 10, 0), "resolve", eviction.UpdateResolve, eviction.ResolveArg{})
	h.env.ExecuteWorkflow(eviction.WorkflowName, in)
	final := h.result()

	st := h.state("seven")
	var dates []string
	for _, l := range st.Lists {
		dates = append(dates, l.ListDate.String())
	}
	// The 8th's list came after the 10th's but is older: dropped first.
	if len(st.Lists) != 3 || st.EarlierLists != 4 || dates[0] != "2026-01-09" || dates[1] != "2026-01-10" || dates[2] != "2026-01-11" {
		t.Fatalf("lists kept %v, %d earlier", dates, st.EarlierLists)
	}
	// Two transitions at the opening and six lists: eight steps.
	if len(st.Steps) != 5 || st.EarlierSteps != 3 || st.Steps[4].Step != "on list 2026-01-11-x" {
		t.Fatalf("steps kept %+v, %d earlier", st.Steps, st.EarlierSteps)
	}
	if st.Arrears != arrears.Kroner(1011) {
		t.Fatalf("arrears %s, want the 11th list's", st.Arrears)
	}
	if again := h.state("old-again"); again.Seq != st.Seq || len(again.Lists) != 3 || again.EarlierLists != 4 {
		t.Fatalf("a dropped list imported again changed the case: %+v", again)
	}
	if v := h.accepted("resolve"); v.Lists != 7 || v.LastList != day(2026, 1, 11) {
		t.Fatalf("view counts %d lists, last %s; want 7, 2026-01-11", v.Lists, v.LastList)
	}
	if final.Stage != eviction.StageResolved || final.Lists != 7 {
		t.Fatalf("final %+v", final)
	}
}
