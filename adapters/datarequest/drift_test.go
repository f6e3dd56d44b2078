package datarequest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helhed/app"
	"helhed/internal/replaytest"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/workflows/datarequest"
)

// TestNoDriftAfterEveryStep drives requests through everything a user can
// send them: the operator's extend, reassign and cancel (through the run
// layer, as the API and the pages do) and the partner's answer (in the
// portal, and through the API). After each step, once the request has
// acted on it, a reconcile of the data-request read model finds nothing to
// repair. With HELHED_RECORD_HISTORY=1 it records the histories the
// datarequest package's replay test reads.
func TestNoDriftAfterEveryStep(t *testing.T) {
	s := stack.app
	runner := &runs.Runner{Client: s.Temporal, Plan: s.Plan, Kinds: runs.MustRegistry(app.Kinds(s.Capabilities))}
	ctx := context.Background()
	s.NoDrift(t, datarequest.Kind, "the package's earlier tests") // repairs what they left, if anything
	settled := func(t *testing.T, requestID, step string) {
		t.Helper()
		s.Settled(t, datarequest.WorkflowID(requestID))
		s.NoDrift(t, datarequest.Kind, step)
	}
	update := func(t *testing.T, requestID, name string, arg any) {
		t.Helper()
		raw, _ := json.Marshal(arg)
		if _, err := runner.Update(ctx, datarequest.WorkflowID(requestID), name, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		settled(t, requestID, name)
	}
	record := func(t *testing.T, requestID, file string) {
		t.Helper()
		if err := s.Temporal.GetWorkflow(ctx, datarequest.WorkflowID(requestID), "").Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		replaytest.Record(t, s.Temporal, datarequest.WorkflowID(requestID), "../../workflows/datarequest/testdata/"+file)
	}

	t.Run("reassigned, then answered in the portal", func(t *testing.T) {
		in := tableRequest("drift/reassigned", "monitorering")
		start(t, in)
		settled(t, in.RequestID, "start")
		update(t, in.RequestID, datarequest.UpdateReassign, datarequest.Reassignment{Contact: "analyse@randers.dk", Reason: "Ny kontaktperson"})
		link := taskLink(t, in.RequestID)
		if code, body := upload(t, link, csrfOf(t, link), []byte("omraade;beboere;andel\nVangdalen;1.234;5,5\nEnergivej;800;\n")); code != http.StatusSeeOther {
			t.Fatalf("portal upload: %d %.400s", code, body)
		}
		settled(t, in.RequestID, "the portal's submit")
		update(t, in.RequestID, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "Svaret er endeligt"}) // closes it with its answer
		record(t, in.RequestID, "history-reassigned-answered.json")
	})

	t.Run("overdue, then extended and answered", func(t *testing.T) {
		in := formRequest("drift/overdue", "ppr")
		in.Due = today().AddDays(-3).String()
		start(t, in)
		settled(t, in.RequestID, "start")
		update(t, in.RequestID, datarequest.UpdateExtend, datarequest.Extension{Due: today().AddDays(7).String(), Reason: "Ny frist efter aftale"})
		if code, got := api(t, "POST", "/api/v1/tasks/"+url.PathEscape(in.RequestID)+"/submit",
			strings.NewReader(`{"values":{"elever":"10","fravaer@vangdalen":"1","fravaer@gl-jennumparken":"2"}}`)); code != http.StatusOK {
			t.Fatalf("submit: %d %v", code, got)
		}
		settled(t, in.RequestID, "the API's submit")
		update(t, in.RequestID, datarequest.UpdateCancel, datarequest.Cancellation{Reason: "Svaret er endeligt"})
		record(t, in.RequestID, "history-overdue-extended.json")
	})

	t.Run("cancelled", func(t *testing.T) {
		in := formRequest("drift/cancelled", "kfum")
		start(t, in)
		settled(t, in.RequestID, "start")
		if _, err := runner.Cancel(ctx, datarequest.WorkflowID(in.RequestID), "ikke længere nødvendig"); err != nil {
			t.Fatal(err)
		}
		settled(t, in.RequestID, "cancel")
		record(t, in.RequestID, "history-cancelled.json")
	})

	// Every request above closed keeping its task in its memo
	// (datarequest.ChangeMemoHoldsTask): a full pass reads none from its
	// result (runs that failed at start have no memo and are replayed).
	t.Run("closed runs read from their memo", func(t *testing.T) {
		rep, err := s.ReadModel.Reconcile(ctx, readmodel.Options{Kinds: []string{datarequest.Kind}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := rep.Kinds[0]
		if k.Runs["completed"]+k.Runs["canceled"] < 3 || k.FromResult != 0 || k.Drift.Total() != 0 {
			t.Fatalf("kind report %+v, want every closed run read from its memo, no drift", k)
		}
	})
}
