package eviction_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helhed/arrears"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// TestLegalClockOverTheOperatorAPI steers a case through the operator API
// (POST /api/v1/runs/{id}/updates/{name}). Rent due Tuesday 1 September
// 2026 may be demanded from Saturday 5 September: a påkrav dated Friday
// 4 September answers 400 {"error","field":"on"} naming the first allowed
// date, as do an unknown way of sending ("method") and a receipt before
// sending ("receivedOn"). The letter of 5 September counts as received on
// Friday 11 September (Mon 7 … Fri 11), so the deadline is Friday 25
// September and an ophævelse dated that day answers 400 naming Saturday
// 26 September. The run's description and the case list show each legal
// date with its reason.
func TestLegalClockOverTheOperatorAPI(t *testing.T) {
	csv := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;restance;forfaldsdato\n" +
		"29-778-1;rb1940;29;Lov Lovsen;Vangdalen 7;6.500,00;01-08-2026\n"
	if res := importBody(t, []byte(csv), plan.NewDate(2026, 9, 1)); res.Accepted != 1 {
		t.Fatalf("import %+v", res)
	}
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", "29-778-1"))
	teststack.Eventually(t, "case opened", func() error {
		if st := state(t, id); st.Stage != eviction.StageOutreach {
			return fmt.Errorf("stage %s", st.Stage)
		}
		return nil
	})
	type answer struct {
		Error  string `json:"error"`
		Field  string `json:"field"`
		Result struct {
			Legal eviction.Legal `json:"legal"`
		} `json:"result"`
	}
	post := func(update, body string) (int, answer) {
		t.Helper()
		code, raw := api(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/updates/"+update, "application/json", strings.NewReader(body))
		var a answer
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("%s: %d %s", update, code, raw)
		}
		return code, a
	}
	ok := func(update, body string) eviction.Legal {
		t.Helper()
		code, a := post(update, body)
		if code != http.StatusOK {
			t.Fatalf("%s %s: %d %+v", update, body, code, a)
		}
		return a.Result.Legal
	}

	l := ok(eviction.UpdateEscalate, `{"reason":"Huslejen for september er ikke betalt","dueDate":"2026-09-01"}`)
	if l.DemandEarliest != plan.NewDate(2026, 9, 5) ||
		l.DemandEarliestReason != "tidligst lørdag den 5. september 2026: 3. hverdag efter forfaldsdagen tirsdag den 1. september 2026 er fredag den 4. september 2026" {
		t.Fatalf("escalated %+v", l)
	}
	for _, c := range []struct{ update, body, field, msg string }{
		{eviction.UpdateDemand, `{"on":"2026-09-04","method":"letter"}`, "on",
			"påkravet kan ikke sendes fredag den 4. september 2026; det kan sendes tidligst lørdag den 5. september 2026: " +
				"3. hverdag efter forfaldsdagen tirsdag den 1. september 2026 er fredag den 4. september 2026"},
		{eviction.UpdateDemand, `{"on":"2026-09-05","method":"brevdue"}`, "method", `angiv, hvordan påkravet er sendt: "digital_post" (Digital Post)`},
		{eviction.UpdateDemand, `{"on":"2026-09-05","method":"letter","receivedOn":"2026-09-04"}`, "receivedOn",
			"modtagelsen fredag den 4. september 2026 ligger før afsendelsen lørdag den 5. september 2026"},
	} {
		if code, a := post(c.update, c.body); code != http.StatusBadRequest || a.Field != c.field || !strings.HasPrefix(a.Error, c.msg) {
			t.Errorf("%s %s: %d %+v, want 400 %s: %s", c.update, c.body, code, a, c.field, c.msg)
		}
	}

	l = ok(eviction.UpdateDemand, `{"on":"2026-09-05","method":"letter"}`)
	if l.DemandReceivedOn != plan.NewDate(2026, 9, 11) || l.Deadline != plan.NewDate(2026, 9, 25) || l.TerminationEarliest != plan.NewDate(2026, 9, 26) {
		t.Fatalf("after the påkrav %+v", l)
	}
	teststack.Eventually(t, "deadline passed", func() error {
		if !state(t, id).Legal.DeadlinePassed {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	want := "ophævelsen kan ikke dateres fredag den 25. september 2026; den kan dateres tidligst lørdag den 26. september 2026: " +
		"dagen efter betalingsfristens udløb fredag den 25. september 2026"
	if code, a := post(eviction.UpdateTerminate, `{"on":"2026-09-25"}`); code != http.StatusBadRequest || a.Field != "on" || a.Error != want {
		t.Errorf("ophævelse on the deadline: %d %+v", code, a)
	}
	ok(eviction.UpdateTerminate, `{"on":"2026-09-26"}`)

	// Every legal date with its reason, in the run's state (the pages'
	// "Alle oplysninger") and in the case list.
	var desc struct {
		State struct {
			Legal eviction.Legal `json:"legal"`
		} `json:"state"`
	}
	code, raw := api(t, "GET", "/api/v1/runs/"+url.PathEscape(id), "", nil)
	if err := json.Unmarshal(raw, &desc); code != http.StatusOK || err != nil {
		t.Fatalf("describe: %d %s", code, raw)
	}
	var row *eviction.Legal
	teststack.Eventually(t, "the case list shows the termination", func() error {
		for _, c := range cases(t, "").Cases {
			if c.WorkflowID == id && c.Legal != nil && !c.Legal.TerminatedOn.IsZero() {
				row = c.Legal
				return nil
			}
		}
		return fmt.Errorf("not yet")
	})
	for where, l := range map[string]eviction.Legal{"state": desc.State.Legal, "case list": *row} {
		for _, c := range []struct {
			date   plan.Date
			reason string
		}{
			{l.LastDayToPay, l.LastDayToPayReason}, {l.DemandEarliest, l.DemandEarliestReason}, {l.DemandReceivedOn, l.DemandReceivedReason},
			{l.Deadline, l.DeadlineReason}, {l.TerminationEarliest, l.TerminationEarliestReason},
		} {
			if c.date.IsZero() || !strings.Contains(c.reason, fmt.Sprintf("%d. september 2026", c.date.Day)) {
				t.Errorf("%s: %s with reason %q", where, c.date, c.reason)
			}
		}
	}
	ok(eviction.UpdateOutcome, `{"outcome":"averted"}`)
}
