package eviction_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	evictionadapter "helhed/adapters/eviction"
	"helhed/arrears"
	"helhed/danish"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/workflows/eviction"
)

// The replay test's histories of a case opened by a list line as the
// second episode of its tenancy (Input.Previous), and of one an operator
// opened as the third (Resolved.Previous).
const (
	episodeHistory         = "../../workflows/eviction/testdata/eviction-case-history-episode.json"
	operatorEpisodeHistory = "../../workflows/eviction/testdata/eviction-case-history-operator-episode.json"
)

// TestClosedCaseOpensNextEpisode imports a line, closes its case (the
// resolve Update) and imports a line for the same tenancy again: the
// import report says the line opened a new case, episode 2, after the
// first closed that day, and the new case, under the same pseudonymous
// workflow ID, links the first. The first stays in the case list as it
// closed; a further line for the tenancy joins the open second case. Once
// that has closed too, a case an operator opens for the tenancy is the
// third.
func TestClosedCaseOpensNextEpisode(t *testing.T) {
	number := "29-901-1"
	line := func(amount string) []byte {
		return []byte("lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n" +
			number + ";rb1940;29;Ep Episodesen;Vangdalen 9;" + amount + ";01-10-2026\n")
	}
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", number))
	ctx := context.Background()

	res := importBody(t, line("3.000,00"), today().AddDays(-30))
	if len(res.Delivered) != 1 || res.Delivered[0].Outcome != evictionadapter.DeliveredNewCase || res.Delivered[0].Message != "ny sag (forløb 1)" ||
		res.Delivered[0].WorkflowID != id || res.Delivered[0].Line != 2 {
		t.Fatalf("first import: %+v", res.Delivered)
	}
	var first eviction.State
	teststack.Eventually(t, "the first case opened", func() error {
		if first = state(t, id); first.Stage != eviction.StageOutreach {
			return fmt.Errorf("stage %s", first.Stage)
		}
		return nil
	})
	if first.Episode != 1 || first.Previous != nil {
		t.Fatalf("first case: episode %d, previous %+v", first.Episode, first.Previous)
	}
	if v, err := update(t, id, eviction.UpdateResolve, eviction.ResolveArg{}); err != nil || v.Stage != eviction.StageResolved {
		t.Fatalf("resolve: %v %+v", err, v)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := stack.Temporal.GetWorkflow(wctx, id, "").Get(wctx, nil); err != nil {
		t.Fatal(err)
	}

	res = importBody(t, line("4.500,00"), today())
	want := fmt.Sprintf("ny sag (forløb 2, forrige afsluttet %s)", danish.Date(today()))
	if len(res.Delivered) != 1 {
		t.Fatalf("second import: %+v", res)
	}
	d := res.Delivered[0]
	if d.Outcome != evictionadapter.DeliveredNewEpisode || d.Message != want || d.Episode != 2 || d.Previous == nil ||
		d.Previous.CaseID != first.CaseID || d.Previous.Episode != 1 || d.Previous.Closed != today() || d.Previous.RunID == "" {
		t.Fatalf("second import: %+v (previous %+v), want %q", d, d.Previous, want)
	}
	var second eviction.State
	teststack.Eventually(t, "the second case opened", func() error {
		if second = state(t, id); second.CaseID == first.CaseID || second.Stage != eviction.StageOutreach {
			return fmt.Errorf("case %s in %s", second.CaseID, second.Stage)
		}
		return nil
	})
	if second.Episode != 2 || second.Previous == nil || *second.Previous != *d.Previous || second.Arrears != arrears.Kroner(4500) || len(second.Lists) != 1 {
		t.Fatalf("second case: episode %d, previous %+v, arrears %s, %d lists", second.Episode, second.Previous, second.Arrears, len(second.Lists))
	}
	teststack.Eventually(t, "both episodes in the case list", func() error {
		var got []string
		for _, c := range cases(t, "").Cases {
			if c.WorkflowID != id {
				continue
			}
			prev := "-"
			if c.Previous != nil {
				prev = c.Previous.CaseID
			}
			got = append(got, fmt.Sprintf("%s:%s:%d:%s", c.CaseID, c.Stage, c.Episode, prev))
		}
		want := []string{first.CaseID + ":resolved:1:-", second.CaseID + ":outreach:2:" + first.CaseID}
		slices.Sort(got) // opened in the same second, they may list either way
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("cases %v, want %v", got, want)
		}
		return nil
	})

	// Another list while the second case is open: it joins it.
	res = importBody(t, line("5.000,00"), today().AddDays(-1))
	if len(res.Delivered) != 1 || res.Delivered[0].Outcome != evictionadapter.DeliveredOpenCase || res.Delivered[0].Message != "føjet til den åbne sag" {
		t.Fatalf("third import: %+v", res.Delivered)
	}
	teststack.Eventually(t, "the third list on the second case", func() error {
		if st := state(t, id); st.CaseID != second.CaseID || len(st.Lists) != 2 {
			return fmt.Errorf("case %s with %d lists", st.CaseID, len(st.Lists))
		}
		return nil
	})

	if _, err := update(t, id, eviction.UpdateResolve, eviction.ResolveArg{}); err != nil {
		t.Fatal(err)
	}
	if err := stack.Temporal.GetWorkflow(wctx, id, "").Get(wctx, nil); err != nil {
		t.Fatal(err)
	}
	replaytest.Record(t, stack.Temporal, id, episodeHistory)

	// An operator opens a case for the tenancy (the run kind's input and
	// workflow ID): it is the third episode, linked to the second, which
	// its Resolve activity finds in visibility. Opened by hand, such a
	// case comes long after the close; here the test waits for
	// visibility to show it.
	teststack.Eventually(t, "the second case closed in visibility", func() error {
		resp, err := stack.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'Completed'", id)})
		if err != nil || len(resp.GetExecutions()) != 2 {
			return fmt.Errorf("%d closed runs: %v", len(resp.GetExecutions()), err)
		}
		return nil
	})
	k := wiredKind(t)
	in := k.NewInput().(*eviction.CaseInput)
	*in = eviction.CaseInput{Organisation: "rb1940", Department: "29", TenancyNumber: number,
		Contact: eviction.Contact{Name: "Ep Episodesen", Address: "Vangdalen 9"}, Arrears: arrears.Kroner(800), DueDate: today().AddDays(-3)}
	if err := k.Validate(stack.Plan, in); err != nil || k.WorkflowID(in) != id {
		t.Fatalf("operator input: %v, workflow ID %s, want %s", err, k.WorkflowID(in), id)
	}
	if _, err := stack.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "helhed"}, k.Workflow, in); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, "the operator's case opened", func() error {
		if st := state(t, id); st.CaseID == second.CaseID || st.Stage != eviction.StageOutreach {
			return fmt.Errorf("case %s in %s", st.CaseID, st.Stage)
		}
		return nil
	})
	if st := state(t, id); st.Origin != "operator" || st.Episode != 3 || st.Previous == nil || st.Previous.CaseID != second.CaseID || st.Previous.Episode != 2 {
		t.Fatalf("operator's case: origin %s, episode %d, previous %+v", st.Origin, st.Episode, st.Previous)
	}
	if _, err := update(t, id, eviction.UpdateResolve, eviction.ResolveArg{}); err != nil {
		t.Fatal(err)
	}
	if err := stack.Temporal.GetWorkflow(wctx, id, "").Get(wctx, nil); err != nil {
		t.Fatal(err)
	}
	replaytest.Record(t, stack.Temporal, id, operatorEpisodeHistory)
}
