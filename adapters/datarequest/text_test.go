package datarequest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"helhed/workflows/datarequest"
)

// The portal's text: one title, the star explained only where a field
// has one, a request asked again says which attempt it is, a cancelled
// one why, and an answered one what was sent.
func TestPortalText(t *testing.T) {
	// A second attempt of a request a parent rejected; no field required.
	in := formRequest("text/forsoeg-2", "ppr")
	in.Attempt, in.MaxAttempts = 2, 3
	for i := range in.Fields {
		in.Fields[i].Required = false
	}
	start(t, in)
	link := taskLink(t, in.RequestID)
	_, list := get(t, portalBase(link))
	if !strings.Contains(list, "Afvist – send igen (forsøg 2 af 3)") {
		t.Errorf("the task list does not say which attempt:\n%s", list)
	}
	_, page := get(t, link)
	if strings.Contains(page, "Felter med") {
		t.Error("the star is explained on a form without a starred field")
	}
	if strings.Contains(page, "Partnerportal – Partnerportal") {
		t.Error("doubled title")
	}
	_, notFound := get(t, portalBase(link)+"/opgave/findes-ikke")
	if !strings.Contains(notFound, "<title>Partnerportal</title>") {
		t.Errorf("the error page's title:\n%.400s", notFound)
	}

	// Answered: the task page shows what was sent, in Danish form.
	answer := url.Values{"csrf": {csrfOf(t, link)}, "elever": {"1250"}, "fravaer@vangdalen": {"5,7"}}
	if code, body := post(t, link, answer, nil); code != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%.500s", code, body)
	}
	_, page = get(t, link+"?kvittering")
	for _, want := range []string{"Antal elever: 1.250 elever", "Fravær – Vangdalen: 5,7 %"} {
		if !strings.Contains(page, want) {
			t.Errorf("the answered task lacks %q", want)
		}
	}
	_, receipt := readMail(t, noticeKey(t, stack.app.Temporal, in.RequestID, datarequest.NoticeReceipt, 0))
	if !strings.Contains(receipt, "- Fravær – Vangdalen: 5,7 %") {
		t.Errorf("the receipt does not say what was sent:\n%s", receipt)
	}

	// Cancelled with a reason: the task page gives it.
	c := formRequest("text/annulleret", "ppr")
	start(t, c)
	reason := "Runden er ved at blive afsluttet — filer modtages ikke længere."
	h, err := stack.app.Temporal.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
		WorkflowID: datarequest.WorkflowID(c.RequestID), UpdateName: datarequest.UpdateCancel,
		Args: []any{datarequest.Cancellation{Reason: reason}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(context.Background(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	readMail(t, noticeKey(t, stack.app.Temporal, c.RequestID, datarequest.NoticeCancelled, 0))
	_, page = get(t, taskLink(t, c.RequestID))
	if !strings.Contains(page, "Begrundelse: "+reason) {
		t.Errorf("the cancelled task does not give its reason:\n%s", page)
	}
}
