package eviction_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helhed/app"
	"helhed/arrears"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/runs"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"

	"go.temporal.io/api/workflowservice/v1"
)

const testdata = "../../workflows/eviction/testdata/"

// TestNoDriftAfterEveryStep drives cases through everything a user can
// send them: the arrears lists (a first list opens the cases, a later one
// updates them), every operator Update of the run kind and a cancel
// (through the run layer, as the API and the pages do). After each step,
// once the case has acted on it, a reconcile of the eviction read model
// finds nothing to repair. The rent fell due two months ago, so the legal
// steps can be dated as they would have been. With HELHED_RECORD_HISTORY=1
// it records the histories the eviction package's replay test reads, the
// inbox scan's among them.
func TestNoDriftAfterEveryStep(t *testing.T) {
	s := stack
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	s.NoDrift(t, eviction.Kind, "the package's earlier tests") // repairs what they left, if anything
	due := today().AddDays(-60)
	due = plan.NewDate(due.Year, due.Month, 1)
	listed := due.AddDays(2)
	line := func(number, amount string) string {
		return fmt.Sprintf("%s;rb1940;24;Drift Driftsen;Glarbjergvej 9;%s;%02d-%02d-%d\n", number, amount, due.Day, due.Month, due.Year)
	}
	const header = "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n"
	id := func(number string) string { return eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", number)) }
	settled := func(t *testing.T, step string, ids ...string) {
		t.Helper()
		s.Settled(t, ids...)
		s.NoDrift(t, eviction.Kind, step)
	}
	step := func(t *testing.T, caseID, name string, arg any) eviction.State {
		t.Helper()
		raw, _ := json.Marshal(arg)
		if _, err := runner.Update(ctx, caseID, name, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		settled(t, name, caseID)
		return state(t, caseID)
	}
	record := func(t *testing.T, caseID, file string) {
		t.Helper()
		_ = s.Temporal.GetWorkflow(ctx, caseID, "").Get(ctx, nil)
		replaytest.Record(t, s.Temporal, caseID, testdata+file)
	}
	// In Glarbjergvej-området (rb1940 afdeling 24), which the package's
	// other tests leave alone: their figures stay theirs.
	planCase, courtCase, cancelCase := "24-880-1", "24-880-2", "24-880-3"
	if res := importBody(t, []byte(header+line(planCase, "4.000,00")+line(courtCase, "6.500,00")+line(cancelCase, "2.000,00")), listed); res.Accepted != 3 {
		t.Fatalf("first list: %+v", res)
	}
	teststack.Eventually(t, "the cases opened", func() error {
		for _, n := range []string{planCase, courtCase, cancelCase} {
			if _, err := s.Temporal.DescribeWorkflowExecution(ctx, id(n), ""); err != nil {
				return err
			}
		}
		return nil
	})
	settled(t, "the first list", id(planCase), id(courtCase), id(cancelCase))
	if res := importBody(t, []byte(header+line(planCase, "4.500,00")+line(courtCase, "6.500,00")), listed.AddDays(28)); res.Accepted != 2 {
		t.Fatalf("second list: %+v", res)
	}
	teststack.Eventually(t, "the second list in the case", func() error {
		if st := state(t, id(planCase)); st.Arrears != arrears.Kroner(4500) {
			return fmt.Errorf("arrears %v", st.Arrears)
		}
		return nil
	})
	settled(t, "the second list", id(planCase), id(courtCase))

	t.Run("payment plan, then resolved", func(t *testing.T) {
		c := id(planCase)
		step(t, c, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, Note: "Træffes om formiddagen."})
		step(t, c, eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{Instalments: []eviction.InstalmentSpec{
			{Due: today().AddDays(30), Amount: arrears.Kroner(2500)}, {Due: today().AddDays(60), Amount: arrears.Kroner(2000)}}})
		step(t, c, eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(2500)})
		step(t, c, eviction.UpdateResolve, eviction.ResolveArg{Reason: "Restancen er betalt."})
		record(t, c, "eviction-case-payment-plan-resolved-history.json")
	})

	t.Run("to court", func(t *testing.T) {
		c := id(courtCase)
		step(t, c, eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.NotReached})
		st := step(t, c, eviction.UpdateEscalate, eviction.EscalateArg{Reason: "Ingen kontakt; huslejen er ikke betalt."})
		st = step(t, c, eviction.UpdateDemand, eviction.DemandArg{On: st.Legal.DemandEarliest, Method: legal.DigitalPost, ReceivedOn: st.Legal.DemandEarliest})
		teststack.Eventually(t, "the deadline passed", func() error {
			if st = state(t, c); !st.Legal.DeadlinePassed {
				return fmt.Errorf("deadline %s not passed", st.Legal.Deadline)
			}
			return nil
		})
		settled(t, "the deadline passed", c)
		step(t, c, eviction.UpdatePayment, eviction.PaymentArg{Amount: arrears.Kroner(500)})
		step(t, c, eviction.UpdateTerminate, eviction.DateArg{On: st.Legal.TerminationEarliest})
		teststack.Eventually(t, "the kommune notified", func() error {
			if st = state(t, c); st.Legal.KommuneNotifiedOn.IsZero() {
				return fmt.Errorf("not yet")
			}
			return nil
		})
		settled(t, "the kommune notified", c)
		step(t, c, eviction.UpdateCourt, eviction.DateArg{})
		step(t, c, eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeEvicted})
		record(t, c, "eviction-case-court-evicted-history.json")
	})

	// Cancelled by an operator (the reason as a signal, then a Temporal
	// cancel: the kind has no cancel Update). Known drift, left to the
	// eviction capability: the cancelled case writes nothing (its last
	// view stays, counted as open), and the reconcile drops cancelled runs.
	t.Run("cancelled", func(t *testing.T) {
		c := id(cancelCase)
		if _, err := runner.Cancel(ctx, c, "oprettet ved en fejl"); err != nil {
			t.Fatal(err)
		}
		_ = s.Temporal.GetWorkflow(ctx, c, "").Get(ctx, nil)
		settled(t, "cancel", c)
		record(t, c, "eviction-case-cancelled-history.json")
	})

	// One scan of the inbox, started by the inbox watch when the files
	// are there: a good list and a bad file.
	t.Run("inbox scan", func(t *testing.T) {
		inbox := filepath.Join(s.Config.DataDir, "inbox")
		old := time.Now().Add(-time.Minute)
		for name, body := range map[string]string{"rykkerliste-drift.csv": header + line("24-880-4", "1.500,00"), "forkert-drift.csv": "a,b\n1,2\n"} {
			p := filepath.Join(inbox, name)
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
		teststack.Eventually(t, "the inbox case", func() error {
			_, err := s.Temporal.DescribeWorkflowExecution(ctx, id("24-880-4"), "")
			return err
		})
		// The scan that took both files (the watch may have run one per file).
		var scans []string
		teststack.Eventually(t, "the inbox scans closed", func() error {
			resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Query: fmt.Sprintf("WorkflowType = %q AND ExecutionStatus = 'Completed'", eviction.InboxWorkflowName)})
			if err != nil {
				return err
			}
			files := 0
			scans = scans[:0]
			for _, e := range resp.GetExecutions() {
				var rep eviction.InboxReport
				if err := s.Temporal.GetWorkflow(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId()).Get(ctx, &rep); err != nil {
					return err
				}
				for _, f := range rep.Files {
					if strings.HasSuffix(f.Name, "-drift.csv") {
						files++
					}
				}
				if len(rep.Files) > 0 {
					scans = append(scans, e.GetExecution().GetWorkflowId())
				}
			}
			if files != 2 {
				return fmt.Errorf("scans took %d of the 2 files", files)
			}
			return nil
		})
		settled(t, "the inbox scan", id("24-880-4"))
		replaytest.Record(t, s.Temporal, scans[0], testdata+"inbox-scan-history.json")
	})
}
